/**
 * All-or-nothing imports. Records stream in from any format, are written in chunks inside ONE
 * write transaction, and any bad record rolls the whole batch back: the database is exactly as
 * before. A dry run does all the work and then rolls back on purpose.
 */
import type { EntityManager } from 'typeorm';
import { Actor, recordAudit } from '../audit/auditLog';
import type { Database } from '../db/database';
import { ImportBatch } from '../db/entities';
import { CustomerFacts, identityOf } from './customerFacts';
import { CustomerResolver } from './customerResolver';
import { DeferredForeignKey, DeferredIndexes, ORDER_INDEXES } from './deferredIndexes';
import { batchesOf } from './formats';
import { CHUNK, ChunkShape, factsFrom, OrderChunk, packedChunks } from './orderChunk';
import { ExclusionCounts, OrderCounts, OrderWriter } from './orderWriter';
import type { CustomerRecord, OrderRecord } from './records';

export interface ImportOptions {
  /** `csv:generic`, `csv:shopify`, `cdnow`, `api`, `webhook:shopify`: kept on the batch and as consent source. */
  source: string;
  /** Shown in error messages (`orders.csv:18: amount: ...`). */
  file: string;
  dryRun?: boolean;
  now: () => Date;
  /**
   * A file's worth of rows rather than an API call's: foreign keys are checked once for the
   * whole batch instead of per row, and an import into empty tables builds their secondary
   * indexes at the end. Worth it from thousands of rows; a one-order webhook would pay more.
   */
  bulk?: boolean;
  /** Customers kept in memory during the import (default 500,000); past it they are looked up again. */
  customerCache?: number;
  /** Called after each chunk with the number of records written so far. */
  onProgress?: (records: number) => void;
  /** Who imported, for the audit log; a batch without one (a webhook's single order) is not audited. */
  actor?: Actor;
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

/** Customer records resolved per statement set; orders go in packed chunks (orderChunk.CHUNK). */
const CUSTOMER_CHUNK = 1000;

class DryRunRollback<T> extends Error {
  constructor(readonly summary: T) {
    super('dry run');
  }
}

/** Orders from the API, a webhook or a test: packed here, then as importOrderChunks. */
export function importOrders(db: Database, records: AsyncIterable<OrderRecord> | Iterable<OrderRecord>, options: ImportOptions): Promise<OrderImportSummary> {
  return importOrderChunks(db, (shape) => packedChunks(batchesOf(records, CHUNK), options.file, shape), options);
}

/**
 * Writes packed chunks (from a file reader, or packed here by importOrders) as one import batch.
 * `chunksAs` starts reading once the writer knows the shape it takes fastest (COPY rows into an
 * empty orders table on PostgreSQL), so the reader packs each row once, in that shape.
 */
export async function importOrderChunks(db: Database, chunksAs: (shape: ChunkShape) => AsyncIterable<OrderChunk>, options: ImportOptions): Promise<OrderImportSummary> {
  return inBatch(db, options, async (tx, batchId, now) => {
    const customers = new CustomerResolver(db, tx, options.source, now, options.customerCache);
    const writer = new OrderWriter(db, tx, batchId, options.file);
    const bulk = !!options.bulk;
    await customers.prepare({ bulk });
    const { empty } = await writer.prepare();
    const chunks = chunksAs(writer.shape);
    const orderIndexes = new DeferredIndexes(tx, ORDER_INDEXES);
    const customerKey = new DeferredForeignKey(tx, 'orders', 'customers');
    if (bulk && empty) await orderIndexes.drop();
    if (bulk && empty && !db.bulkSkipsForeignKeys) await customerKey.drop();
    let rows = 0;
    // Two chunks are in the database's hands at once: while one is written (customer updates,
    // then orders), the next one's customers are looked up and inserted, so SQLite always has
    // a statement waiting instead of waiting for JavaScript between statements. Writes stay in
    // chunk order; only the next chunk's customers run ahead, and the resolver keeps those safe.
    let writing: Promise<void> = Promise.resolve();
    try {
      for await (const chunk of chunks) {
        const resolved = await customers.resolve(factsFrom(chunk.facts), writing);
        await writing;
        rows += chunk.count + chunk.duplicates;
        writer.excluded.duplicates += chunk.duplicates;
        const done = rows;
        writing = (async () => {
          await customers.applyUpdates(resolved);
          await writer.write(chunk, resolved.ids);
          options.onProgress?.(done);
        })();
        writing.catch(() => undefined);
      }
    } catch (error) {
      // A statement still running when the transaction rolls back would run outside it, and
      // commit on its own: let it finish first, then roll everything back together.
      await writing.catch(() => undefined);
      throw error;
    }
    await writing;
    await customers.finish();
    await orderIndexes.restore();
    await customerKey.restore();
    if (bulk && db.bulkSkipsForeignKeys) await writer.checkCustomers();
    return {
      batchId,
      dryRun: !!options.dryRun,
      rows,
      orders: writer.orders,
      customers: { inserted: customers.inserted, updated: customers.updated },
      excluded: writer.excluded,
    };
  }, !!options.bulk);
}

export async function importCustomers(db: Database, records: AsyncIterable<CustomerRecord> | Iterable<CustomerRecord>, options: ImportOptions): Promise<CustomerImportSummary> {
  return inBatch(db, options, async (tx, batchId, now) => {
    const customers = new CustomerResolver(db, tx, options.source, now, options.customerCache);
    await customers.prepare({ bulk: !!options.bulk });
    let rows = 0;
    let chunk = new Map<string, CustomerFacts>();
    const flush = async () => {
      await customers.applyUpdates(await customers.resolve([...chunk.values()]));
      chunk = new Map();
    };
    for await (const record of records) {
      rows++;
      // A later row about the same customer in the same file wins: it replaces the earlier one.
      chunk.set(identityOf(record), { ...record, at: now });
      if (chunk.size >= CUSTOMER_CHUNK) {
        await flush();
        options.onProgress?.(rows);
      }
    }
    if (chunk.size) await flush();
    await customers.finish();
    return { batchId, dryRun: !!options.dryRun, rows, customers: { inserted: customers.inserted, updated: customers.updated } };
  });
}

/** PostgreSQL advisory lock key that imports take in turn (any fixed number no other lock uses). */
const IMPORT_LOCK = 7301_0001;

/** Runs `work` in one write transaction with a batch row; rolls back on error or dry run. */
async function inBatch<T extends { batchId: number | null; rows: number }>(
  db: Database,
  options: ImportOptions,
  work: (tx: EntityManager, batchId: number, now: string) => Promise<T>,
  bulk = false,
): Promise<T> {
  const now = options.now().toISOString();
  try {
    const transaction = bulk ? db.writeBulk.bind(db) : db.write.bind(db);
    return await transaction(async (tx) => {
      // Isolation: imports must run one at a time. Each reads which customers exist, then inserts
      // the rest (no unique key on email to arbitrate): two at once under READ COMMITTED both made
      // the same customer. SQLite's one writer serializes them; on PostgreSQL this lock does, held
      // to commit (SERIALIZABLE would instead run a whole large import again on a conflict).
      if (db.dialect.kind === 'postgres') await tx.query(`SELECT pg_advisory_xact_lock(${IMPORT_LOCK})`);
      const batch = await tx.getRepository(ImportBatch).save({
        source: options.source, file: options.file, status: 'running', startedAt: now, finishedAt: null, counts: null, error: null,
      });
      const summary = await work(tx, batch.id, now);
      if (options.dryRun) throw new DryRunRollback({ ...summary, batchId: null });
      const finished = options.now();
      await tx.getRepository(ImportBatch).update(batch.id, {
        status: 'committed', finishedAt: finished.toISOString(), counts: JSON.stringify(summary),
      });
      if (options.actor) {
        await recordAudit(tx, db, finished, { actor: options.actor, action: 'import', subject: options.file, detail: { batchId: batch.id, source: options.source, rows: summary.rows } });
      }
      return summary;
    });
  } catch (error) {
    if (error instanceof DryRunRollback) return error.summary as T;
    throw error;
  }
}
