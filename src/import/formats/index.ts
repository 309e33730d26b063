/**
 * The one door from an input file to normalized records: pick the format, get an async stream of
 * records plus how far through the file it is. The importer never sees a format.
 */
import { timeZone } from '../../domain/time';
import { CsvSource, Progress } from '../csvSource';
import type { CustomerRecord, ImportFormat, OrderRecord } from '../records';
import { CdnowSource } from './cdnow';
import { genericCustomers, shopifyCustomers, SHOPIFY_CUSTOMERS_HEADER } from './customers';
import type { FormatOptions } from './fields';
import { FileKind, withFormatHint } from './formatHint';
import { GENERIC_CUSTOMERS_HEADER, GENERIC_ORDERS_HEADER, genericOrders } from './generic';
import { SHOPIFY_ORDERS_HEADER, shopifyOrders } from './shopify';

export type { Progress } from '../csvSource';
export { ordersFromApiBody } from './apiOrder';
export { orderFromShopifyWebhook } from './shopifyWebhook';

export type CustomerFormat = 'generic' | 'shopify';

export interface ReadOptions {
  /** IANA zone for timestamps without an offset and for calendar days. */
  shopTimeZone: string;
  /** Used when a file has no currency column or leaves a cell blank. */
  defaultCurrency?: string;
}

export interface RecordReader<T> {
  /**
   * Read once. Throws InputError (file, line, column) at the first bad row or an unreadable file;
   * an empty file or a missing column fails before any record.
   */
  records: AsyncIterable<T>;
  /**
   * The same records in the batches they are read in: read this or `records`, not both. One
   * await per batch instead of one per record, which at a million records is a visible share.
   */
  batches: AsyncIterable<T[]>;
  /** Bytes of the file read so far, for a progress bar. */
  progress(): Progress;
  /** Data rows read so far: a Shopify order spans several rows. */
  rowsRead(): number;
}

/**
 * One record at a time from batches of them. Hand-written rather than an async generator: a
 * generator's yield costs about 100 ns, a visible share of an import at a million rows.
 */
export function oneByOne<T>(batches: AsyncIterator<T[]>): AsyncIterable<T> {
  let batch: T[] = [];
  let next = 0;
  const refill = async (): Promise<IteratorResult<T>> => {
    for (;;) {
      const result = await batches.next();
      if (result.done) return { done: true, value: undefined };
      batch = result.value;
      next = 0;
      if (batch.length) return { done: false, value: batch[next++] };
    }
  };
  const iterator: AsyncIterator<T> = {
    next: () => (next < batch.length ? Promise.resolve({ done: false, value: batch[next++] }) : refill()),
    return: async () => {
      batch = [];
      await batches.return?.(undefined);
      return { done: true, value: undefined };
    },
  };
  return { [Symbol.asyncIterator]: () => iterator };
}

/** Batches of any size regrouped into arrays of `size` (the last one shorter), one await per batch in. */
export async function* rebatched<T>(batches: AsyncIterable<readonly T[]>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const incoming of batches) {
    for (const item of incoming) {
      batch.push(item);
      if (batch.length === size) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length) yield batch;
}

/** The inverse of oneByOne: records in arrays of `size` (the last one shorter). */
export function batchesOf<T>(records: AsyncIterable<T> | Iterable<T>, size: number): AsyncGenerator<T[]> {
  return rebatched(eachAlone(records), size);
}

async function* eachAlone<T>(records: AsyncIterable<T> | Iterable<T>): AsyncGenerator<T[]> {
  for await (const record of records) yield [record];
}

function formatOptions(options: ReadOptions): FormatOptions {
  return { zone: timeZone(options.shopTimeZone), defaultCurrency: options.defaultCurrency };
}

function reader<T>(source: { progress(): Progress; rowsRead(): number }, batches: AsyncGenerator<T[]>): RecordReader<T> {
  return { records: oneByOne(batches), batches, progress: () => source.progress(), rowsRead: () => source.rowsRead() };
}

/** A CSV format's batches, whose header errors name the format the file really is, when it is one we know. */
async function* hinted<T>(source: CsvSource, batches: AsyncGenerator<T[]>, chosen: FileKind): AsyncGenerator<T[]> {
  try {
    yield* batches;
  } catch (error) {
    throw withFormatHint(error, source.columnNames(), chosen);
  }
}

export function readOrders(path: string, format: ImportFormat, options: ReadOptions): RecordReader<OrderRecord> {
  const o = formatOptions(options);
  switch (format) {
    case 'generic': {
      const source = new CsvSource(path, GENERIC_ORDERS_HEADER);
      return reader(source, hinted(source, genericOrders(source, o), { command: 'orders', format }));
    }
    case 'shopify': {
      const source = new CsvSource(path, SHOPIFY_ORDERS_HEADER);
      return reader(source, hinted(source, shopifyOrders(source, o), { command: 'orders', format }));
    }
    case 'cdnow': {
      const source = new CdnowSource(path, o);
      return reader(source, source.batches());
    }
  }
}

/** `options` mirrors readOrders; no customers column needs the zone or a currency yet. */
export function readCustomers(path: string, format: CustomerFormat, options?: ReadOptions): RecordReader<CustomerRecord> {
  switch (format) {
    case 'generic': {
      const source = new CsvSource(path, GENERIC_CUSTOMERS_HEADER);
      return reader(source, hinted(source, genericCustomers(source), { command: 'customers', format }));
    }
    case 'shopify': {
      const source = new CsvSource(path, SHOPIFY_CUSTOMERS_HEADER);
      return reader(source, hinted(source, shopifyCustomers(source), { command: 'customers', format }));
    }
  }
}
