/**
 * A large SQLite run's scores built AND stored on the statement thread, through a connection of
 * its own, so the SQL (72 MB for 300,000 rows) never crosses threads: handing it from the
 * builder to the main thread's driver cost a copy each way, 0.8-0.9 s of the main thread's CPU
 * and a third of the builder's (issue 16).
 *
 * One transaction still stores everything: the thread's connection begins it (IMMEDIATE, so the
 * "no scores yet for this day" check holds to the commit), runs every statement, proves the
 * references and commits; a refused value or an orphan rolls all of it back. The main
 * connection writes nothing meanwhile: the run holds the write queue's turn (Database.alone), so
 * no write of this process waits on SQLite's one write lock held by the other connection, and
 * none is interleaved with the scores.
 */
import os from 'node:os';
import type { MessagePort } from 'node:worker_threads';
import { Worker } from 'node:worker_threads';
import type { Database as Sqlite3Database } from 'sqlite3';
import type { Database } from '../db/database';
import { openSqliteConnection, sqliteFile } from '../db/sideReader';
import type { Progress } from '../progress';
import type { ScoreTable } from './scoreTable';
import { revive, toWire, WireError } from './threadErrors';
import { placeholder } from '../db/sqlDialect';
import { hasScoresSql, ORPHANS_SQLITE, orphansRefused, ROWS_PER_STATEMENT, statementBuilder, StatementContext, statementContext, StatementRows, statementRows } from './scoreStatements';

/** Statements' rows sent before the thread has stored any: it never waits for rows, memory stays a few statements. */
const AHEAD = 4;

export interface ThreadStoreKey {
  modelVersion: number;
  asOf: string;
  scoredAt: string;
}

interface StoreJob {
  file: string;
  context: StatementContext;
  count: number;
}

type Reply = { stored: number } | { done: true } | { error: WireError };

/**
 * Stores the run on the statement thread (`workerFile`), or returns false where it cannot: not
 * SQLite, or no file another connection can open (in-memory). The caller then stores as before.
 */
export async function storeOnThread(db: Database, table: ScoreTable, key: ThreadStoreKey, workerFile: string, progress?: Progress): Promise<boolean> {
  const file = sqliteFile(db);
  if (file === null || os.availableParallelism() < 2) return false;
  const n = table.length;
  const count = Math.ceil(n / ROWS_PER_STATEMENT);
  const job: StoreJob = { file, context: statementContext(table, 'sqlite', key), count };
  await db.alone(
    () =>
      new Promise<void>((resolve, reject) => {
        const worker = new Worker(workerFile, { workerData: { store: job } });
        let sent = 0;
        let stored = 0;
        // The outcome, told once the thread's connection is closed; settled when the thread has
        // exited by itself (terminating it while the driver closes the connection crashes the process).
        let outcome: Error | 'done' | undefined;
        const send = () => {
          if (sent >= count) return;
          const from = sent++ * ROWS_PER_STATEMENT;
          const rows = statementRows(table, from, Math.min(n, from + ROWS_PER_STATEMENT), true);
          worker.postMessage(rows, transferables(rows));
        };
        worker.on('message', (reply: Reply) => {
          if ('stored' in reply) {
            stored += reply.stored;
            progress?.('storing scores', stored, n);
            send();
          } else outcome ??= 'done' in reply ? 'done' : revive(reply.error);
        });
        worker.on('error', (error) => (outcome ??= error));
        worker.on('exit', (code) => {
          if (outcome === 'done') resolve();
          else reject(outcome ?? new Error(`the thread storing the scores stopped (exit code ${code}): nothing was stored`));
        });
        while (sent < Math.min(count, AHEAD)) send();
      }),
  );
  return true;
}

function transferables(rows: StatementRows): ArrayBuffer[] {
  const columns = [...Object.values(rows).filter((v) => ArrayBuffer.isView(v)), ...(rows.intervals ?? [])] as ArrayBufferView[];
  return columns.map((c) => c.buffer as ArrayBuffer);
}

/** The thread's side: the whole transaction on its own connection, the rows arriving in order. */
export async function runStore(port: MessagePort, job: StoreJob): Promise<void> {
  const waiting: StatementRows[] = [];
  let wake: (() => void) | undefined;
  port.on('message', (rows: StatementRows) => {
    waiting.push(rows);
    wake?.();
  });
  const nextRows = async (): Promise<StatementRows> => {
    while (waiting.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    return waiting.shift() as StatementRows;
  };
  let connection: Sqlite3Database | undefined;
  let outcome: Reply = { done: true };
  try {
    connection = await openSqliteConnection(job.file, 'write');
    await storeAll(connection, job, nextRows, (rows) => port.postMessage({ stored: rows }));
  } catch (error) {
    outcome = { error: toWire(error) };
  }
  if (connection) await new Promise<void>((resolve) => (connection as Sqlite3Database).close(() => resolve()));
  // Told after the close, then nothing keeps the thread: it exits, and the main thread settles.
  port.postMessage(outcome);
  port.close();
}

async function storeAll(connection: Sqlite3Database, job: StoreJob, nextRows: () => Promise<StatementRows>, stored: (rows: number) => void): Promise<void> {
  const run = (sql: string, params: unknown[] = []) =>
    new Promise<void>((resolve, reject) => connection.run(sql, params, (error) => (error ? reject(error) : resolve())));
  const get = (sql: string, params: unknown[]) =>
    new Promise<Record<string, unknown> | undefined>((resolve, reject) =>
      connection.get(sql, params, (error, row) => (error ? reject(error) : resolve(row as Record<string, unknown> | undefined))),
    );
  // The main connection's settings that matter to a write; foreign keys are proven once below, as Database.writeBulk does.
  await run('PRAGMA synchronous=NORMAL');
  await run('PRAGMA cache_size=-8192');
  await run('PRAGMA foreign_keys=OFF');
  const { modelVersion, asOf } = job.context;
  await run('BEGIN IMMEDIATE');
  try {
    const fresh = (await get(hasScoresSql(placeholder('sqlite')), [modelVersion, asOf])) === undefined;
    const build = statementBuilder({ ...job.context, fresh, inline: true });
    const exec = (sql: string) => new Promise<void>((resolve, reject) => connection.exec(sql, (error) => (error ? reject(error) : resolve())));
    // Two statements in flight: the next is built while SQLite runs the previous on the driver's thread.
    let previous: { done: Promise<void>; rows: number } | undefined;
    try {
      for (let k = 0; k < job.count; k++) {
        const statement = build(await nextRows());
        const done = statement.params.length === 0 ? exec(statement.sql) : run(statement.sql, statement.params);
        done.catch(() => undefined);
        if (previous) {
          await previous.done;
          stored(previous.rows);
        }
        previous = { done, rows: statement.rows };
      }
    } finally {
      await previous?.done.catch(() => undefined);
    }
    if (previous) {
      await previous.done;
      stored(previous.rows);
    }
    const orphans = Number((await get(ORPHANS_SQLITE, [modelVersion, asOf]))?.orphans ?? 0);
    if (orphans > 0) throw orphansRefused(orphans);
    await run('COMMIT');
  } catch (error) {
    await run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
