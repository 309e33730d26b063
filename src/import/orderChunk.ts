/**
 * A chunk of order records in the shape the database takes them: the distinct customers it
 * mentions (their latest facts, as tuples) and its distinct orders as JSON text, one row text
 * per order missing only its leading customer id. Packing happens where the file is parsed (a
 * worker thread for files), so the thread that feeds the database handles strings instead of a
 * dozen objects per order, and completes each row by prefixing the customer id it resolved
 * (rowsJson). Finding the id inside SQL instead (`ids ->> n` over a JSON array) measured twice
 * the insert time: SQLite walks the array to the n-th element for every row. Pure: no I/O.
 */
import { InputError } from '../domain/errors';
import { CustomerFacts, identityOf } from './customerFacts';
import { CopyBytes, copyRow, jsonRowsFromCopy } from './copyRows';
import type { OrderRecord } from './records';

export interface OrderChunk {
  /**
   * Distinct customers of the chunk, each with its latest facts (by order time), as tuples
   * (factsFrom turns them into CustomerFacts): between threads an array of strings costs half
   * what an object with the same strings does.
   */
  facts: FactTuple[];
  /**
   * One row per distinct order id: a JSON row laid out as ORDER_ROW but without its first
   * element, or (shape 'copy') a COPY row without its first two columns (copyRows.ts).
   */
  orders: string[];
  shape: ChunkShape;
  /**
   * Shape 'copy' from packedChunks: the rows as COPY text in UTF-8 with their customer id and
   * batch left blank (copyRows.CopyBytes); `orders` is then empty.
   */
  copy?: Uint8Array;
  /** The customer of each row, by position in `facts`. */
  customerOf: number[];
  /** Rows in `orders`. */
  count: number;
  /** Repeats of an order within the chunk with identical values (dropped from `orders`). */
  duplicates: number;
  /** Of the rows in `orders`: cancelled ones, and kept ones refunded in full. */
  cancelled: number;
  refunded: number;
}

/** How a chunk's rows are written: JSON text for SQL statements, or COPY text for PostgreSQL's bulk path. */
export type ChunkShape = 'json' | 'copy';

/**
 * A customer's facts as of their newest order in the chunk: external id, email, first name,
 * last name, consent, time, and the time of the consent when an older order of the chunk gave it.
 */
export type FactTuple = [string | undefined, string | undefined, string | undefined, string | undefined, CustomerFacts['consent'], string, string?];
const CONSENT = 4;
const AT = 5;
const CONSENT_AT = 6;

/** The chunk's facts as CustomerFacts, for the resolver. */
export function factsFrom(tuples: readonly FactTuple[]): CustomerFacts[] {
  return tuples.map(([externalId, email, firstName, lastName, consent, at, consentAt]) => ({ externalId, email, firstName, lastName, consent, at, consentAt }));
}

/** Positions in a completed order row (rowsJson). */
export const ORDER_ROW = {
  customerId: 0, orderId: 1, orderedAt: 2, orderedDay: 3, currency: 4, amountMinor: 5, refundedMinor: 6, status: 7, discountCode: 8, items: 9, orderName: 10, line: 11,
} as const;

type OrderRow = [number, string, string, string, string, number, number, string, string | null, string, string | null, number];

/** Records per chunk: one JSON text, a handful of statements. */
export const CHUNK = 2000;

/**
 * Batches of records packed in chunks of CHUNK for the writer. Each record is packed as it
 * arrives and is garbage from then on: collecting a chunk's records first kept thousands of
 * them alive through every young-generation collection of the reading thread.
 */
export async function* packedChunks(batches: AsyncIterable<readonly OrderRecord[]>, file: string, shape: ChunkShape = 'json'): AsyncGenerator<OrderChunk> {
  // COPY rows travel as bytes (copyRows.CopyBytes).
  const bytes = shape === 'copy';
  let packer = new ChunkPacker(file, shape, bytes);
  for await (const batch of batches) {
    for (const record of batch) {
      packer.add(record);
      if (packer.size === CHUNK) {
        yield packer.packed();
        packer = new ChunkPacker(file, shape, bytes);
      }
    }
  }
  if (packer.size) yield packer.packed();
}

