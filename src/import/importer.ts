/**
 * All-or-nothing imports. Records stream in from any format, are written in chunks inside ONE
 * write transaction, and any bad record rolls the whole batch back: the database is exactly as
 * before. A dry run does all the work and then rolls back on purpose.
 */
import type { EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import { ImportBatch } from '../db/entities';
import { InputError } from '../domain/errors';
import { CustomerFacts, CustomerResolver, identityOf } from './customerResolver';
import { ExclusionCounts, OrderCounts, OrderWriter, ResolvedOrder } from './orderWriter';
import type { CustomerRecord, OrderRecord } from './records';

export interface ImportOptions {
  /** `csv:generic`, `csv:shopify`, `cdnow`, `api`, `webhook:shopify`: kept on the batch and as consent source. */
  source: string;
  /** Shown in error messages (`orders.csv:18: amount: ...`). */
  file: string;
  dryRun?: boolean;
  now: () => Date;
  /** Called after each chunk with the number of records written so far. */
  onProgress?: (records: number) => void;
}

export interface OrderImportSummary {
  batchId: number | null;
  dryRun: boolean;
  rows: number;
  orders: OrderCounts;
  customers: { inserted: number; updated: number };
  excluded: ExclusionCounts;
}

export interface CustomerImportSummary {
  batchId: number | null;
  dryRun: boolean;
  rows: number;
  customers: { inserted: number; updated: number };
}

const CHUNK = 1000;

class DryRunRollback<T> extends Error {
  constructor(readonly summary: T) {
    super('dry run');
  }
}

export async function importOrders(db: Database, records: AsyncIterable<OrderRecord> | Iterable<OrderRecord>, options: ImportOptions): Promise<OrderImportSummary> {
  return inBatch(db, options, async (tx, batchId, now) => {
    const customers = new CustomerResolver(db, tx, options.source, now);
    const writer = new OrderWriter(db, tx, batchId, options.file, now);
    await writer.prepare();
    let rows = 0;
    let chunk: OrderRecord[] = [];
    // One chunk is written while the next is parsed: SQLite works on libuv's thread pool, the
    // parser on the main thread, so the two overlap on a second core. Never more than one write
    // in flight: the transaction's statements stay in order.
    let writing: Promise<void> = Promise.resolve();
    const flush = async () => {
      await writing;
      const full = chunk;
      chunk = [];
      const done = rows;
      writing = writeChunk(full, customers, writer, options.file).then(() => options.onProgress?.(done));
      writing.catch(() => undefined);
    };
    try {
      for await (const record of records) {
        rows++;
        chunk.push(record);
        if (chunk.length >= CHUNK) await flush();
      }
      if (chunk.length) await flush();
    } catch (error) {
      // A statement still running when the transaction rolls back would run outside it, and
      // commit on its own: let it finish first, then roll everything back together.
      await writing.catch(() => undefined);
      throw error;
    }
    await writing;
    return {
      batchId,
      dryRun: !!options.dryRun,
      rows,
      orders: writer.orders,
      customers: { inserted: customers.inserted, updated: customers.updated },
      excluded: writer.excluded,
    };
  });
}

export async function importCustomers(db: Database, records: AsyncIterable<CustomerRecord> | Iterable<CustomerRecord>, options: ImportOptions): Promise<CustomerImportSummary> {
  return inBatch(db, options, async (tx, batchId, now) => {
    const customers = new CustomerResolver(db, tx, options.source, now);
    let rows = 0;
    let chunk = new Map<string, CustomerFacts>();
    for await (const record of records) {
      rows++;
      // A later row about the same customer in the same file wins: it replaces the earlier one.
      chunk.set(identityOf(record), { ...record, at: now });
      if (chunk.size >= CHUNK) {
        await customers.resolve(chunk);
        chunk = new Map();
        options.onProgress?.(rows);
      }
    }
    if (chunk.size) await customers.resolve(chunk);
    return { batchId, dryRun: !!options.dryRun, rows, customers: { inserted: customers.inserted, updated: customers.updated } };
  });
}

async function writeChunk(chunk: OrderRecord[], customers: CustomerResolver, writer: OrderWriter, file: string): Promise<void> {
  const distinct = new Map<string, OrderRecord>();
  const facts = new Map<string, CustomerFacts>();
  for (const record of chunk) {
    const earlier = distinct.get(record.orderId);
    if (earlier) {
      if (!sameRecord(earlier, record)) {
        throw new InputError(
          `order "${record.orderId}" appears again with different values (first at line ${earlier.line}); an order id must mean one order`,
          { file, line: record.line, field: 'order_id' },
        );
      }
      writer.excluded.duplicates++;
      continue;
    }
    distinct.set(record.orderId, record);
    const key = identityOf(record.customer);
    const known = facts.get(key);
    if (!known || record.orderedAt > known.at) facts.set(key, { ...record.customer, at: record.orderedAt });
  }
  const ids = await customers.resolve(facts);
  const resolved: ResolvedOrder[] = [];
  for (const record of distinct.values()) {
    resolved.push({ record, customerId: ids.get(identityOf(record.customer)) as number });
  }
  await writer.write(resolved);
}

function sameRecord(a: OrderRecord, b: OrderRecord): boolean {
  return (
    identityOf(a.customer) === identityOf(b.customer) &&
    a.orderedAt === b.orderedAt &&
    a.currency === b.currency &&
    a.amountMinor === b.amountMinor &&
    a.refundedMinor === b.refundedMinor &&
    a.status === b.status &&
    a.discountCode === b.discountCode &&
    a.items.join('\u0000') === b.items.join('\u0000')
  );
}

/** Runs `work` in one write transaction with a batch row; rolls back on error or dry run. */
async function inBatch<T extends { batchId: number | null }>(
  db: Database,
  options: ImportOptions,
  work: (tx: EntityManager, batchId: number, now: string) => Promise<T>,
): Promise<T> {
  const now = options.now().toISOString();
  try {
    return await db.write(async (tx) => {
      const batch = await tx.getRepository(ImportBatch).save({
        source: options.source, file: options.file, status: 'running', startedAt: now, finishedAt: null, counts: null, error: null,
      });
      const summary = await work(tx, batch.id, now);
      if (options.dryRun) throw new DryRunRollback({ ...summary, batchId: null });
      await tx.getRepository(ImportBatch).update(batch.id, {
        status: 'committed', finishedAt: options.now().toISOString(), counts: JSON.stringify(summary),
      });
      return summary;
    });
  } catch (error) {
    if (error instanceof DryRunRollback) return error.summary as T;
    throw error;
  }
}
