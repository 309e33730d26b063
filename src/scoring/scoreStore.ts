/**
 * Scores in `customer_scores`, keyed by (model version, as-of day, customer). Written in one
 * write transaction with multi-row upserts, so a reader sees all of a run or none of it, and a
 * later fit (a new model version) never changes the numbers a campaign launched with.
 *
 * Speed: the sqlite3 driver spends ~0.5 µs converting each bound value on the main thread, so
 * 19 bound values per row cost ~9 s at a million rows. Values this module makes itself —
 * numbers, days, enum words — are written into the SQL as literals after a check of their
 * shape; only the offer id, which comes from configuration, is bound. The ten interval columns
 * (issue 14) are NULL for a run without intervals.
 */
import type { EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import { ConflictError } from '../domain/errors';
import type { SqlDialect } from '../db/sqlDialect';
import type { Progress } from '../progress';
import { dayNumber, isoDay } from '../domain/rfm';
import { currencyExponent } from '../domain/money';
import { statisticToMinor } from './minorUnits';
import { RULES, ScoreTable, TREATMENTS } from './scoreTable';

const COLUMNS = [
  'model_version', 'as_of', 'customer_id', 'x', 'tx', 't', 'monetary', 'p_alive', 'expected_purchases', 'expected_spend',
  'clv_as_is_minor', 'clv_if_won_minor', 'value_minor', 'budget_minor', 'budget_rule', 'treatment', 'offer_id',
  'last_order_day', 'scored_at',
  'p_alive_low', 'p_alive_high', 'expected_purchases_low', 'expected_purchases_high', 'clv_as_is_low_minor', 'clv_as_is_high_minor',
  'clv_if_won_low_minor', 'clv_if_won_high_minor', 'value_low_minor', 'value_high_minor',
];
const KEY = ['model_version', 'as_of', 'customer_id'];
const UPDATE = COLUMNS.filter((c) => !KEY.includes(c)).map((c) => `${c} = excluded.${c}`).join(', ');
/** Rows per INSERT: 200 and 1,578 measured the same; 2,000 keeps a statement near 300 KB of SQL. */
const ROWS_PER_STATEMENT = 2000;

export interface StoreKey {
  modelVersion: number;
  asOf: string;
  scoredAt: string;
}

export async function storeScores(db: Database, table: ScoreTable, key: StoreKey, progress?: Progress): Promise<void> {
  const statement = statementWriter(db.dialect, table, key);
  progress?.('storing scores', 0, table.length);
  // Foreign keys checked once for the run, not per row (Database.writeBulk), as the bulk import
  // does: the customers come from their orders and the model version was just read. On a
  // loaded machine the gain was within the noise (200,000 scores: 9.1-10.8 s either way).
  await db.writeBulk(async (tx) => {
    // Two statements in flight: the driver binds the next one while SQLite runs the previous.
    let previous: Promise<unknown> = Promise.resolve();
    for (let from = 0; from < table.length; from += ROWS_PER_STATEMENT) {
      const { sql, params } = statement(from, Math.min(ROWS_PER_STATEMENT, table.length - from));
      const current = tx.query(sql, params);
      current.catch(() => undefined);
      await previous;
      progress?.('storing scores', from, table.length);
      previous = current;
    }
    await previous;
    await proveReferences(db, tx, key);
  });
}

/** Every stored score of the run names a customer and a model that exist; else nothing is stored. */
async function proveReferences(db: Database, tx: EntityManager, key: StoreKey): Promise<void> {
  if (db.dialect.kind !== 'sqlite') return;
  const [{ orphans }] = await tx.query(
    `SELECT COUNT(*) AS orphans FROM customer_scores s
       LEFT JOIN customers c ON c.id = s.customer_id LEFT JOIN model_fits m ON m.id = s.model_version
      WHERE s.model_version = ? AND s.as_of = ? AND (c.id IS NULL OR m.id IS NULL)`,
    [key.modelVersion, key.asOf],
  );
  if (Number(orphans) > 0) throw new ConflictError(`${orphans} scores name a customer or model that is gone (deleted while scoring?): nothing was stored; score again`);
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A literal that cannot be anything but what it claims to be. */
function text(value: string, shape: RegExp): string {
  if (!shape.test(value)) throw new RangeError(`"${value}" is not the shape a score column expects`);
  return `'${value}'`;
}

function int(value: number): string {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${value} is not a whole number a score column can hold`);
  return String(value);
}

/**
 * Seventeen significant digits identify a double; SQLite read back all of a million varied
 * values written so exactly (the shortest form, fewer digits, missed 1 in 10,000 by an ulp).
 */
function float(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`${value} is not a number a score column can hold`);
  return Number.isSafeInteger(value) ? String(value) : value.toPrecision(17);
}

const WORD = /^[a-z-]+$/;

/** The SQL and parameters for rows from .. from+count-1. */
function statementWriter(dialect: SqlDialect, table: ScoreTable, key: StoreKey): (from: number, count: number) => { sql: string; params: unknown[] } {
  const { summary, scores } = table;
  const exponent = currencyExponent(table.currency);
  const minor = (value: number) => int(statisticToMinor(value, table.currency, exponent));
  const [version, asOf, scoredAt] = [int(key.modelVersion), text(key.asOf, DAY), text(key.scoredAt, INSTANT)];
  const [rules, treatments] = [RULES.map((r) => text(r, WORD)), TREATMENTS.map((t) => text(t, WORD))];
  const days = new Map<number, string>();
  const day = (n: number) => days.get(n) ?? (days.set(n, text(isoDay(n), DAY)).get(n) as string);
  const ends = intervalLiterals(table, minor);
  const head = `INSERT INTO customer_scores (${COLUMNS.join(', ')}) VALUES `;
  const tail = ` ON CONFLICT (${KEY.join(', ')}) DO UPDATE SET ${UPDATE}`;
  return (from, count) => {
    const params: unknown[] = [];
    const rows: string[] = new Array(count);
    const p = () => dialect.param(params.length - 1);
    for (let i = from; i < from + count; i++) {
      const offer = table.offer[i];
      params.push(offer === -1 ? null : table.offerIds[offer]);
      rows[i - from] =
        `(${version}, ${asOf}, ${int(table.customerId[i])}, ${int(summary.x[i])}, ${float(summary.tx[i])}, ${float(summary.T[i])}, ` +
        `${float(summary.monetary[i])}, ${float(scores.pAlive[i])}, ${float(scores.expectedPurchases[i])}, ${float(scores.expectedSpend[i])}, ` +
        `${minor(scores.clvAsIs[i])}, ${minor(scores.clvIfWon[i])}, ${minor(scores.valueOfWinBack[i])}, ${int(table.budgetMinor[i])}, ` +
        `${rules[table.rule[i]]}, ${treatments[table.treatment[i]]}, ${p()}, ${day(table.lastDay[i])}, ${scoredAt}, ${ends(i)})`;
    }
    return { sql: head + rows.join(', ') + tail, params };
  };
}

const NO_INTERVALS = new Array(10).fill('NULL').join(', ');

/** Row i's ten interval columns as literals: floats for P(alive) and purchases, minor units for money. */
function intervalLiterals(table: ScoreTable, minor: (value: number) => string): (i: number) => string {
  const intervals = table.intervals;
  if (intervals === undefined) return () => NO_INTERVALS;
  const { pAlive, expectedPurchases, clvAsIs, clvIfWon, valueOfWinBack } = intervals;
  return (i) =>
    `${float(pAlive.low[i])}, ${float(pAlive.high[i])}, ${float(expectedPurchases.low[i])}, ${float(expectedPurchases.high[i])}, ` +
    `${minor(clvAsIs.low[i])}, ${minor(clvAsIs.high[i])}, ${minor(clvIfWon.low[i])}, ${minor(clvIfWon.high[i])}, ` +
    `${minor(valueOfWinBack.low[i])}, ${minor(valueOfWinBack.high[i])}`;
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

export async function hasScores(db: Database, modelVersion: number, asOf: string): Promise<boolean> {
  const p = (i: number) => db.dialect.param(i);
  const rows = await db.reader.query(`SELECT 1 AS found FROM customer_scores WHERE model_version = ${p(0)} AND as_of = ${p(1)} LIMIT 1`, [modelVersion, asOf]);
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
