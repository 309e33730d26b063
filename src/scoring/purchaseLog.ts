/**
 * The models' view of the orders table: every customer's kept orders in the shop currency as
 * (purchase day, net amount) rows in the columnar PurchaseLog of src/domain/rfm.ts.
 *
 * What counts: status `kept` and not refunded in full (the same rule as db/stats.ts), net =
 * amount − refunded, in major units as a float (statistics are float64; money.ts takes them
 * back). Orders in other currencies are left out, and counted, because currencies are never
 * summed together and we have no exchange rates.
 *
 * Memory: rows are read a range of customer ids at a time (the orders_customer_day index
 * serves the range, the order and every column read), so only one page lives at once beside
 * the typed arrays; at 1M customers and 2.9M orders the log is ~40 MB and the whole load peaks below 400 MB RSS.
 * The order within a customer is fixed too, so same-day amounts are summed in the same order by
 * every caller and the advisor's numbers for one customer equal that customer's row in a score.
 */
import type { Database } from '../db/database';
import { openSideReader } from '../db/sideReader';
import { list, SqlDialect } from '../db/sqlDialect';
import { currencyExponent } from '../domain/money';
import { dayNumber, isoDay, PurchaseLog, PurchaseLogBuilder } from '../domain/rfm';

/**
 * The orders that count as purchases and revenue: not cancelled, not refunded in full (the
 * importer's exclusionOf, in SQL). Everything that counts purchases uses it: scoring, the
 * campaign audience and its facts, and the purchase that ends a sequence. `alias` qualifies
 * the columns when other tables are joined.
 */
export function countedOrder(alias?: string): string {
  const c = alias === undefined ? '' : `${alias}.`;
  return `${c}status = 'kept' AND NOT (${c}amount_minor > 0 AND ${c}refunded_minor >= ${c}amount_minor)`;
}
export const COUNTED_ORDER = countedOrder();

/** Customer ids per page: ~20k customers' rows as objects, a few MB. */
const PAGE_IDS = 20_000;

export interface LoadOptions {
  currency: string;
  /** Only orders on or before this day (`YYYY-MM-DD`). */
  through?: string;
  /** Only these customers (the offer advisor asks for one). */
  customerIds?: readonly number[];
}

export interface LoadedLog {
  log: PurchaseLog;
  /** The database id of each log customer, ascending. */
  customerIds: Int32Array;
  /** First and last purchase day in the log, `YYYY-MM-DD`; null when it is empty. */
  firstDay: string | null;
  lastDay: string | null;
  rows: number;
}

export async function loadPurchaseLog(db: Database, options: LoadOptions): Promise<LoadedLog> {
  const reader = new LogReader(currencyExponent(options.currency));
  const ids = options.customerIds;
  if (ids !== undefined) {
    if (ids.length > 0) reader.add(await selectRows((sql, params) => db.reader.query(sql, params), db.dialect, options, { in: [...ids].sort((a, b) => a - b) }));
    return reader.done();
  }
  const [{ top }] = await db.reader.query('SELECT MAX(customer_id) AS top FROM orders');
  const last = Number(top ?? 0);
  const pages = Math.ceil(last / PAGE_IDS);
  // SQLite: every other page through a second connection, so two pages are read at once (the
  // database's read was the longest part of the phase; sideReader.ts).
  const side = pages > 1 ? await openSideReader(db) : null;
  try {
    const ask = (k: number) => {
      const after = k * PAGE_IDS;
      const query = side !== null && k % 2 === 1 ? side.query : (sql: string, params: unknown[]) => db.reader.query(sql, params);
      const page = selectRows(query, db.dialect, options, { after, through: Math.min(after + PAGE_IDS, last) });
      page.catch(() => undefined);
      return page;
    };
    // Pages ahead are asked for before the current one is read, so the database fills them meanwhile.
    const ahead = side === null ? 1 : 3;
    const asked: (Promise<string | null> | undefined)[] = [];
    for (let k = 0; k < pages; k++) {
      while (asked.length < pages && asked.length <= k + ahead) asked.push(ask(asked.length));
      const current = asked[k] as Promise<string | null>;
      asked[k] = undefined;
      reader.add(await current);
    }
  } finally {
    await side?.close().catch(() => undefined);
  }
  return reader.done();
}

export type Range = { after: number; through: number } | { in: number[] };

/**
 * One page as a single text built by the database, a customer at a time in id order:
 * `id:day,net,day,net;id:day,net` (net in minor units), each customer's rows in day and order id
 * order. One string and no object per row: at 1.8M orders (300,000 customers) this took 2.2-2.5 s
 * of CPU where the JSON array it replaced (issue 16) took 3.0-3.5 s: SQLite sorted each whole
 * page by order id, and JSON.parse made an array per row. Every column it reads is in the
 * orders_customer_day index (1732404000000-PurchaseLogIndex), so SQLite never looks up the row.
 */
