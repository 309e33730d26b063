/**
 * A landing page's view recorded and its link target read in one statement (issue 16). Reading
 * the target and then inserting the view took two trips to node-sqlite3's thread pool per page
 * view; profiled under 50 connections, the read's trip alone was about 40% of a repeated page's
 * server CPU. On SQLite, views that arrive together are one `INSERT ... SELECT` over a JSON array
 * whose RETURNING clause reads each view's link target, in the same statement and transaction:
 * the target is as fresh as a separate read (nothing is kept between requests, so no write can
 * leave it stale), and the view is committed before the page is sent, as before.
 *
 * A send that does not exist inserts no view and returns no target. On PostgreSQL the target is
 * read and the view recorded one after the other, as before.
 */
import type { Database } from '../db/database';
import type { TrackingLog } from './events';
import { GroupCommit } from './groupCommit';
import { LinkTarget, LinkTargets, sendRowId, TARGET_COLUMNS, TARGET_FROM, TargetRow } from './linkTarget';

interface View {
  sendId: number;
  at: Date;
}

export class LandingViews {
  private readonly group: GroupCommit<View, TargetRow | null> | null = null;

  constructor(private readonly db: Database, private readonly targets: LinkTargets, private readonly tracking: TrackingLog) {
    if (db.dialect.kind !== 'sqlite') return;
    const d = db.dialect;
    const target = `json_object(${TARGET_COLUMNS.map(([name, column]) => `'${name}', ${column}`).join(', ')})`;
    const sql = `INSERT INTO events (type, customer_id, run_id, send_id, at, data)
SELECT 'landing', s.customer_id, s.run_id, s.id, ${d.jsonAt(1)}, NULL FROM ${d.jsonRows(0)} JOIN sends s ON s.id = ${d.jsonAt(0, 'int')}
RETURNING send_id, (SELECT ${target} ${TARGET_FROM} WHERE s.id = events.send_id) AS target`;
    this.group = new GroupCommit<View, TargetRow | null>(async (views) => {
      const rows = await db.hot.writeRows<{ send_id: number; target: string }>(sql, [JSON.stringify(views.map((v) => [v.sendId, v.at.toISOString()]))]);
      // RETURNING's order is not the insert's: match by send. Two views of one send in a group read the same.
      const bySend = new Map(rows.map((r) => [Number(r.send_id), r.target]));
      return views.map((v) => {
        const json = bySend.get(v.sendId);
        return json === undefined ? null : (JSON.parse(json) as TargetRow);
      });
    });
  }

  /** Records a view of the send's landing page and returns what its link points at; null, and no view, for a send that does not exist. */
  async record(sendId: string, at: Date): Promise<LinkTarget | null> {
    const id = sendRowId(sendId);
    if (id === null) return null;
    if (!this.group) {
      const target = await this.targets.load(sendId);
      if (target) await this.tracking.record({ type: 'landing', customerId: target.customerId, runId: target.runId, sendId: target.sendId, at });
      return target;
    }
    const row = await this.group.run({ sendId: id, at });
    return row ? this.targets.target(row) : null;
  }
}
