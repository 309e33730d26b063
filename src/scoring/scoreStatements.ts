/**
 * The SQL that stores a run's scores in `customer_scores`, one multi-row upsert per
 * ROWS_PER_STATEMENT customers. Pure: scoreStore.ts runs the statements, and statementThread.ts
 * builds them on a worker thread for a large run, so the same code writes every row.
 *
 * Speed: the sqlite3 driver spends ~0.5 µs converting each bound value on the main thread, so
 * 19 bound values per row cost ~9 s at a million rows. Values this module makes itself —
 * numbers, days, enum words — are written into the SQL as literals after a check of their
 * shape; only the offer ids, which come from configuration, are bound, each once per statement.
 * The ten interval columns (issue 14) are NULL for a run without intervals.
 */
import { placeholder } from '../db/sqlDialect';
import { ConflictError } from '../domain/errors';
import { currencyExponent } from '../domain/money';
import { isoDay } from '../domain/rfm';
import { RULES, TREATMENTS } from './decisions';
import { AsciiText } from './asciiText';
import { statisticToMinor } from './minorUnits';
import type { ScoreTable } from './scoreTable';

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
export const ROWS_PER_STATEMENT = 2000;

/** What every statement of a run shares: plain data, so it can cross to a worker thread. */
export interface StatementContext {
  dialect: 'sqlite' | 'postgres';
  modelVersion: number;
  asOf: string;
  scoredAt: string;
  currency: string;
  offerIds: readonly string[];
  /** Whether the rows carry intervals; a run without leaves their columns out (NULL). */
  intervals: boolean;
  /**
   * Whether the run's (model version, as-of day) has no stored scores yet, read in the write
   * transaction: plain INSERTs then, which SQLite ran in 15-25% less CPU than the upsert (the
   * conflict clause is compiled into every multi-row statement). A rescore of the day upserts.
   */
  fresh?: boolean;
  /**
   * Offer ids written into the SQL as literals rather than bound (when each is printable ASCII):
   * a statement without parameters runs by `exec`, one trip to the driver's thread instead of a
   * prepare, a run and a finalize, each waiting for the event loop (threadStore.ts).
   */
  inline?: boolean;
}

/**
 * One statement's rows, a column each: views into the score table on the calling thread, copies
 * on their way to a worker. `intervals` holds the ten interval columns in COLUMNS' order.
 */
export interface StatementRows {
  customerId: Int32Array;
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  monetary: Float64Array;
  pAlive: Float64Array;
  expectedPurchases: Float64Array;
  expectedSpend: Float64Array;
  clvAsIs: Float64Array;
  clvIfWon: Float64Array;
  valueOfWinBack: Float64Array;
  budgetMinor: Float64Array;
  rule: Uint8Array;
  treatment: Uint8Array;
  offer: Int32Array;
  lastDay: Int32Array;
  intervals?: Float64Array[];
}

export interface Statement {
  sql: string;
  params: unknown[];
  /** Customers it stores. */
  rows: number;
}

/** Rows from .. to-1 of the table; `copy` for rows that leave this thread. */
export function statementRows(table: ScoreTable, from: number, to: number, copy: boolean): StatementRows {
  const cut = <A extends Int32Array | Float64Array | Uint8Array>(column: A): A => (copy ? column.slice(from, to) : column.subarray(from, to)) as A;
  const { summary, scores, intervals } = table;
  const ends = intervals && [intervals.pAlive, intervals.expectedPurchases, intervals.clvAsIs, intervals.clvIfWon, intervals.valueOfWinBack];
  return {
    customerId: cut(table.customerId), x: cut(summary.x), tx: cut(summary.tx), T: cut(summary.T), monetary: cut(summary.monetary),
    pAlive: cut(scores.pAlive), expectedPurchases: cut(scores.expectedPurchases), expectedSpend: cut(scores.expectedSpend),
    clvAsIs: cut(scores.clvAsIs), clvIfWon: cut(scores.clvIfWon), valueOfWinBack: cut(scores.valueOfWinBack),
    budgetMinor: cut(table.budgetMinor), rule: cut(table.rule), treatment: cut(table.treatment), offer: cut(table.offer), lastDay: cut(table.lastDay),
    intervals: ends?.flatMap((end) => [cut(end.low), cut(end.high)]),
  };
}

export function statementContext(
  table: ScoreTable, dialect: StatementContext['dialect'], key: Pick<StatementContext, 'modelVersion' | 'asOf' | 'scoredAt'>, fresh = false,
): StatementContext {
  return { dialect, ...key, currency: table.currency, offerIds: table.offerIds, intervals: table.intervals !== undefined, fresh };
}

/** Whether a (model version, as-of day) has scores, with a dialect's placeholders (the store's own connection: SQLite's). */
export const hasScoresSql = (param: (index: number) => string): string =>
  `SELECT 1 AS found FROM customer_scores WHERE model_version = ${param(0)} AND as_of = ${param(1)} LIMIT 1`;

/** Scores of a (model version, as-of day) naming a customer or model that does not exist: none, or the run stores nothing. */
export const ORPHANS_SQLITE = `SELECT COUNT(*) AS orphans FROM customer_scores s
    LEFT JOIN customers c ON c.id = s.customer_id LEFT JOIN model_fits m ON m.id = s.model_version
   WHERE s.model_version = ? AND s.as_of = ? AND (c.id IS NULL OR m.id IS NULL)`;

