/**
 * Reads an import file on a worker thread: parsing and validating a million rows is about 3.5 s
 * of JavaScript, and on the main thread it competed with the work of feeding SQLite, which waits
 * for the main thread between statements. Records cross in batches by structured clone (measured
 * here: about 1 s of main-thread time per million records); at most a few batches are in flight,
 * so a slow database never lets the worker fill memory with records.
 *
 * This file is also the worker's script. Only the compiled .js can run as one, so under ts-jest
 * the file is read on the calling thread, with the same formats and the same errors.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { InputError } from '../domain/errors';
import type { Progress } from './csvSource';
import { CustomerFormat, oneByOne, rebatched, ReadOptions, readCustomers, readOrders, RecordReader } from './formats';
import { ChunkShape, OrderChunk, packedChunks } from './orderChunk';
import type { CustomerRecord, ImportFormat } from './records';

const WORKER_FILE = path.join(__dirname, 'readInWorker.js');
/** Customer records per message; orders go as packed chunks (orderChunk.CHUNK). */
const BATCH = 2000;
/** Batches the worker may send ahead of the importer. */
const AHEAD = 2;
/**
 * The reader holds a few batches at a time; left to itself V8 let its heap grow to 150 MB of
 * garbage between collections, and the import's peak RSS counts both threads. The young
 * generation is set too: V8 sizes it from the heap limit, and the small default spent a quarter
 * of the reader's time in scavenges (32 MB measured 10% faster imports than 8 or 16 MB).
 */
const WORKER_HEAP = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 32 };
/**
 * Packing COPY rows (PostgreSQL's first import), the reader is the busiest thread of the import,
 * and with 32 MB chunks in flight outlived two scavenges and were promoted: garbage collection
 * took 1.3-1.5 s of the reader's 3.5 s CPU at 200,000 rows. A 64 MB young generation (and room
 * for it in the old one) measured 0.45-0.8 s, for about 25 MB more peak RSS; the SQLite import
 * keeps the smaller heap (its bench bounds RSS at 300 MB, and it is at 282).
 */
const COPY_WORKER_HEAP = { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 64 };

type Job = { kind: 'orders'; path: string; format: ImportFormat; options: ReadOptions; shape: ChunkShape } | { kind: 'customers'; path: string; format: CustomerFormat; options?: ReadOptions };

/** What a file import reads: packed chunks of orders, or customer records. */
export interface ChunkReader<T> {
  chunks: AsyncIterable<T>;
  progress(): Progress;
  rowsRead(): number;
}

type FromWorker<T> =
  | { type: 'batch'; item: T; progress: Progress; rowsRead: number }
  | { type: 'done'; progress: Progress; rowsRead: number }
  | { type: 'input-error'; problem: string; where: { file?: string; line?: number; field?: string } }
  | { type: 'failed'; message: string; stack?: string };

/** `shape`: how the chunks' rows are packed (OrderChunk.shape), as the writer takes them. */
export function readOrdersInWorker(file: string, format: ImportFormat, options: ReadOptions, shape: ChunkShape = 'json'): ChunkReader<OrderChunk> {
  return inWorker<OrderChunk>({ kind: 'orders', path: file, format, options, shape }, () => {
    const reader = readOrders(file, format, options);
    return { chunks: packedChunks(reader.batches, file, shape), progress: () => reader.progress(), rowsRead: () => reader.rowsRead() };
  });
}

export function readCustomersInWorker(file: string, format: CustomerFormat, options?: ReadOptions): RecordReader<CustomerRecord> {
  const reader = inWorker<CustomerRecord[]>({ kind: 'customers', path: file, format, options }, () => {
    const here = readCustomers(file, format, options);
    return { chunks: rebatched(here.batches, BATCH), progress: () => here.progress(), rowsRead: () => here.rowsRead() };
  });
  return { records: oneByOne(reader.chunks[Symbol.asyncIterator]()), batches: reader.chunks, progress: () => reader.progress(), rowsRead: () => reader.rowsRead() };
}

function inWorker<T>(job: Job, here: () => ChunkReader<T>): ChunkReader<T> {
  if (!existsSync(WORKER_FILE)) return here();
  let progress: Progress = { bytesRead: 0, totalBytes: 0 };
  let rowsRead = 0;
  let worker: Worker | undefined;
  /** Set once the worker has said its last word (done or an error), or the reader stopped. */
  let settled = false;
  const queue: FromWorker<T>[] = [];
  let wake: (() => void) | undefined;
  let broken: Error | undefined;
  const stop = (): void => {
    settled = true;
    void worker?.terminate();
  };
  const start = (): Worker => {
    const w = new Worker(WORKER_FILE, { workerData: { readJob: job }, resourceLimits: job.kind === 'orders' && job.shape === 'copy' ? COPY_WORKER_HEAP : WORKER_HEAP });
    w.on('message', (message: FromWorker<T>) => {
      if (message.type !== 'batch') settled = true;
      queue.push(message);
      wake?.();
    });
    w.on('error', (error) => {
      broken = error;
      wake?.();
    });
    w.on('exit', (code) => {
      if (!settled && !broken) broken = new Error(`the file reader stopped (exit code ${code}) before the end of ${job.path}`);
      wake?.();
    });
    return w;
  };
  async function* items(): AsyncGenerator<T> {
    worker = start();
    try {
      for (;;) {
        const message = queue.shift();
        if (message === undefined) {
          if (broken) throw broken;
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          continue;
        }
        if (message.type === 'input-error') throw new InputError(message.problem, message.where);
        if (message.type === 'failed') throw Object.assign(new Error(message.message), { stack: message.stack });
        progress = message.progress;
        rowsRead = message.rowsRead;
        if (message.type === 'done') return;
        worker.postMessage('more');
        yield message.item;
      }
    } finally {
      stop();
    }
  }
  return { chunks: items(), progress: () => progress, rowsRead: () => rowsRead };
}

async function work(job: Job): Promise<void> {
  const port = parentPort as NonNullable<typeof parentPort>;
  let credit = AHEAD;
  let more: (() => void) | undefined;
  port.on('message', () => {
    credit++;
    more?.();
  });
  const reader: RecordReader<unknown> = job.kind === 'orders' ? readOrders(job.path, job.format, job.options) : readCustomers(job.path, job.format, job.options);
  const items: AsyncIterable<unknown> = job.kind === 'orders' ? packedChunks(reader.batches as AsyncIterable<never[]>, job.path, job.shape) : rebatched(reader.batches, BATCH);
  try {
    for await (const item of items) {
      while (credit === 0) await new Promise<void>((resolve) => (more = resolve));
      credit--;
      // A chunk's COPY bytes move to the importing thread rather than being copied.
      const bytes = (item as Partial<OrderChunk>).copy;
      port.postMessage({ type: 'batch', item, progress: reader.progress(), rowsRead: reader.rowsRead() }, bytes ? [bytes.buffer as ArrayBuffer] : []);
    }
    port.postMessage({ type: 'done', progress: reader.progress(), rowsRead: reader.rowsRead() });
  } catch (error) {
    if (error instanceof InputError) port.postMessage({ type: 'input-error', problem: error.problem, where: error.where });
    else port.postMessage({ type: 'failed', message: (error as Error).message, stack: (error as Error).stack });
  }
  port.close();
}

if (!isMainThread && parentPort !== null && workerData?.readJob) void work(workerData.readJob as Job);
