/** Import a file end to end (read, parse, write): what `rekindle import` and the benchmark both run. */
import { Actor, SYSTEM_ACTOR } from '../audit/auditLog';
import type { Database } from '../db/database';
import type { Clock } from '../clock';
import { ChunkReader, readCustomersInWorker, readOrdersInWorker } from './readInWorker';
import type { ChunkShape, OrderChunk } from './orderChunk';
import { CustomerImportSummary, importCustomers, importOrderChunks, OrderImportSummary } from './importer';
import type { ImportFormat } from './records';

export interface FileImportOptions {
  db: Database;
  clock: Clock;
  shop: { timeZone: string; currency: string };
  dryRun?: boolean;
  onProgress?: (records: number, fractionOfFile: number | undefined) => void;
  /** Who imported, for the audit log (`cli:<user>`, `console:<email>`). */
  actor?: Actor;
}

export async function importOrdersFile(file: string, format: ImportFormat, o: FileImportOptions): Promise<OrderImportSummary> {
  // Started by the importer once it knows the shape of chunk it takes.
  let reader: ChunkReader<OrderChunk> | undefined;
  const options = { shopTimeZone: o.shop.timeZone, defaultCurrency: o.shop.currency };
  const chunksAs = (shape: ChunkShape) => (reader = readOrdersInWorker(file, format, options, shape)).chunks;
  const summary = await importOrderChunks(o.db, chunksAs, {
    source: format === 'cdnow' ? 'cdnow' : `csv:${format}`,
    file,
    bulk: true,
    dryRun: o.dryRun,
    now: o.clock,
    actor: o.actor ?? SYSTEM_ACTOR,
    onProgress: (done) => {
      const { bytesRead, totalBytes } = reader?.progress() ?? { bytesRead: 0, totalBytes: 0 };
      o.onProgress?.(done, totalBytes ? bytesRead / totalBytes : undefined);
    },
  });
  // Shopify has several rows per order: `rows` counts the file's data rows, not orders.
  return { ...summary, rows: reader?.rowsRead() ?? 0 };
}

export async function importCustomersFile(file: string, format: 'generic' | 'shopify', o: FileImportOptions): Promise<CustomerImportSummary> {
  const reader = readCustomersInWorker(file, format, { shopTimeZone: o.shop.timeZone });
  const summary = await importCustomers(o.db, reader.records, { source: `customers:${format}`, file, bulk: true, dryRun: o.dryRun, now: o.clock, actor: o.actor ?? SYSTEM_ACTOR });
  return { ...summary, rows: reader.rowsRead() };
}
