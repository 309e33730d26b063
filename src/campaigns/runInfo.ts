/** What a run needs to send: its frozen definition, its templates and, for incidents, the words. */
import path from 'node:path';
import type { Database } from '../db/database';
import { list } from '../db/sqlDialect';
import type { CampaignFile } from './definition';

export interface IncidentWords {
  id: number;
  title: string;
  whatHappened: string;
  plan: string | null;
  /** The latest update: what a page or a later email tells. */
  update: string | null;
  /** Every update, in the order posted: an update email tells its own (steps.updateOrdinal). */
  updates: string[];
  whatChanged: string | null;
}

export interface RunInfo {
  id: number;
  state: string;
  campaign: CampaignFile;
  /** Absolute path of each step's template, in step order. */
  templateFiles: string[];
  currency: string;
  incident: IncidentWords | null;
}

export async function loadRuns(db: Database, runIds: number[], viewsDir: string): Promise<Map<number, RunInfo>> {
  const out = new Map<number, RunInfo>();
  if (!runIds.length) return out;
  const rows: any[] = await db.reader.query(
    `SELECT id, state, definition, currency, incident_id FROM campaign_runs WHERE id IN (${list(db.dialect, runIds.length)})`,
    runIds,
  );
  for (const r of rows) {
    const campaign = JSON.parse(r.definition) as CampaignFile;
    out.set(Number(r.id), {
      id: Number(r.id),
      state: r.state,
      campaign,
      templateFiles: campaign.steps.map((s) => path.resolve(viewsDir, 'emails', `${s.template}.mjml`)),
      currency: r.currency,
      incident: r.incident_id === null ? null : await incidentWords(db, Number(r.incident_id)),
    });
  }
  return out;
}

/** The incident as the emails tell it: the latest update and the resolution, if any. */
export async function incidentWords(db: Database, incidentId: number): Promise<IncidentWords | null> {
  const d = db.dialect;
  const [incident] = await db.reader.query(`SELECT id, title, description, plan FROM incidents WHERE id = ${d.param(0)}`, [incidentId]);
  if (!incident) return null;
  const updates: { kind: string; message: string }[] = await db.reader.query(
    `SELECT kind, message FROM incident_updates WHERE incident_id = ${d.param(0)} ORDER BY id DESC`,
    [incidentId],
  );
  return wordsOf(incident, updates);
}

/** The words from an incident's row and its updates, newest first (also read with a landing view: landingViews.ts). */
export function wordsOf(incident: { id: unknown; title: string; description: string; plan: string | null }, updates: readonly { kind: string; message: string }[]): IncidentWords {
  const posted = updates.filter((u) => u.kind === 'update').map((u) => u.message).reverse();
  return {
    id: Number(incident.id),
    title: incident.title,
    whatHappened: incident.description,
    plan: incident.plan,
    update: posted[posted.length - 1] ?? null,
    updates: posted,
    whatChanged: updates.find((u) => u.kind === 'resolution')?.message ?? null,
  };
}