/** An order id met twice in one import with different values (in one chunk, or across chunks). */
export function orderRepeatedError(orderId: string, earlierLine: number, where: { file: string; line: number }): InputError {
  return new InputError(`order "${orderId}" appears again with different values (first at line ${earlierLine}); an order id must mean one order`, {
    ...where,
    field: 'order_id',
  });
}

/** Why an order is counted but is neither revenue nor a purchase, if it is. */
export function exclusionOf(status: string, amountMinor: number, refundedMinor: number): 'cancelled' | 'refunded' | undefined {
  if (status === 'cancelled') return 'cancelled';
  if (amountMinor > 0 && refundedMinor >= amountMinor) return 'refunded';
  return undefined;
}

/** Packs records (in file order) into one chunk. */
export function packOrders(records: readonly OrderRecord[], file: string, shape: ChunkShape = 'json'): OrderChunk {
  const packer = new ChunkPacker(file, shape);
  for (const record of records) packer.add(record);
  return packer.chunk;
}

/**
 * Packs records one at a time into a chunk. An order id repeated within the chunk with other
 * values is refused here, naming both lines; repeats across chunks are the writer's to find.
 */
class ChunkPacker {
  readonly chunk: OrderChunk;
  /** Row of each order id so far, to tell a repeat from a conflict without keeping records. */
  private readonly rowOf = new Map<string, number>();
  private readonly factIndex = new Map<string, number>();
  private readonly lines: number[] = [];
  /** Identity of each customer in chunk.facts. */
  private readonly keys: string[] = [];

  /** Where the rows go as COPY text in UTF-8 too, when they travel as bytes (OrderChunk.copy). */
  private readonly bytes: CopyBytes | undefined;

  constructor(private readonly file: string, shape: ChunkShape, asBytes = false) {
    this.chunk = { facts: [], orders: [], shape, customerOf: [], count: 0, duplicates: 0, cancelled: 0, refunded: 0 };
    if (asBytes && shape === 'copy') this.bytes = new CopyBytes();
  }

  /** The chunk, once every record is in; rows packed as bytes leave `orders` (kept until now to compare repeats). */
  packed(): OrderChunk {
    if (this.bytes !== undefined) {
      this.chunk.copy = this.bytes.take();
      this.chunk.orders = [];
    }
    return this.chunk;
  }

  /** Rows read into the chunk, repeats included. */
  get size(): number {
    return this.chunk.count + this.chunk.duplicates;
  }

  add(record: OrderRecord): void {
    const chunk = this.chunk;
    const key = identityOf(record.customer);
    const row = chunk.shape === 'copy' ? copyRow(record) : jsonRow(record);
    const earlier = this.rowOf.get(record.orderId);
    if (earlier !== undefined) {
      const same = this.keys[chunk.customerOf[earlier]] === key && meaning(chunk.orders[earlier], chunk.shape) === meaning(row, chunk.shape);
      if (!same) throw orderRepeatedError(record.orderId, this.lines[earlier], { file: this.file, line: record.line });
      chunk.duplicates++;
      return;
    }
    this.rowOf.set(record.orderId, chunk.orders.length);
    let index = this.factIndex.get(key);
    if (index === undefined) {
      index = chunk.facts.push(factsOf(record)) - 1;
      this.keys.push(key);
      this.factIndex.set(key, index);
    } else {
      keepNewest(chunk.facts[index], record, (facts) => (chunk.facts[index as number] = facts));
    }
    const excluded = exclusionOf(record.status, record.amountMinor, record.refundedMinor);
    if (excluded) chunk[excluded]++;
    chunk.orders.push(row);
    this.bytes?.add(row);
    chunk.customerOf.push(index);
    this.lines.push(record.line);
    chunk.count++;
  }
}

