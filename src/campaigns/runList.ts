/**
 * Every run at a glance, for the console: state, launch, audience and how far its steps have
 * gone. Three grouped queries (runs, enrolments per run, sends per run and step), whatever the
 * number of customers; `runStatus` (runControl.ts) has one run's full counts.
 */
import type { Database } from '../db/database';
import { list } from '../db/sqlDialect';

export interface RunSummary {
  runId: number;
  campaign: string;
  /** `winback` or `incident` (an apology holds nobody out, on purpose). */
  kind: string;
  state: string;
  reason: string | null;
  launchedAt: string;
  audience: number;
  holdout: number;
  /** Steps in the run's frozen definition. */
  steps: number;
  /** The highest step with any send: where the run has got to. */
  reachedStep: number;
  sent: number;
  /** Waiting to go out (scheduled, retrying or being sent). */
  due: number;
  /** 0-1: each step's settled share of its sends, averaged over the definition's steps. */
  progress: number;
}

const WAITING = "('scheduled', 'retry', 'sending')";

/** Runs newest first; `states` keeps only runs in those states (e.g. active and paused). */
export async function listRuns(db: Database, options: { states?: readonly string[]; limit?: number } = {}): Promise<RunSummary[]> {
  const d = db.dialect;
  const states = options.states ?? [];
  const runs: any[] = await db.reader.query(
    `SELECT id, campaign, state, state_reason, launched_at, definition FROM campaign_runs
      ${states.length ? `WHERE state IN (${list(d, states.length)})` : ''} ORDER BY id DESC LIMIT ${Math.max(1, options.limit ?? 200)}`,
    [...states],
  );
  if (!runs.length) return [];
  const ids = runs.map((r) => Number(r.id));
  const enrolled: any[] = await db.reader.query(
    `SELECT run_id, COUNT(*) AS audience, SUM(CASE WHEN holdout THEN 1 ELSE 0 END) AS holdout FROM enrolments WHERE run_id IN (${list(d, ids.length)}) GROUP BY run_id`,
    ids,
  );
  const sends: any[] = await db.reader.query(
    `SELECT run_id, step, SUM(CASE WHEN status = 'sent' OR status = 'uncertain' THEN 1 ELSE 0 END) AS sent,
            SUM(CASE WHEN status IN ${WAITING} THEN 1 ELSE 0 END) AS due, COUNT(*) AS total
       FROM sends WHERE run_id IN (${list(d, ids.length)}) GROUP BY run_id, step`,
    ids,
  );
  return runs.map((r) => {
    const id = Number(r.id);
    const e = enrolled.find((x) => Number(x.run_id) === id);
    const stepRows = sends.filter((x) => Number(x.run_id) === id);
    const definition = JSON.parse(r.definition) as { steps: unknown[]; kind?: string };
    const steps = Math.max(definition.steps.length, ...stepRows.map((x) => Number(x.step)));
    const settled = stepRows.reduce((a, x) => a + (Number(x.total) - Number(x.due)) / Number(x.total), 0);
    return {
      runId: id,
      campaign: r.campaign,
      kind: definition.kind ?? 'winback',
      state: r.state,
      reason: r.state_reason ?? null,
      launchedAt: r.launched_at,
      audience: Number(e?.audience ?? 0),
      holdout: Number(e?.holdout ?? 0),
      steps,
      reachedStep: Math.max(0, ...stepRows.map((x) => Number(x.step))),
      sent: stepRows.reduce((a, x) => a + Number(x.sent), 0),
      due: stepRows.reduce((a, x) => a + Number(x.due), 0),
      progress: steps ? settled / steps : 0,
    };
  });
}
