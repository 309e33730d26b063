/**
 * Scores in `customer_scores`, keyed by (model version, as-of day, customer). Written in one
 * write transaction with multi-row upserts (scoreStatements.ts), so a reader sees all of a run or
 * none of it, and a later fit (a new model version) never changes the numbers a campaign
 * launched with. A large run's statements are built on a worker thread (statementThread.ts).
 */
import type { EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import type { Progress } from '../progress';
import { dayNumber, isoDay } from '../domain/rfm';
import type { ScoreTable } from './scoreTable';
import { hasScoresSql, ORPHANS_SQLITE, orphansRefused, statementContext } from './scoreStatements';
import { scoreStatements, threadWorkerFile } from './statementThread';
import { storeOnThread } from './threadStore';

export interface StoreKey {
  modelVersion: number;
  asOf: string;
  scoredAt: string;
}

export interface StoreOptions {
  /** Rows from which the statements are built on a worker thread (statementThread.ts' THREAD_FROM). */
  threadFrom?: number;
}

export async function storeScores(db: Database, table: ScoreTable, key: StoreKey, progress?: Progress, options: StoreOptions = {}): Promise<void> {
  progress?.('storing scores', 0, table.length);
  // SQLite, large: built and stored on the thread, on its own connection (threadStore.ts).
  const workerFile = threadWorkerFile(table.length, options.threadFrom);
  if (workerFile !== null && (await storeOnThread(db, table, key, workerFile, progress))) return;
  // Foreign keys checked once for the run, not per row (Database.writeBulk), as the bulk import
  // does: the customers come from their orders and the model version was just read. On a
  // loaded machine the gain was within the noise (200,000 scores: 9.1-10.8 s either way).
  // Plain INSERTs where the (model version, as-of day) has no scores yet, read inside the write
  // transaction: SQLite's one writer keeps that true until the commit (another process's write in
  // between fails this transaction, storing nothing). PostgreSQL runs concurrent score runs side
  // by side, so it always upserts.
  const freshOnSqlite = db.dialect.kind === 'sqlite';
  await db.writeBulk(async (tx) => {
    const context = statementContext(table, db.dialect.kind, key, freshOnSqlite && !(await hasScores(db, key.modelVersion, key.asOf, tx)));
    // Two statements in flight: the driver binds the next one while SQLite runs the previous.
    let previous: Promise<unknown> = Promise.resolve();
    let stored = 0;
    try {
      for await (const statement of scoreStatements(table, context, options.threadFrom)) {
        const current = tx.query(statement.sql, statement.params);
        current.catch(() => undefined);
        await previous;
        progress?.('storing scores', stored, table.length);
        stored += statement.rows;
        previous = current;
      }
    } finally {
      // A statement that failed to build must not roll back under one still running.
      await previous.catch(() => undefined);
    }
    await previous;
    await proveReferences(db, tx, key);
  });
}

/** Every stored score of the run names a customer and a model that exist; else nothing is stored. */
async function proveReferences(db: Database, tx: EntityManager, key: StoreKey): Promise<void> {
  if (db.dialect.kind !== 'sqlite') return;
  const [{ orphans }] = await tx.query(ORPHANS_SQLITE, [key.modelVersion, key.asOf]);
  if (Number(orphans) > 0) throw orphansRefused(Number(orphans));
}

/** One stored score, as campaigns read it back. */
export interface StoredScoreRow {
  customer_id: number;
  x: number;
  p_alive: number;
  expected_purchases: number;
  expected_spend: number;
  clv_if_won_minor: number | string;
  value_minor: number | string;
  /** Lower end of the value's 90% interval; null when the run had no intervals. */
  value_low_minor: number | string | null;
  budget_minor: number | string;
  budget_rule: string;
  treatment: string;
  offer_id: string | null;
  last_order_day: string;
}

const READ_PAGE = 10_000;

/** Pages through the stored scores of one (version, as-of) in customer id order. */
export async function* readScores(db: Database, modelVersion: number, asOf: string): AsyncGenerator<StoredScoreRow[]> {
  const p = (i: number) => db.dialect.param(i);
  const sql = `SELECT customer_id, x, p_alive, expected_purchases, expected_spend, clv_if_won_minor, value_minor, value_low_minor, budget_minor,
                      budget_rule, treatment, offer_id, last_order_day
                 FROM customer_scores WHERE model_version = ${p(0)} AND as_of = ${p(1)} AND customer_id > ${p(2)}
                ORDER BY customer_id LIMIT ${READ_PAGE}`;
  for (let after = 0; ; ) {
    const page: StoredScoreRow[] = await db.reader.query(sql, [modelVersion, asOf, after]);
    if (page.length > 0) yield page;
    if (page.length < READ_PAGE) return;
    after = Number(page[page.length - 1].customer_id);
  }
}

export async function hasScores(db: Database, modelVersion: number, asOf: string, manager: EntityManager = db.reader): Promise<boolean> {
  const rows = await manager.query(hasScoresSql((i) => db.dialect.param(i)), [modelVersion, asOf]);
  return rows.length > 0;
}

/** Scored days the nightly rescore keeps; a campaign's launch day is kept whatever its age. */
export const SCORE_DAYS_KEPT = 7;

/**
 * Deletes the scores of as-of days more than SCORE_DAYS_KEPT days before `newest`, except the
 * (model version, day) pairs in `keep`: what campaigns launched with. The nightly rescore adds
 * a row per customer per day, and nothing reads an old day but an audit of a launch. Returns
 * the rows deleted.
 */
export async function pruneScores(db: Database, newest: string, keep: readonly { modelVersion: number; asOf: string }[]): Promise<number> {
  const before = isoDay(dayNumber(newest) - (SCORE_DAYS_KEPT - 1));
  const d = db.dialect;
  // Spelled as equalities rather than a row-value IN list, so PostgreSQL types the parameters from the columns.
  const pairs = keep.map((_, i) => `(model_version = ${d.param(1 + 2 * i)} AND as_of = ${d.param(2 + 2 * i)})`);
  const kept = pairs.length ? ` AND NOT (${pairs.join(' OR ')})` : '';
  return db.write((tx) => db.execute(tx, `DELETE FROM customer_scores WHERE as_of < ${d.param(0)}${kept}`, [before, ...keep.flatMap((k) => [k.modelVersion, k.asOf])]));
}