/**
 * A record as a JSON row without its `[` (the customer id and a comma go in front), written by
 * hand: half the cost of JSON.stringify of an array. Joined rather than a template: a template
 * builds a rope of twenty pieces that is copied again when it is sent. Times, day, currency and
 * status are formats' own output (digits, letters, '-', ':', '.'), nothing to escape. Everything
 * an order means is in it, up to the line at the end: two rows with the same text before it
 * (and the same customer) are the same order.
 */
function jsonRow(record: OrderRecord): string {
  const discount = record.discountCode === undefined ? 'null' : jsonString(record.discountCode);
  const name = record.orderName === undefined ? 'null' : jsonString(record.orderName);
  return [
    jsonString(record.orderId), ',"', record.orderedAt, '","', record.orderedDay, '","', record.currency, '",', record.amountMinor, ',', record.refundedMinor,
    ',"', record.status, '",', discount, ',', itemsJson(record.items), ',', name, ',', record.line, ']',
  ].join('');
}

/** A packed row without its line (the last field, after a comma or a tab by shape): what the order means. */
const meaning = (row: string, shape: ChunkShape): string => row.slice(0, row.lastIndexOf(shape === 'copy' ? '\t' : ','));

/** An order's customer facts, as of the order. */
function factsOf({ customer: c, orderedAt }: OrderRecord): FactTuple {
  return [c.externalId, c.email, c.firstName, c.lastName, c.consent, orderedAt];
}

/**
 * Folds another order of the same customer into the chunk's facts: the newest order's facts
 * stand, but a consent is kept from whichever order gave the newest one. An order that leaves
 * the consent blank says nothing about it: a "no" from an older order of the chunk must not be
 * dropped for it, as it would not be if the two orders fell in different chunks.
 */
function keepNewest(current: FactTuple, record: OrderRecord, replace: (facts: FactTuple) => void): void {
  const consentAt = (f: FactTuple): string => f[CONSENT_AT] ?? f[AT];
  if (record.orderedAt > current[AT]) {
    const next = factsOf(record);
    if (next[CONSENT] === undefined && current[CONSENT] !== undefined) {
      next[CONSENT] = current[CONSENT];
      next[CONSENT_AT] = consentAt(current);
    }
    replace(next);
  } else if (record.customer.consent !== undefined && (current[CONSENT] === undefined || record.orderedAt > consentAt(current))) {
    current[CONSENT] = record.customer.consent;
    current[CONSENT_AT] = record.orderedAt;
  }
}

/** Characters a JSON string must escape (quote, backslash, controls) or may mangle (lone surrogates). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** JSON.stringify of a string, skipped for the usual string that needs no escaping. */
function jsonString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/**
 * The items as a JSON string holding their JSON array (the column keeps them as JSON text):
 * `"[\"Mug\",\"Beans\"]"`, built directly when no item needs escaping.
 */
function itemsJson(items: readonly string[]): string {
  if (items.length === 0) return '"[]"';
  for (const item of items) if (NEEDS_ESCAPE.test(item)) return JSON.stringify(JSON.stringify(items));
  return `"[\\"${items.join('\\",\\"')}\\"]"`;
}

/**
 * The chunk's rows as one JSON array text, each row completed with its customer's id. One join
 * over all the pieces: a template per row builds a rope that is copied again when joined.
 */
export function rowsJson(chunk: Pick<OrderChunk, 'orders' | 'customerOf' | 'shape'> & Partial<Pick<OrderChunk, 'copy'>>, customerIds: readonly number[]): string {
  if (chunk.shape === 'copy') return jsonRowsFromCopy(chunk, customerIds);
  const { orders, customerOf } = chunk;
  const parts = new Array<string | number>(orders.length * 4 + 1);
  let p = 0;
  for (let i = 0; i < orders.length; i++) {
    parts[p++] = i === 0 ? '[[' : ',[';
    parts[p++] = customerIds[customerOf[i]];
    parts[p++] = ',';
    parts[p++] = orders[i];
  }
  parts[p] = orders.length === 0 ? '[]' : ']';
  return parts.join('');
}

/** Completed rows back as values, for the rare order that needs a decision in JavaScript. */
export function unpackOrders(json: string): OrderRow[] {
  return JSON.parse(json) as OrderRow[];
}
