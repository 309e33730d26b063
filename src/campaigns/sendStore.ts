/**
 * The dispatcher's view of the database. Every status change is a conditional UPDATE whose
 * affected-row count decides (TRANSITIONS in src/domain/sendStatus.ts); batches share one write
 * transaction so bookkeeping stays cheap at thousands of sends per second.
 */
import type { EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import { list } from '../db/sqlDialect';
import { SendEvent, SendStatus, TRANSITIONS } from '../domain/sendStatus';

export interface DueSend {
  id: number;
  runId: number;
  enrolmentId: number;
  customerId: number;
  step: number;
  attempts: number;
  dueAt: string;
  campaign: string;
}

export interface Move {
  sendId: number;
  event: SendEvent;
  /** Extra columns to set with the move (sent_at, message_id, due_at, detail, ...). */
  set?: Record<string, string | number | null>;
}

export class SendStore {
  constructor(private readonly db: Database) {}

  /** Sends due now in active runs, oldest first. */
  async due(now: Date, limit: number): Promise<DueSend[]> {
    const d = this.db.dialect;
    const rows: any[] = await this.db.reader.query(
      `SELECT s.id, s.run_id, s.enrolment_id, s.customer_id, s.step, s.attempts, s.due_at, r.campaign
         FROM sends s JOIN campaign_runs r ON r.id = s.run_id
        WHERE s.status IN ('scheduled', 'retry') AND s.due_at <= ${d.param(0)} AND r.state = 'active'
        ORDER BY s.due_at, s.id LIMIT ${Number(limit)}`,
      [now.toISOString()],
    );
    return rows.map((r) => ({
      id: Number(r.id), runId: Number(r.run_id), enrolmentId: Number(r.enrolment_id), customerId: Number(r.customer_id),
      step: Number(r.step), attempts: Number(r.attempts), dueAt: r.due_at, campaign: r.campaign,
    }));
  }

  /** Sends claimed longer than `leaseMs` ago by another worker: a crash left them `sending`. */
  async abandoned(now: Date, leaseMs: number, worker: string): Promise<DueSend[]> {
    const d = this.db.dialect;
    const rows: any[] = await this.db.reader.query(
      `SELECT s.id, s.run_id, s.enrolment_id, s.customer_id, s.step, s.attempts, s.due_at, r.campaign
         FROM sends s JOIN campaign_runs r ON r.id = s.run_id
        WHERE s.status = 'sending' AND (s.claimed_by IS NULL OR s.claimed_by <> ${d.param(0)}) AND s.claimed_at <= ${d.param(1)}
        ORDER BY s.id`,
      [worker, new Date(now.getTime() - leaseMs).toISOString()],
    );
    return rows.map((r) => ({
      id: Number(r.id), runId: Number(r.run_id), enrolmentId: Number(r.enrolment_id), customerId: Number(r.customer_id),
      step: Number(r.step), attempts: Number(r.attempts), dueAt: r.due_at, campaign: r.campaign,
    }));
  }

  /** Claims each send for `worker`; returns the ids this worker won. */
  async claim(ids: number[], worker: string, now: Date): Promise<Set<number>> {
    if (!ids.length) return new Set();
    return this.db.write(async (tx) => {
      const won = new Set<number>();
      for (const id of ids) {
        const moved = await this.move(tx, { sendId: id, event: 'claim', set: { claimed_by: worker, claimed_at: now.toISOString() } }, 'attempts = attempts + 1');
        if (moved) won.add(id);
      }
      return won;
    });
  }

  /**
   * Applies moves in one transaction and runs `after` for each move that won (to schedule the
   * next step, record an event, suppress an address) inside the same transaction.
   */
  async apply(moves: Move[], after?: (tx: EntityManager, move: Move) => Promise<void>): Promise<number> {
    if (!moves.length) return 0;
    return this.db.write(async (tx) => {
      let won = 0;
      for (const m of moves) {
        if (!(await this.move(tx, m))) continue;
        won++;
        if (after) await after(tx, m);
      }
      return won;
    });
  }

  /** One conditional UPDATE: only from the states TRANSITIONS allows for the event. */
  async move(tx: EntityManager, m: Move, extra?: string): Promise<boolean> {
    const d = this.db.dialect;
    const t = TRANSITIONS[m.event];
    const set = { status: t.to as SendStatus, ...(m.set ?? {}) };
    const columns = Object.keys(set);
    const params: unknown[] = Object.values(set);
    const assignments = columns.map((c, i) => `${c} = ${d.param(i)}`);
    if (extra) assignments.push(extra);
    params.push(m.sendId, ...t.from);
    const sql = `UPDATE sends SET ${assignments.join(', ')} WHERE id = ${d.param(columns.length)} AND status IN (${list(d, t.from.length, columns.length + 1)})`;
    return (await this.db.execute(tx, sql, params)) === 1;
  }

  async pauseRun(runId: number, reason: string): Promise<void> {
    await this.db.write((tx) =>
      this.db.execute(tx, `UPDATE campaign_runs SET state = 'paused', state_reason = ${this.db.dialect.param(0)} WHERE id = ${this.db.dialect.param(1)} AND state = 'active'`, [reason, runId]),
    );
  }
}