export function pageQuery(dialect: SqlDialect, options: LoadOptions, range: Range): { sql: string; params: unknown[] } {
  const params: unknown[] = [options.currency];
  const p = () => dialect.param(params.length - 1);
  const where = [`currency = ${p()}`, COUNTED_ORDER];
  if (options.through !== undefined) {
    params.push(options.through);
    where.push(`ordered_day <= ${p()}`);
  }
  if ('in' in range) {
    where.push(`customer_id IN (${list(dialect, range.in.length, params.length)})`);
    params.push(...range.in);
  } else {
    params.push(range.after);
    where.push(`customer_id > ${p()}`);
    params.push(range.through);
    where.push(`customer_id <= ${p()}`);
  }
  const concat = dialect.kind === 'postgres' ? 'string_agg' : 'group_concat';
  const sql = `SELECT ${concat}(customer_id || ':' || days, ';' ORDER BY customer_id) AS rows
       FROM (SELECT customer_id, ${concat}(ordered_day || ',' || (amount_minor - refunded_minor), ',' ORDER BY ordered_day, order_id) AS days
               FROM orders WHERE ${where.join(' AND ')} GROUP BY customer_id) per_customer`;
  return { sql, params };
}

type Query = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

async function selectRows(query: Query, dialect: SqlDialect, options: LoadOptions, range: Range): Promise<string | null> {
  const { sql, params } = pageQuery(dialect, options, range);
  const [{ rows }] = await query(sql, params);
  return rows as string | null;
}

/** Appends pages (ascending customer id) to the log builder. */
class LogReader {
  private readonly builder = new PurchaseLogBuilder(1 << 16);
  private readonly ids: number[] = [];
  /** A few thousand distinct days against millions of rows: parse each day once, keyed by its digits. */
  private readonly days = new Map<number, number>();
  private readonly scale: number;
  private first = Infinity;
  private last = -Infinity;
  private rows = 0;

  constructor(exponent: number) {
    this.scale = 10 ** exponent;
  }

  /** Reads a page of selectRows' text (null: no rows) with one pass over its characters. */
  add(page: string | null): void {
    if (page === null) return;
    const end = page.length;
    let i = 0;
    while (i < end) {
      const colon = page.indexOf(':', i);
      this.builder.addCustomer();
      this.ids.push(Number(page.slice(i, colon)));
      i = colon;
      do {
        const comma = page.indexOf(',', i + 1);
        const day = this.day(page, i + 1, comma);
        i = numberEnd(page, comma + 1);
        if (day < this.first) this.first = day;
        if (day > this.last) this.last = day;
        this.builder.addPurchase(day, wholeNumber(page, comma + 1, i) / this.scale);
        this.rows++;
      } while (i < end && page.charCodeAt(i) === COMMA);
      i++;
    }
  }

  done(): LoadedLog {
    const empty = this.rows === 0;
    return {
      log: this.builder.build(),
      customerIds: Int32Array.from(this.ids),
      firstDay: empty ? null : isoDay(this.first),
      lastDay: empty ? null : isoDay(this.last),
      rows: this.rows,
    };
  }

  /** The day number of text[from, to), `YYYY-MM-DD`; anything else fails in dayNumber. */
  private day(text: string, from: number, to: number): number {
    let key = to - from === 10 ? 0 : -1;
    for (let k = from; k < to && key >= 0; k++) {
      const c = text.charCodeAt(k) - ZERO;
      if (k - from === 4 || k - from === 7) key = c === DASH - ZERO ? key : -1;
      else key = c >= 0 && c <= 9 ? key * 10 + c : -1;
    }
    if (key < 0) return dayNumber(text.slice(from, to));
    let day = this.days.get(key);
    if (day === undefined) this.days.set(key, (day = dayNumber(text.slice(from, to))));
    return day;
  }
}

const [ZERO, DASH, COMMA, SEMICOLON] = ['0', '-', ',', ';'].map((c) => c.charCodeAt(0));

/** Where the number starting at `from` ends: the next comma or semicolon, or the end. */
function numberEnd(text: string, from: number): number {
  let i = from;
  for (const end = text.length; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === COMMA || c === SEMICOLON) break;
  }
  return i;
}

/** text[from, to) as a number: digits read directly while exact, any other spelling through Number. */
function wholeNumber(text: string, from: number, to: number): number {
  const negative = text.charCodeAt(from) === DASH;
  let value = 0;
  for (let k = negative ? from + 1 : from; k < to; k++) {
    const c = text.charCodeAt(k) - ZERO;
    if (c < 0 || c > 9 || value > MAX_EXACT) return Number(text.slice(from, to));
    value = value * 10 + c;
  }
  return to === from || (negative && to === from + 1) ? NaN : negative ? -value : value;
}

/** Below this, value * 10 + digit is still an exact integer. */
const MAX_EXACT = (Number.MAX_SAFE_INTEGER - 9) / 10;

export interface LeftOut {
  currency: string;
  orders: number;
}

/** Counted orders in currencies other than the shop's, per currency: the caveat's numbers. */
export async function ordersInOtherCurrencies(db: Database, currency: string, through?: string): Promise<LeftOut[]> {
  const params: unknown[] = [currency];
  let sql = `SELECT currency, COUNT(*) AS orders FROM orders WHERE currency <> ${db.dialect.param(0)} AND ${COUNTED_ORDER}`;
  if (through !== undefined) {
    params.push(through);
    sql += ` AND ordered_day <= ${db.dialect.param(1)}`;
  }
  const rows: { currency: string; orders: number | string }[] = await db.reader.query(`${sql} GROUP BY currency ORDER BY currency`, params);
  return rows.map((row) => ({ currency: row.currency, orders: Number(row.orders) }));
}
