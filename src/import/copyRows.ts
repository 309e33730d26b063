/**
 * Order rows in PostgreSQL COPY's text format, built where the file is parsed (the reader
 * thread): turning JSON rows into COPY text on the thread that feeds the database measured
 * about 5 µs a row, most of the import process's CPU. A packed row (OrderChunk.orders, shape
 * 'copy') is every column after customer_id and import_batch_id, tab-separated; the writer only
 * puts the customer id and the batch in front (copyText). The rare chunk COPY refuses goes the
 * ordinary way, as JSON rows rebuilt from this text (jsonRowsFromCopy). Pure: no I/O.
 */
import type { OrderChunk } from './orderChunk';
import type { OrderRecord } from './records';

/** The columns of a COPY row in order: the two the writer adds, then a packed row's. */
export const COPY_COLUMNS = [
  'customer_id', 'import_batch_id', 'order_id', 'ordered_at', 'ordered_day', 'currency', 'amount_minor', 'refunded_minor', 'status', 'discount_code', 'items', 'order_name', 'source_line',
] as const;

/** Characters COPY's text format gives a meaning: backslash, tab, newline, carriage return. */
const SPECIAL = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const UNESCAPES: Record<string, string> = { '\\\\': '\\', '\\t': '\t', '\\n': '\n', '\\r': '\r' };

/** A text in COPY's text format: the four special characters escaped. */
export function copyField(text: string): string {
  return SPECIAL.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]) : text;
}

const NULL = '\\N';

/** A value that may be missing, in COPY's text format: \N for none. */
export function copyValue(text: string | null | undefined): string {
  return text == null ? NULL : copyField(text);
}
/** Characters JSON must escape in a string (quote, backslash, controls) or may mangle (lone surrogates). */
const NEEDS_JSON_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** The items column: their JSON array, as the ordinary path stores it, built directly when no item needs escaping. */
function itemsField(items: readonly string[]): string {
  if (items.length === 0) return '[]';
  for (const item of items) if (NEEDS_JSON_ESCAPE.test(item)) return copyField(JSON.stringify(items));
  return `["${items.join('","')}"]`;
}

/**
 * A record as a packed COPY row (no customer id, no batch, no newline). The line is last, as in
 * a JSON row, so the text before the last tab is what the order means. Times, day, currency and
 * status are the formats' own output (digits, letters, '-', ':', '.'): nothing to escape.
 */
export function copyRow(record: OrderRecord): string {
  return [
    copyField(record.orderId), record.orderedAt, record.orderedDay, record.currency, record.amountMinor, record.refundedMinor, record.status,
    copyValue(record.discountCode), itemsField(record.items), copyValue(record.orderName), record.line,
  ].join('\t');
}

/** The chunk's packed COPY rows completed with their customer ids and the batch: the text COPY reads. One join over all the pieces. */
export function copyText(chunk: Pick<OrderChunk, 'orders' | 'customerOf'>, customerIds: readonly number[], batchId: number): string {
  const { orders, customerOf } = chunk;
  const batch = `\t${batchId}\t`;
  const parts = new Array<string | number>(orders.length * 4);
  let p = 0;
  for (let i = 0; i < orders.length; i++) {
    parts[p++] = customerIds[customerOf[i]];
    parts[p++] = batch;
    parts[p++] = orders[i];
    parts[p++] = '\n';
  }
  return parts.join('');
}

/** A COPY field back as its value. */
function unescaped(field: string): string | null {
  if (field === NULL) return null;
  return field.indexOf('\\') === -1 ? field : field.replace(/\\[\\tnr]/g, (e) => UNESCAPES[e]);
}

/** The chunk's packed COPY rows as the JSON rows of the ordinary path (orderChunk.rowsJson), for a chunk COPY refused. */
export function jsonRowsFromCopy(chunk: Pick<OrderChunk, 'orders' | 'customerOf'>, customerIds: readonly number[]): string {
  const rows = chunk.orders.map((row, i) => {
    const [orderId, orderedAt, orderedDay, currency, amount, refunded, status, discount, items, name, line] = row.split('\t').map(unescaped);
    return [customerIds[chunk.customerOf[i]], orderId, orderedAt, orderedDay, currency, Number(amount), Number(refunded), status, discount, items, name, Number(line)];
  });
  return JSON.stringify(rows);
}
