/**
 * The score store's SQL built on a worker thread. Building is most of storing's work on the
 * main thread — formatting a dozen numbers a row, about 1.1 s of the 1.9 s storing 300,000
 * scores took there (issue 16) — while SQLite runs each statement on a thread of its own. With
 * the text built on a third thread, the main thread only hands statements to the driver.
 *
 * The rows cross as copied typed arrays a statement at a time, a few statements ahead of the one
 * being stored, so memory stays a few statements' worth. This file is also the worker's script;
 * only the compiled .js can run as one, so under ts-jest (and below THREAD_FROM rows, where a
 * thread's ~40 ms start costs more than it saves) the statements are built on the calling thread.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { ScoreTable } from './scoreTable';
import { ROWS_PER_STATEMENT, Statement, statementBuilder, StatementContext, StatementRows, statementRows } from './scoreStatements';
import { revive, toWire, WireError } from './threadErrors';

const WORKER_FILE = path.join(__dirname, 'statementThread.js');
export const THREAD_FROM = 20_000;
/** Statements built before the store asks for them: enough that it never waits on a quiet machine. */
const AHEAD = 4;

/**
 * The run's statements in row order. `threadFrom`: rows from which they are built on a worker
 * thread (default THREAD_FROM; Infinity never). The thread ends when the iteration does, however.
 */
export async function* scoreStatements(table: ScoreTable, context: StatementContext, threadFrom = THREAD_FROM): AsyncGenerator<Statement> {
  const n = table.length;
  if (threadWorkerFile(n, threadFrom) === null) {
    const build = statementBuilder(context);
    for (let from = 0; from < n; from += ROWS_PER_STATEMENT) yield build(statementRows(table, from, Math.min(n, from + ROWS_PER_STATEMENT), false));
    return;
  }
  const thread = new StatementThread(context);
  try {
    const ahead: Promise<Statement>[] = [];
    let asked = 0;
    const ask = () => {
      const from = asked++ * ROWS_PER_STATEMENT;
      const built = thread.build(statementRows(table, from, Math.min(n, from + ROWS_PER_STATEMENT), true));
      // Taken in turn below; until then a failure must not count as unhandled.
      built.catch(() => undefined);
      ahead.push(built);
    };
    const count = Math.ceil(n / ROWS_PER_STATEMENT);
    while (asked < Math.min(count, AHEAD)) ask();
    for (let k = 0; k < count; k++) {
      const statement = await (ahead.shift() as Promise<Statement>);
      if (asked < count) ask();
      yield statement;
    }
  } finally {
    await thread.close();
  }
}

/** The thread's script when `rows` are enough to start one (and it can run: compiled, 2+ cores); else null. */
export function threadWorkerFile(rows: number, threadFrom = THREAD_FROM): string | null {
  return rows >= threadFrom && os.availableParallelism() > 1 && existsSync(WORKER_FILE) ? WORKER_FILE : null;
}

type Reply = { id: number; statement: Statement } | { id: number; error: WireError };

class StatementThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve(statement: Statement): void; reject(error: Error): void }>();
  private next = 0;
  private failure: Error | undefined;
  private closing = false;

  constructor(context: StatementContext) {
    this.worker = new Worker(WORKER_FILE, { workerData: { statements: context } });
    this.worker.on('message', (reply: Reply) => {
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if ('error' in reply) waiter?.reject(revive(reply.error));
      else waiter?.resolve(reply.statement);
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`the thread building the score statements stopped (exit code ${code})`)));
  }

  build(rows: StatementRows): Promise<Statement> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, rows });
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    if (this.closing) return;
    this.failure ??= error;
    for (const waiter of this.waiting.values()) waiter.reject(this.failure);
    this.waiting.clear();
  }
}

// Storing too (threadStore.ts), loaded only here: the main thread's store imports it the other way.
if (!isMainThread && parentPort !== null && workerData?.store) {
  const { runStore } = require('./threadStore') as typeof import('./threadStore');
  void runStore(parentPort, workerData.store);
} else if (!isMainThread && parentPort !== null && workerData?.statements) {
  const port = parentPort;
  const build = statementBuilder(workerData.statements as StatementContext);
  port.on('message', ({ id, rows }: { id: number; rows: StatementRows }) => {
    try {
      port.postMessage({ id, statement: build(rows) });
    } catch (error) {
      port.postMessage({ id, error: toWire(error) });
    }
  });
}
