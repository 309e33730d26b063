/**
 * A landing page's view recorded and its link target read in one statement (issue 16). Reading
 * the target and then inserting the view took two trips to node-sqlite3's thread pool per page
 * view; profiled under 50 connections, the read's trip alone was about 40% of a repeated page's
 * server CPU. On SQLite, views that arrive together are one `INSERT ... SELECT` over a JSON array
 * whose RETURNING clause reads each view's link target, in the same statement and transaction:
 * the target is as fresh as a separate read (nothing is kept between requests, so no write can
 * leave it stale), and the view is committed before the page is sent, as before.
 *
 * The incident's words of an incident's run come with it, instead of two more reads through TypeORM.
 * A send that does not exist inserts no view and returns no target. On PostgreSQL the target is
 * read and the view recorded one after the other, as before.
 */
import { IncidentWords, incidentWords, wordsOf } from '../campaigns/runInfo';
import type { Database } from '../db/database';
import type { TrackingLog } from './events';
import { GroupCommit } from './groupCommit';
import { LinkTarget, LinkTargets, sendRowId, TARGET_COLUMNS, TARGET_FROM, TargetRow } from './linkTarget';

interface View {
  sendId: number;
  at: Date;
}

/** What a landing view reads: the link target and, for an incident's run, the incident's words. */
export interface Viewed {
  target: LinkTarget;
  incident: IncidentWords | null;
}

interface IncidentRow {
  id: number;
  title: string;
  description: string;
  plan: string | null;
  /** [id, kind, message] per update, in no particular order. */
  updates: [number, string, string][];
}

type ViewRow = TargetRow & { incident: IncidentRow | null };

/** An incident's row and its updates as one JSON value, for the run `r`. */
const INCIDENT_JSON = `(SELECT json_object('id', i.id, 'title', i.title, 'description', i.description, 'plan', i.plan,
  'updates', (SELECT json_group_array(json_array(u.id, u.kind, u.message)) FROM incident_updates u WHERE u.incident_id = i.id))
  FROM incidents i WHERE i.id = r.incident_id)`;

export class LandingViews {
  private readonly group: GroupCommit<View, ViewRow | null> | null = null;

  constructor(private readonly db: Database, private readonly targets: LinkTargets, private readonly tracking: TrackingLog) {
    if (db.dialect.kind !== 'sqlite') return;
    const d = db.dialect;
    const target = `json_object(${TARGET_COLUMNS.map(([name, column]) => `'${name}', ${column}`).join(', ')}, 'incident', ${INCIDENT_JSON})`;
    const sql = `INSERT INTO events (type, customer_id, run_id, send_id, at, data)
SELECT 'landing', s.customer_id, s.run_id, s.id, ${d.jsonAt(1, 'time')}, NULL FROM ${d.jsonRows(0)} JOIN sends s ON s.id = ${d.jsonAt(0, 'int')}
RETURNING send_id, (SELECT ${target} ${TARGET_FROM} WHERE s.id = events.send_id) AS target`;
    this.group = new GroupCommit<View, ViewRow | null>(async (views) => {
      const rows = await db.hot.writeRows<{ send_id: number; target: string }>(sql, [JSON.stringify(views.map((v) => [v.sendId, v.at.toISOString()]))]);
      // RETURNING's order is not the insert's: match by send. Two views of one send in a group read the same.
      const bySend = new Map(rows.map((r) => [Number(r.send_id), r.target]));
      return views.map((v) => {
        const json = bySend.get(v.sendId);
        return json === undefined ? null : (JSON.parse(json) as ViewRow);
      });
    });
  }

  /** Records a view of the send's landing page and returns what the page shows; null, and no view, for a send that does not exist. */
  async record(sendId: string, at: Date): Promise<Viewed | null> {
    const id = sendRowId(sendId);
    if (id === null) return null;
    if (!this.group) {
      const target = await this.targets.load(sendId);
      if (!target) return null;
      await this.tracking.record({ type: 'landing', customerId: target.customerId, runId: target.runId, sendId: target.sendId, at });
      return { target, incident: target.incidentId === null ? null : await incidentWords(this.db, target.incidentId) };
    }
    const row = await this.group.run({ sendId: id, at });
    if (!row) return null;
    const i = row.incident;
    const updates = i ? [...i.updates].sort((a, b) => b[0] - a[0]).map(([, kind, message]) => ({ kind, message })) : [];
    return { target: await this.targets.target(row), incident: i ? wordsOf(i, updates) : null };
  }
}
