/**
 * Moving sends between states (TRANSITIONS in src/domain/sendStatus.ts), many at a time: every
 * move is a conditional UPDATE whose affected rows say who won, and a batch's moves of one kind
 * share one statement.
 */
import type { EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import { TIMESTAMP_COLUMNS } from '../db/columns';
import { list } from '../db/sqlDialect';
import { SendEvent, SendStatus, TRANSITIONS } from '../domain/sendStatus';
import type { SendOutcome } from '../mail/transport';

export interface Move {
  sendId: number;
  event: SendEvent;
  /** Extra columns to set with the move (sent_at, message_id, due_at, detail, ...). */
  set?: Record<string, string | number | null>;
  /** Only while the claim is still this one and its lease has run out by `leaseEndedBy`: taking over a dead worker's claim. */
  takeover?: { claimedBy: string | null; leaseEndedBy: string };
}

/** Where a send's outcome moves it, with the columns recorded beside. */
export function outcomeMove(sendId: number, outcome: SendOutcome, now: Date): Move {
  if (outcome.status !== 'failed') {
    return { sendId, event: 'delivered', set: { sent_at: now.toISOString(), message_id: outcome.messageId, detail: outcome.detail.slice(0, 500) } };
  }
  const f = outcome.failure;
  if (f.kind === 'permanent') return { sendId, event: 'permanent', set: { detail: f.reason.slice(0, 500) } };
  // Back to wait: the lease goes with the claim, so any worker may pick it when it is due.
  if (f.kind === 'fatal') return { sendId, event: 'fatal', set: { detail: f.reason.slice(0, 500), lease_until: null } };
  // It may have arrived: final, as a dead worker's handed-over send is (reconcile), never retried.
  if (f.kind === 'uncertain') return { sendId, event: 'lost', set: { detail: f.reason.slice(0, 500), message_id: outcome.messageId ?? null, lease_until: null } };
  if (f.retryAfterMs === null) return { sendId, event: 'exhausted', set: { detail: f.reason.slice(0, 500) } };
  return { sendId, event: 'transient', set: { due_at: new Date(now.getTime() + f.retryAfterMs).toISOString(), detail: f.reason.slice(0, 500), lease_until: null } };
}

/**
 * Put before an `UPDATE ... RETURNING`: TypeORM's SQLite runner discards the rows of a statement
 * that starts with UPDATE, and one statement instead of an UPDATE and a SELECT is a round trip
 * fewer (on PostgreSQL, per chunk of sends handed or claimed).
 */
export const ROWS_BACK = 'WITH rows_back AS (SELECT 1)';

/** The ids an `UPDATE ... RETURNING id` (starting with WITH) moved. */
export async function movedIds(tx: EntityManager, sql: string, params: unknown[]): Promise<number[]> {
  if (!tx.queryRunner) throw new Error('movedIds needs the EntityManager of a transaction');
  const result = await tx.queryRunner.query(sql, params, true);
  return (result.records as { id: number }[]).map((r) => Number(r.id));
}

/**
 * Moves sends in as few statements as they allow, and returns the ids that moved: one
 * conditional UPDATE for all the moves of one event setting the same columns (a batch's
 * outcomes are nearly all `delivered`), since statements, not rows, are what cost through the
 * driver; a takeover alone, its conditions being its own.
 */
export async function moveAll(db: Database, tx: EntityManager, ordered: Move[]): Promise<Set<number>> {
  const won = new Set<number>();
  const groups = new Map<string, Move[]>();
  for (const m of ordered) {
    const key = m.takeover ? `takeover ${m.sendId}` : `${m.event} ${Object.keys(m.set ?? {}).join(',')}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  for (const group of groups.values()) {
    if (group.length === 1) {
      if (await move(db, tx, group[0])) won.add(group[0].sendId);
    } else {
      for (const id of await moveMany(db, tx, group)) won.add(id);
    }
  }
  return won;
}

/**
 * One conditional UPDATE for moves of one event setting the same columns, their values bound
 * as one JSON parameter; the ids that moved come back (RETURNING). On PostgreSQL the rows are
 * locked first in id order, as every multi-row statement here takes them: no deadlock between
 * two transactions of this worker.
 */
async function moveMany(db: Database, tx: EntityManager, moves: Move[]): Promise<number[]> {
  const d = db.dialect;
  const t = TRANSITIONS[moves[0].event];
  const columns = Object.keys(moves[0].set ?? {});
  const rows = moves.map((m) => [m.sendId, ...columns.map((c) => (m.set as Record<string, unknown>)[c])]);
  const assignments = [`status = ${d.param(1)}`, ...columns.map((c, i) => `${c} = ${d.jsonAt(i + 1, c === 'attempts' ? 'int' : TIMESTAMP_COLUMNS.sends.includes(c) ? 'time' : 'text')}`)];
  const id = d.jsonAt(0, 'int');
  const locked = d.kind === 'postgres' ? `, locked AS (SELECT id FROM sends WHERE id IN (SELECT ${id} FROM j) ORDER BY id FOR UPDATE)` : '';
  return movedIds(
    tx,
    `WITH j AS (SELECT value FROM ${d.jsonRows(0)})${locked}
     UPDATE sends SET ${assignments.join(', ')} FROM j
      WHERE sends.id = ${id} AND sends.status IN (${list(d, t.from.length, 2)})${locked ? ' AND sends.id IN (SELECT id FROM locked)' : ''}
     RETURNING sends.id`,
    [JSON.stringify(rows), t.to, ...t.from],
  );
}

/** One conditional UPDATE: only from the states TRANSITIONS allows for the event. */
export async function move(db: Database, tx: EntityManager, m: Move): Promise<boolean> {
  const d = db.dialect;
  const t = TRANSITIONS[m.event];
  const set = { status: t.to as SendStatus, ...(m.set ?? {}) };
  const columns = Object.keys(set);
  const params: unknown[] = Object.values(set);
  const assignments = columns.map((c, i) => `${c} = ${d.param(i)}`);
  params.push(m.sendId, ...t.from);
  let sql = `UPDATE sends SET ${assignments.join(', ')} WHERE id = ${d.param(columns.length)} AND status IN (${list(d, t.from.length, columns.length + 1)})`;
  if (m.takeover) {
    const by = m.takeover.claimedBy === null ? 'claimed_by IS NULL' : `claimed_by = ${d.param(params.length + 1)}`;
    sql += ` AND (lease_until IS NULL OR lease_until <= ${d.param(params.length)}) AND ${by}`;
    params.push(m.takeover.leaseEndedBy, ...(m.takeover.claimedBy === null ? [] : [m.takeover.claimedBy]));
  }
  return (await db.execute(tx, sql, params)) === 1;
}