/** What a run refuses with when ORPHANS_SQLITE counts any. */
export const orphansRefused = (orphans: number): ConflictError =>
  new ConflictError(`${orphans} scores name a customer or model that is gone (deleted while scoring?): nothing was stored; score again`);

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const WORD = /^[a-z-]+$/;

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

/** Longest row in bytes: 29 values of at most 24 characters (a float, a stamp, a quoted day) and their separators. */
const MAX_ROW_BYTES = 1024;
/** What a row usually takes, to size the buffer once. */
const ROW_BYTES = 256;

/** Builds statements for one run; keeps what repeats (days, fixed literals) between them. */
export function statementBuilder(context: StatementContext): (rows: StatementRows) => Statement {
  const param = placeholder(context.dialect);
  const exponent = currencyExponent(context.currency);
  const [version, asOf, scoredAt] = [int(context.modelVersion), text(context.asOf, DAY), text(context.scoredAt, INSTANT)];
  const [rules, treatments] = [RULES.map((r) => text(r, WORD)), TREATMENTS.map((t) => text(t, WORD))];
  const days = new Map<number, string>();
  const day = (n: number) => days.get(n) ?? (days.set(n, text(isoDay(n), DAY)).get(n) as string);
  const period = periodText();
  // Without intervals their ten columns are left out: NULL by default, also in the upsert's
  // `excluded` row, so a rescore without them clears them. A tenth less SQL for SQLite to read.
  const head = `INSERT INTO customer_scores (${(context.intervals ? COLUMNS : COLUMNS.slice(0, -10)).join(', ')}) VALUES `;
  const tail = context.fresh ? '' : ` ON CONFLICT (${KEY.join(', ')}) DO UPDATE SET ${UPDATE}`;
  const lead = `(${version}, ${asOf}, `;
  const literals = context.inline && context.offerIds.every((id) => /^[\x20-\x7e]*$/.test(id)) ? context.offerIds.map((id) => `'${id.replace(/'/g, "''")}'`) : undefined;
  return (r) => {
    // Each offer id the statement names is bound once: PostgreSQL refuses a parameter no row uses.
    const params: unknown[] = [];
    const offerParams = new Map<number, string>();
    const offer = (index: number) => {
      if (index === -1) return 'NULL';
      if (literals) return literals[index];
      let p = offerParams.get(index);
      if (p === undefined) offerParams.set(index, (p = param(params.push(context.offerIds[index]) - 1)));
      return p;
    };
    const count = r.customerId.length;
    const out = new AsciiText(head.length + tail.length + count * ROW_BYTES);
    const whole = (value: number) => {
      if (!Number.isSafeInteger(value)) int(value);
      out.whole(value);
    };
    const minor = (value: number) => whole(statisticToMinor(value, context.currency, exponent));
    const ends = intervalWriter(context.intervals ? r.intervals : undefined, out, minor);
    out.text(head);
    for (let i = 0; i < count; i++) {
      out.reserve(MAX_ROW_BYTES);
      if (i > 0) out.separator();
      out.text(lead);
      whole(r.customerId[i]);
      out.separator();
      whole(r.x[i]);
      out.separator();
      out.text(period(r.tx[i]));
      out.separator();
      out.text(period(r.T[i]));
      out.separator();
      out.text(float(r.monetary[i]));
      out.separator();
      out.text(float(r.pAlive[i]));
      out.separator();
      out.text(float(r.expectedPurchases[i]));
      out.separator();
      out.text(float(r.expectedSpend[i]));
      out.separator();
      minor(r.clvAsIs[i]);
      out.separator();
      minor(r.clvIfWon[i]);
      out.separator();
      minor(r.valueOfWinBack[i]);
      out.separator();
      whole(r.budgetMinor[i]);
      out.separator();
      out.text(rules[r.rule[i]]);
      out.separator();
      out.text(treatments[r.treatment[i]]);
      out.separator();
      out.text(offer(r.offer[i]));
      out.separator();
      out.text(day(r.lastDay[i]));
      out.separator();
      out.text(scoredAt);
      ends(i);
      out.byte(41); // ')'
    }
    out.reserve(tail.length);
    out.text(tail);
    return { sql: out.toString(), params, rows: count };
  };
}

/**
 * t_x and T: whole days over 7 in weeks (whole numbers in days), a few thousand values among
 * the rows, so each is formatted once. Anything else is formatted as it comes.
 */
function periodText(): (value: number) => string {
  const texts: string[] = [];
  return (value) => {
    const days = Math.round(value * 7);
    if (!(days >= 0 && days < MAX_PERIOD_DAYS && days / 7 === value)) return float(value);
    return (texts[days] ??= float(value));
  };
}

/** A hundred years of days: the texts of t_x and T kept per run stay a small array. */
const MAX_PERIOD_DAYS = 36_525;

/** Writes row i's ten interval columns, each after a separator: floats for P(alive) and purchases, minor units for money. */
function intervalWriter(intervals: Float64Array[] | undefined, out: AsciiText, minor: (value: number) => void): (i: number) => void {
  if (intervals === undefined) return () => undefined;
  const [floats, money] = [intervals.slice(0, 4), intervals.slice(4)];
  return (i) => {
    for (const column of floats) {
      out.separator();
      out.text(float(column[i]));
    }
    for (const column of money) {
      out.separator();
      minor(column[i]);
    }
  };
}
