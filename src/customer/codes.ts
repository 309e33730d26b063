/**
 * Issuing an offer's code on the customer's first redeem. A conditional INSERT decides: the
 * unique index on enrolment_id lets exactly one of any number of concurrent first redeems in,
 * and the rows it copies (the frozen rung, the offer's expiry) fix the code's terms at that
 * moment. Concurrent redeems share one INSERT (group commit), one row each; the rows it returns
 * say which of them won.
 */
import type { Database } from '../db/database';
import { generateCode, RandomIndex } from './codeFormat';
import { GroupCommit } from './groupCommit';

export type IssueOutcome =
  | { status: 'issued'; code: string }
  | { status: 'existing'; code: string }
  | { status: 'no-offer' }
  | { status: 'ended'; endedAt: string }
  | { status: 'unknown' };

/** A fresh code colliding with an existing one is a 1-in-2^98 event; a few tries are plenty. */
const ATTEMPTS = 3;

interface Attempt {
  sendId: number;
  code: string;
  at: string;
}

export class CodeIssuer {
  private readonly inserts: GroupCommit<Attempt, boolean>;

  constructor(private readonly db: Database, private readonly random?: RandomIndex) {
    const d = db.dialect;
    // One statement for a whole group of attempts, each a row of a JSON array; RETURNING names
    // the rows that went in, so each attempt still learns whether it won. Isolation: READ
    // COMMITTED is enough, the unique keys decide (ON CONFLICT), not anything read before.
    const sql = `INSERT INTO codes (code, enrolment_id, customer_id, run_id, send_id, discount, currency, expires_at, issued_at)
SELECT ${d.jsonAt(0)}, e.id, e.customer_id, e.run_id, s.id, e.offer, r.currency, e.offer_expires_at, ${d.jsonAt(1, 'time')}
  FROM ${d.jsonRows(0)} JOIN sends s ON s.id = ${d.jsonAt(2, 'int')} JOIN enrolments e ON e.id = s.enrolment_id JOIN campaign_runs r ON r.id = e.run_id
 WHERE e.offer IS NOT NULL AND e.offer_expires_at > ${d.jsonAt(1, 'time')}
ON CONFLICT DO NOTHING
RETURNING code, send_id`;
    this.inserts = new GroupCommit(async (attempts) => {
      const rows = await db.hot.writeRows<{ code: string; send_id: number }>(sql, [JSON.stringify(attempts.map((a) => [a.code, a.at, a.sendId]))]);
      const won = new Set(rows.map((r) => `${r.code} ${Number(r.send_id)}`));
      return attempts.map((a) => won.has(`${a.code} ${a.sendId}`));
    });
  }

  async issue(sendId: number, now: Date): Promise<IssueOutcome> {
    const at = now.toISOString();
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const code = generateCode(this.random);
      if (await this.inserts.run({ sendId, code, at })) return { status: 'issued', code };
      const why = await this.whyNotIssued(sendId, at);
      if (why) return why;
    }
    throw new Error(`send ${sendId}: ${ATTEMPTS} fresh codes in a row collided with existing ones; is the random source broken?`);
  }

  /** Null when nothing explains it but a collision of the fresh code: then try another. */
  private async whyNotIssued(sendId: number, now: string): Promise<IssueOutcome | null> {
    const [row] = await this.db.hot.rows<{ offer: string | null; offer_expires_at: string | null; code: string | null }>(
      `SELECT e.offer, e.offer_expires_at, k.code FROM sends s JOIN enrolments e ON e.id = s.enrolment_id
         LEFT JOIN codes k ON k.enrolment_id = e.id WHERE s.id = ${this.db.dialect.param(0)}`,
      [sendId],
    );
    if (!row) return { status: 'unknown' };
    if (row.code) return { status: 'existing', code: row.code };
    if (row.offer === null || row.offer_expires_at === null) return { status: 'no-offer' };
    if (row.offer_expires_at <= now) return { status: 'ended', endedAt: row.offer_expires_at };
    return null;
  }
}
