/**
 * Events from the customer's side: views, clicks, opens (high volume, written in groups) and
 * redemptions, feedback and unsubscribes (written inside the transaction that makes them true).
 */
import type { EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import { GroupCommit } from './groupCommit';

export interface CustomerEvent {
  type: 'sent' | 'landing' | 'click' | 'open' | 'redeem' | 'release' | 'feedback' | 'unsubscribe';
  customerId: number | null;
  runId: number | null;
  sendId: number | null;
  at: Date;
  data?: Record<string, unknown> | null;
}

const COLUMNS = 6;
const values = (e: CustomerEvent): unknown[] => [e.type, e.customerId, e.runId, e.sendId, e.at.toISOString(), e.data ? JSON.stringify(e.data) : null];

export async function insertEvents(tx: EntityManager, db: Database, events: readonly CustomerEvent[]): Promise<void> {
  const perStatement = Math.floor(db.dialect.maxParams / COLUMNS);
  for (let i = 0; i < events.length; i += perStatement) {
    const slice = events.slice(i, i + perStatement);
    await tx.query(`INSERT INTO events (type, customer_id, run_id, send_id, at, data) VALUES ${db.dialect.rows(slice.length, COLUMNS)}`, slice.flatMap(values));
  }
}

/**
 * Views, clicks and opens, in groups (see groupCommit.ts): under load one commit carries dozens
 * of page views, as one statement over a JSON array (one kept statement whatever the group's
 * size). Each request still waits until its event is committed, so nothing is lost to a crash
 * and a test can read the event at once.
 */
export class TrackingLog {
  private readonly group: GroupCommit<CustomerEvent, void>;

  constructor(db: Database) {
    const d = db.dialect;
    const sql = `INSERT INTO events (type, customer_id, run_id, send_id, at, data)
SELECT ${d.jsonAt(0)}, ${d.jsonAt(1, 'int')}, ${d.jsonAt(2, 'int')}, ${d.jsonAt(3, 'int')}, ${d.jsonAt(4, 'time')}, ${d.jsonAt(5)} FROM ${d.jsonRows(0)}`;
    this.group = new GroupCommit<CustomerEvent, void>(async (events) => {
      await db.hot.writeOne(sql, [JSON.stringify(events.map(values))]);
      return events.map(() => undefined);
    });
  }

  record(event: CustomerEvent): Promise<void> {
    return this.group.run(event);
  }
}
