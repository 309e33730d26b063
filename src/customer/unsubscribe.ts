/**
 * "Stop writing to me", from a page, an RFC 8058 one-click POST or anywhere else. In one
 * transaction: the address joins the suppression list (which every later send checks), and
 * every send of that address's customers still waiting (`scheduled`, `retry`) becomes
 * `suppressed`, so a dispatcher that decided to send a moment earlier loses its claim, which
 * is conditional on those states. A send already `sending` is on the wire and cannot be recalled.
 */
import type { EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import { insertEvents } from './events';

export interface Unsubscriber {
  customerId: number | null;
  runId: number | null;
  sendId: number | null;
}

const NOBODY: Unsubscriber = { customerId: null, runId: null, sendId: null };

/** True when this call suppressed the address (or upgraded a bounce to an unsubscribe); false when it already was. */
export function unsubscribe(db: Database, email: string, source: string, now: Date, who: Unsubscriber = NOBODY): Promise<boolean> {
  return db.write((tx) => unsubscribeIn(tx, db, email, source, now, who));
}

/** For callers already inside a write transaction. */
export async function unsubscribeIn(tx: EntityManager, db: Database, email: string, source: string, now: Date, who: Unsubscriber = NOBODY): Promise<boolean> {
  const d = db.dialect;
  const address = email.trim().toLowerCase();
  const at = now.toISOString();
  const changed = await db.execute(
    tx,
    `INSERT INTO suppressions (email, reason, source, at) VALUES (${d.param(0)}, 'unsubscribed', ${d.param(1)}, ${d.param(2)})
     ON CONFLICT (email) DO UPDATE SET reason = 'unsubscribed', source = excluded.source, at = excluded.at WHERE suppressions.reason <> 'unsubscribed'`,
    [address, source.slice(0, 40), at],
  );
  await db.execute(
    tx,
    `UPDATE sends SET status = 'suppressed', detail = 'unsubscribed'
      WHERE status IN ('scheduled', 'retry') AND customer_id IN (SELECT id FROM customers WHERE email = ${d.param(0)})`,
    [address],
  );
  if (changed === 1) await insertEvents(tx, db, [{ type: 'unsubscribe', ...who, at: now, data: { source } }]);
  return changed === 1;
}
