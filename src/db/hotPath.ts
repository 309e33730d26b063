/**
 * Raw SQL for the customer's hot path (landing page, redeem, views, clicks, opens). Measured on
 * SQLite (issue 16): each TypeORM `query` builds a query runner, broadcasts before/after events
 * and prepares, runs and finalizes a fresh statement, three trips to the driver's thread pool;
 * a statement prepared once and kept makes one trip. Writes still take their turn on the
 * database's write queue (one writer). On PostgreSQL these go through TypeORM, each write a
 * statement of its own (no transaction around it).
 */
import type { DataSource } from 'typeorm';
import { QueryFailedError } from 'typeorm';
import type { SqlDialect } from './sqlDialect';

export interface HotPath {
  /** Rows of one read statement, outside any transaction. */
  rows<R = Record<string, unknown>>(sql: string, params: unknown[]): Promise<R[]>;
  /**
   * One statement on the write queue, atomic by itself: on SQLite without BEGIN and COMMIT, one
   * trip to the driver instead of three. Its result: the rows it changed.
   */
  writeOne(sql: string, params: unknown[]): Promise<number>;
  /** The same, for a statement with RETURNING: the rows it returns. */
  writeRows<R = Record<string, unknown>>(sql: string, params: unknown[]): Promise<R[]>;
  /** Finalizes the kept statements: SQLite refuses to close a connection that has any. */
  close(): Promise<void>;
}

/** The part of node-sqlite3 used here. */
interface Sqlite3Statement {
  all(params: unknown[], callback: (error: Error | null, rows: unknown[]) => void): void;
  run(params: unknown[], callback: (this: { changes: number }, error: Error | null) => void): void;
  finalize(callback: () => void): void;
}
type StatementConstructor = new (connection: unknown, sql: string, callback: (error: Error | null) => void) => Sqlite3Statement;

type Queue = <T>(job: () => Promise<T>) => Promise<T>;

export function hotPath(dataSource: DataSource, dialect: SqlDialect, queue: Queue): HotPath {
  if (dialect.kind === 'sqlite') return new SqliteHotPath(dataSource, queue);
  // On PostgreSQL each of these is one statement, atomic by itself and at READ COMMITTED like
  // write()'s default: sent alone, without the BEGIN and COMMIT a transaction would add (three
  // round trips for one).
  const alone = async (sql: string, params: unknown[]) => {
    const runner = dataSource.createQueryRunner('master');
    try {
      return await runner.query(sql, params, true);
    } finally {
      await runner.release();
    }
  };
  return {
    rows: (sql, params) => dataSource.query(sql, params),
    writeOne: async (sql, params) => (await alone(sql, params)).affected ?? 0,
    writeRows: async (sql, params) => (await alone(sql, params)).records,
    close: async () => undefined,
  };
}

/**
 * node-sqlite3 runs one call of a statement at a time and starts the next only from the main
 * thread, after the last one's callback: with one statement per SQL, 50 concurrent page views
 * waited for each other's turns through a busy event loop. Up to this many copies of a statement
 * let that many calls wait in the thread pool (libuv's default size) instead.
 */
const COPIES = 4;

interface Kept {
  statement: Promise<Sqlite3Statement>;
  busy: number;
}

class SqliteHotPath implements HotPath {
  private readonly statements = new Map<string, Kept[]>();

  constructor(private readonly dataSource: DataSource, private readonly queue: Queue) {}

  rows<R>(sql: string, params: unknown[]): Promise<R[]> {
    return this.all(sql, params);
  }

  writeRows<R>(sql: string, params: unknown[]): Promise<R[]> {
    return this.queue(() => this.all(sql, params));
  }

  private all<R>(sql: string, params: unknown[]): Promise<R[]> {
    return this.use(sql, (statement) => new Promise((resolve, reject) => statement.all(params, (error, rows) => (error ? reject(failed(sql, params, error)) : resolve(rows as R[])))));
  }

  writeOne(sql: string, params: unknown[]): Promise<number> {
    return this.queue(() => this.exec(sql, params));
  }

  async close(): Promise<void> {
    const kept = [...this.statements.values()].flat();
    this.statements.clear();
    for (const k of kept) {
      const statement = await k.statement.catch(() => null);
      if (statement) await new Promise<void>((resolve) => statement.finalize(() => resolve()));
    }
  }

  private exec(sql: string, params: unknown[]): Promise<number> {
    return this.use(sql, (statement) =>
      new Promise((resolve, reject) =>
        statement.run(params, function (error) {
          if (error) reject(failed(sql, params, error));
          else resolve(this.changes);
        }),
      ),
    );
  }

  private async use<T>(sql: string, call: (statement: Sqlite3Statement) => Promise<T>): Promise<T> {
    const kept = this.pick(sql);
    kept.busy++;
    try {
      return await call(await kept.statement);
    } finally {
      kept.busy--;
    }
  }

  /** The least busy copy; a new one while every copy is busy and there are fewer than COPIES. */
  private pick(sql: string): Kept {
    let copies = this.statements.get(sql);
    if (!copies) this.statements.set(sql, (copies = []));
    let best = copies[0];
    for (const k of copies) if (k.busy < best.busy) best = k;
    if (best && (best.busy === 0 || copies.length >= COPIES)) return best;
    const kept: Kept = { statement: this.prepare(sql), busy: 0 };
    copies.push(kept);
    kept.statement.catch(() => copies.splice(copies.indexOf(kept), 1));
    return kept;
  }

  /** Prepared on first use, so a statement over a table a later migration creates does not fail at start-up. */
  private prepare(sql: string): Promise<Sqlite3Statement> {
    const connection: unknown = (this.dataSource.driver as unknown as { databaseConnection: unknown }).databaseConnection;
    // The constructor, not Database#prepare: only its callback also says when preparing succeeded.
    const Statement = (require('sqlite3') as { Statement: StatementConstructor }).Statement;
    return new Promise<Sqlite3Statement>((resolve, reject) => {
      const s = new Statement(connection, sql, (error) => (error ? reject(failed(sql, [], error)) : resolve(s)));
    });
  }
}

/** The same error TypeORM raises, so logs and error handling see one kind of database failure. */
const failed = (sql: string, params: unknown[], error: Error) => new QueryFailedError(sql, params, error);
