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
export function copyText(chunk: CopyRowsOf, customerIds: readonly number[], batchId: number): string {
  const orders = packedRows(chunk);
  const { customerOf } = chunk;
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
export function jsonRowsFromCopy(chunk: CopyRowsOf, customerIds: readonly number[]): string {
  const rows = packedRows(chunk).map((row, i) => {
    const [orderId, orderedAt, orderedDay, currency, amount, refunded, status, discount, items, name, line] = row.split('\t').map(unescaped);
    return [customerIds[chunk.customerOf[i]], orderId, orderedAt, orderedDay, currency, Number(amount), Number(refunded), status, discount, items, name, Number(line)];
  });
  return JSON.stringify(rows);
}

/** What the functions here read of a chunk. */
type CopyRowsOf = Pick<OrderChunk, 'orders' | 'customerOf'> & Partial<Pick<OrderChunk, 'copy'>>;

/**
 * The customer id and batch columns of a row in OrderChunk.copy, before the writer fills them
 * in: ten digits each, as many as an integer column's largest value has. PostgreSQL reads an
 * integer with leading zeros as the integer.
 */
const BLANK_ID = '0000000000';
const ID_DIGITS = BLANK_ID.length;
const ROW_LEAD = `${BLANK_ID}\t${BLANK_ID}\t`;
const LF = 10;
const LEAD_BYTES = Buffer.from(ROW_LEAD, 'latin1');
/** A chunk's COPY text is about 100 bytes a row; the buffer grows if not. */
const FIRST_CAPACITY = 256 * 1024;

/**
 * A chunk's rows as one COPY text in UTF-8, each row's first two columns left blank (BLANK_ID),
 * written row by row as they are packed. Built where the file is read, it reaches the thread that
 * feeds the database as bytes, moved rather than copied, and that thread only writes each row's
 * customer id and batch into their places (copyBody): completing the rows as text there, and
 * encoding the text to send it, measured 0.65-1.5 µs a row of that thread, filling them in
 * 0.15-0.35 µs (issue 15). Each row is written into the buffer as it comes: joining a chunk's
 * rows and encoding the text measured five times the cost.
 */
export class CopyBytes {
  /** Not from Buffer's shared pool: its ArrayBuffer is moved to the other thread. */
  private bytes = Buffer.allocUnsafeSlow(FIRST_CAPACITY);
  private at = 0;

  add(row: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const room = ROW_LEAD.length + row.length * 3 + 1;
    if (this.at + room > this.bytes.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(this.bytes.length * 2, this.at + room));
      this.bytes.copy(bigger, 0, 0, this.at);
      this.bytes = bigger;
    }
    this.at += LEAD_BYTES.copy(this.bytes, this.at);
    this.at += this.bytes.write(row, this.at);
    this.bytes[this.at++] = LF;
  }

  /** The text so far. */
  take(): Uint8Array {
    return new Uint8Array(this.bytes.buffer, this.bytes.byteOffset, this.at);
  }
}

/** The chunk's COPY text: its bytes with every row's customer id and batch written in (CopyBytes), or built here. */
export function copyBody(chunk: CopyRowsOf, customerIds: readonly number[], batchId: number): Buffer | string {
  if (chunk.copy === undefined) return copyText(chunk, customerIds, batchId);
  const bytes = Buffer.from(chunk.copy.buffer, chunk.copy.byteOffset, chunk.copy.length);
  const { customerOf } = chunk;
  for (let i = 0, at = 0; i < customerOf.length; i++) {
    writeDigits(bytes, at, customerIds[customerOf[i]]);
    writeDigits(bytes, at + ID_DIGITS + 1, batchId);
    at = bytes.indexOf(LF, at) + 1;
  }
  return bytes;
}

/** `value` as ID_DIGITS ASCII digits at `at`, zero-padded. */
function writeDigits(bytes: Buffer, at: number, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0 || value > 2147483647) throw new Error(`id ${value} does not fit an integer column`);
  for (let i = at + ID_DIGITS - 1, rest = value; i >= at; i--, rest = Math.floor(rest / 10)) bytes[i] = 48 + (rest % 10);
}

/**
 * The chunk's packed rows, also when they travel as COPY bytes (CopyBytes): each line
 * without its first two columns. Only a chunk COPY refused, or a test, reads them back.
 */
export function packedRows(chunk: CopyRowsOf): string[] {
  if (chunk.copy === undefined) return chunk.orders;
  const lines = Buffer.from(chunk.copy.buffer, chunk.copy.byteOffset, chunk.copy.length).toString('utf8').split('\n');
  lines.pop();
  return lines.map((line) => line.slice(ROW_LEAD.length));
}
