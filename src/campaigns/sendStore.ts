/**
 * The dispatcher's view of the database. Every status change is a conditional UPDATE whose
 * affected-row count decides (TRANSITIONS in src/domain/sendStatus.ts); batches share one write
 * transaction so bookkeeping stays cheap at thousands of sends per second.
 */
import type { EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import { list } from '../db/sqlDialect';
import { TRANSITIONS } from '../domain/sendStatus';
import { Move, moveAll, movedIds, ROWS_BACK } from './sendMoves';

export type { Move } from './sendMoves';
export { outcomeMove } from './sendMoves';

export interface DueSend {
  id: number;
  runId: number;
  enrolmentId: number;
  customerId: number;
  step: number;
  attempts: number;
  dueAt: string;
  campaign: string;
  /** When it was claimed; read only for claims a crash abandoned. */
  claimedAt?: string;
  /** Read only for abandoned claims: whose claim it was, its lease, and whether it reached the mailer. */
  claimedBy?: string | null;
  leaseUntil?: string | null;
  handedAt?: string | null;
}

/** Sends per claiming statement: well under every engine's parameter limit. */
const CLAIM_CHUNK = 1000;
/** Claims made by this process so far: numbers each claim's token. */
let claims = 0;

/** The worker a claim token `worker/n` belongs to. */
export function workerOf(token: string | null | undefined): string {
  if (!token) return 'an unknown worker';
  const slash = token.lastIndexOf('/');
  return slash < 0 ? token : token.slice(0, slash);
}

const dueSend = (r: any): DueSend => ({
  id: Number(r.id), runId: Number(r.run_id), enrolmentId: Number(r.enrolment_id), customerId: Number(r.customer_id),
  step: Number(r.step), attempts: Number(r.attempts), dueAt: r.due_at, campaign: r.campaign,
});

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
    return rows.map(dueSend);
  }

  /**
   * Sends a dead worker left `sending`: their lease ran out (a worker renews it while it works on
   * them; this one too, so its own claims out of lease are ones a failed batch left), or, for a
   * claim older than leases, claimed longer than `leaseMs` ago by another worker.
   */
  async abandoned(now: Date, leaseMs: number, worker: string): Promise<DueSend[]> {
    const d = this.db.dialect;
    // Claims are tokens `worker/n` (see claim); worker ids are digits, hex and dashes, so the
    // pattern has no LIKE wildcards of its own.
    const rows: any[] = await this.db.reader.query(
      `SELECT s.id, s.run_id, s.enrolment_id, s.customer_id, s.step, s.attempts, s.due_at, s.claimed_at, s.claimed_by, s.lease_until, s.handed_at, r.campaign
         FROM sends s JOIN campaign_runs r ON r.id = s.run_id
        WHERE s.status = 'sending'
          AND (s.lease_until <= ${d.param(2)} OR (s.lease_until IS NULL AND s.claimed_at <= ${d.param(1)} AND (s.claimed_by IS NULL OR s.claimed_by NOT LIKE ${d.param(0)})))
        ORDER BY s.id`,
      [`${worker}/%`, new Date(now.getTime() - leaseMs).toISOString(), now.toISOString()],
    );
    return rows.map((r) => ({
      ...dueSend(r), claimedAt: r.claimed_at ?? undefined, claimedBy: r.claimed_by ?? null, leaseUntil: r.lease_until ?? null, handedAt: r.handed_at ?? null,
    }));
  }

  /**
   * Picks the next due sends for `worker` and holds them for it: the lease keeps other workers
   * off them while this one decides and claims them (claim, still a conditional update, decides).
   * On PostgreSQL the pick is `SELECT ... FOR UPDATE SKIP LOCKED` inside the transaction, at the
   * default READ COMMITTED isolation: rows another worker is picking at this instant are skipped,
   * not waited for, and each row's conditions are checked again on its newest version once
   * locked. SQLite has one writer at a time (the write queue in a process, the busy timeout
   * between processes), so the same UPDATE needs no lock clause there.
   */
  async pick(now: Date, limit: number, worker: string, leaseMs: number): Promise<{ token: string; sends: DueSend[] }> {
    const d = this.db.dialect;
    const token = `${worker}/${++claims}`;
    const skipLocked = d.kind === 'postgres' ? 'FOR UPDATE OF s SKIP LOCKED' : '';
    const sends = await this.db.write(async (tx) => {
      await tx.query(
        `UPDATE sends SET claimed_by = ${d.param(0)}, lease_until = ${d.param(1)} WHERE id IN (
           SELECT s.id FROM sends s JOIN campaign_runs r ON r.id = s.run_id
            WHERE s.status IN ('scheduled', 'retry') AND s.due_at <= ${d.param(2)} AND r.state = 'active'
              AND (s.lease_until IS NULL OR s.lease_until <= ${d.param(2)})
            ORDER BY s.due_at, s.id LIMIT ${Number(limit)} ${skipLocked})`,
        [token, new Date(now.getTime() + leaseMs).toISOString(), now.toISOString()],
      );
      const rows: any[] = await tx.query(
        `SELECT s.id, s.run_id, s.enrolment_id, s.customer_id, s.step, s.attempts, s.due_at, r.campaign
           FROM sends s JOIN campaign_runs r ON r.id = s.run_id WHERE s.claimed_by = ${d.param(0)} ORDER BY s.due_at, s.id`,
        [token],
      );
      return rows.map(dueSend);
    });
    return { token, sends };
  }

  /** Lets go of picked sends nobody claimed (deferred ones, the rest of a stopped batch): any worker may pick them again at once. */
  async unpick(ids: number[], token: string): Promise<void> {
    const d = this.db.dialect;
    for (let i = 0; i < ids.length; i += CLAIM_CHUNK) {
      const slice = ids.slice(i, i + CLAIM_CHUNK);
      await this.db.write((tx) =>
        tx.query(`UPDATE sends SET claimed_by = NULL, lease_until = NULL WHERE claimed_by = ${d.param(0)} AND id IN (${list(d, slice.length, 1)})`, [token, ...slice]),
      );
    }
  }

  /**
   * Pushes the lease of these sends, where `worker` holds them (picked or claimed, not settled), to
   * `leaseMs` from now: it is alive and working on them. On PostgreSQL it skips the rows locked at
   * this instant (SKIP LOCKED): those are this worker's own recording or stamping, which settles
   * them or renews their lease itself; waiting for them would make the stamping of the next sends
   * wait behind this renewal, and the senders behind the stamping.
   */
  async renew(ids: number[], worker: string, now: Date, leaseMs: number): Promise<number> {
    if (!ids.length) return 0;
    const d = this.db.dialect;
    const skipLocked = d.kind === 'postgres' ? 'FOR UPDATE SKIP LOCKED' : '';
    return this.db.write((tx) =>
      this.db.execute(
        tx,
        `UPDATE sends SET lease_until = ${d.param(0)} WHERE id IN (
           SELECT id FROM sends WHERE status IN ('scheduled', 'retry', 'sending') AND claimed_by LIKE ${d.param(1)} AND id IN (${list(d, ids.length, 2)}) ${skipLocked})`,
        [new Date(now.getTime() + leaseMs).toISOString(), `${worker}/%`, ...ids],
      ),
    );
  }

  /**
   * Stamps claimed sends as handed to the mailer, just before the SMTP transaction starts;
   * returns the ids still claimed by `worker` (another worker may have taken over a claim whose
   * lease ran out: that one must not be sent here).
   */
  async hand(ids: number[], worker: string, now: Date, leaseMs: number): Promise<Set<number>> {
    if (!ids.length) return new Set();
    const d = this.db.dialect;
    const at = now.toISOString();
    // The lease is renewed with the stamp: these are about to be worked on.
    return this.db.write(async (tx) =>
      new Set(
        await movedIds(
          tx,
          `${ROWS_BACK} UPDATE sends SET handed_at = ${d.param(0)}, lease_until = ${d.param(2)} WHERE status = 'sending' AND claimed_by LIKE ${d.param(1)} AND id IN (${list(d, ids.length, 3)}) RETURNING id`,
          [at, `${worker}/%`, new Date(now.getTime() + leaseMs).toISOString(), ...ids],
        ),
      ),
    );
  }

  /**
   * Claims the sends for `worker`; returns the ids it won. One conditional UPDATE per chunk
   * rather than one per send (statements, not rows, are what cost through the driver); the rows
   * that moved come back from the statement itself (RETURNING), so the answer is exact even when
   * another worker, or another pass of this one, claims at the same instant.
   */
  async claim(ids: number[], worker: string, now: Date, leaseMs: number): Promise<Set<number>> {
    if (!ids.length) return new Set();
    const d = this.db.dialect;
    const token = `${worker}/${++claims}`;
    const { from, to } = TRANSITIONS.claim;
    return this.db.write(async (tx) => {
      const won = new Set<number>();
      for (let i = 0; i < ids.length; i += CLAIM_CHUNK) {
        const slice = ids.slice(i, i + CLAIM_CHUNK);
        const moved = await movedIds(
          tx,
          `${ROWS_BACK} UPDATE sends SET status = ${d.param(0)}, claimed_by = ${d.param(1)}, claimed_at = ${d.param(2)}, lease_until = ${d.param(3)}, handed_at = NULL, attempts = attempts + 1
            WHERE id IN (${list(d, slice.length, 4)}) AND status IN (${list(d, from.length, 4 + slice.length)}) RETURNING id`,
          [to, token, now.toISOString(), new Date(now.getTime() + leaseMs).toISOString(), ...slice, ...from],
        );
        for (const id of moved) won.add(id);
      }
      return won;
    });
  }

  /**
   * Applies moves in one transaction and runs `after` for each move that won (to schedule the
   * next step, record an event, suppress an address), then `finish`, inside the same transaction.
   */
  async apply(moves: Move[], after?: (tx: EntityManager, move: Move) => Promise<void>, finish?: (tx: EntityManager) => Promise<void>): Promise<number> {
    if (!moves.length) return 0;
    const ordered = [...moves].sort((a, b) => a.sendId - b.sendId);
    return this.db.write(async (tx) => {
      const won = await moveAll(this.db, tx, ordered);
      if (after) for (const m of ordered) if (won.has(m.sendId)) await after(tx, m);
      // Rows the `after` calls collected, written in a few multi-row statements.
      if (finish) await finish(tx);
      return won.size;
    });
  }

  async pauseRun(runId: number, reason: string): Promise<void> {
    await this.db.write((tx) =>
      this.db.execute(tx, `UPDATE campaign_runs SET state = 'paused', state_reason = ${this.db.dialect.param(0)} WHERE id = ${this.db.dialect.param(1)} AND state = 'active'`, [reason, runId]),
    );
  }

  async markExited(tx: EntityManager, enrolmentId: number, reason: string, now: Date): Promise<void> {
    const d = this.db.dialect;
    await tx.query(`UPDATE enrolments SET exited_at = ${d.param(0)}, exit_reason = ${d.param(1)} WHERE id = ${d.param(2)} AND exited_at IS NULL`, [now.toISOString(), reason, enrolmentId]);
  }

  async suppress(tx: EntityManager, email: string, reason: string, source: string, now: Date): Promise<void> {
    const d = this.db.dialect;
    await tx.query(`INSERT INTO suppressions (email, reason, source, at) VALUES (${d.param(0)}, ${d.param(1)}, ${d.param(2)}, ${d.param(3)}) ON CONFLICT (email) DO NOTHING`, [email, reason, source, now.toISOString()]);
  }

  /** A run whose sends are all final is complete; an incident's runs wait for `incident resolve`. */
  async completeFinishedRuns(): Promise<void> {
    await this.db.write((tx) =>
      tx.query(`UPDATE campaign_runs SET state = 'completed' WHERE state = 'active' AND (incident_id IS NULL OR incident_id IN (SELECT id FROM incidents WHERE status = 'resolved'))
        AND NOT EXISTS (SELECT 1 FROM sends s WHERE s.run_id = campaign_runs.id AND s.status IN ('scheduled', 'retry', 'sending'))`),
    );
  }
}
