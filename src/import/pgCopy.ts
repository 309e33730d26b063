/**
 * PostgreSQL's bulk fast path for orders (issue 15): a chunk's rows go in by COPY FROM STDIN,
 * which skips the per-row statement and JSON work of INSERT ... SELECT over jsonb. It is only
 * tried where every row of the chunk should be new (the orders table was empty before the
 * import), inside a savepoint: if an order id is already there (repeated across chunks of the
 * file) COPY fails as a whole, the savepoint undoes it, and the caller writes the chunk the
 * ordinary way, which tells a repeat from a conflict and names both lines.
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { EntityManager } from 'typeorm';
import { from as copyFrom } from 'pg-copy-streams';
import type { PoolClient } from 'pg';
import { ORDER_ROW, unpackOrders } from './orderChunk';

/** Below this many rows a savepoint and a COPY cost more than one INSERT (a webhook's single order). */
export const COPY_MIN_ROWS = 64;

const SAVEPOINT = 'rekindle_copy_orders';
const COPY = `COPY orders (order_id, customer_id, ordered_at, ordered_day, currency, amount_minor, refunded_minor, status, discount_code, items, order_name, import_batch_id, source_line) FROM STDIN`;

/** Characters COPY's text format gives a meaning: backslash, tab, newline, carriage return. */
const SPECIAL = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A value in COPY's text format: \N for NULL, the four special characters escaped. */
export function copyText(value: string | number | null): string {
  if (value === null) return '\\N';
  const text = String(value);
  return SPECIAL.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]) : text;
}

/** The completed rows (orderChunk.rowsJson) as COPY text, in the column order of COPY above. */
export function copyLines(rowsJson: string, batchId: number): string {
  const r = ORDER_ROW;
  const lines: string[] = [];
  for (const row of unpackOrders(rowsJson)) {
    lines.push(
      [
        row[r.orderId], row[r.customerId], row[r.orderedAt], row[r.orderedDay], row[r.currency], row[r.amountMinor], row[r.refundedMinor], row[r.status],
        row[r.discountCode], row[r.items], row[r.orderName], batchId, row[r.line],
      ].map(copyText).join('\t'),
    );
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

/**
 * Copies the rows into orders; true if all went in, false (and nothing written) if COPY was
 * refused, for the caller to write them the ordinary way.
 */
export async function copyNewOrders(tx: EntityManager, rowsJson: string, batchId: number): Promise<boolean> {
  const runner = tx.queryRunner;
  if (!runner) throw new Error('copyNewOrders needs the EntityManager of a transaction');
  const client = (await runner.connect()) as PoolClient;
  const text = copyLines(rowsJson, batchId);
  await client.query(`SAVEPOINT ${SAVEPOINT}`);
  try {
    await pipeline(Readable.from([text]), client.query(copyFrom(COPY)));
  } catch {
    await client.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
    return false;
  }
  await client.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
  return true;
}
