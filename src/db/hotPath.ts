/**
 * Raw SQL for the customer's hot path (landing page, redeem, views, clicks, opens). Measured on
 * SQLite (issue 16): each TypeORM `query` builds a query runner, broadcasts before/after events
 * and prepares, runs and finalizes a fresh statement, three trips to the driver's thread pool;
 * a statement prepared once and kept makes one trip. Writes still take their turn on the
 * database's write queue (one writer). On PostgreSQL these go through TypeORM as before.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { QueryFailedError } from 'typeorm';
import type { SqlDialect } from './sqlDialect';

/** Runs one statement inside a write transaction and returns the rows it changed. */
export type Exec = (sql: string, params: unknown[]) => Promise<number>;

export interface HotPath {
  /** Rows of one read statement, outside any transaction. */
  rows<R = Record<string, unknown>>(sql: string, params: unknown[]): Promise<R[]>;
  /** A write transaction on the write queue; `exec` runs its statements. */
  write<T>(work: (exec: Exec) => Promise<T>): Promise<T>;
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

export function hotPath(dataSource: DataSource, dialect: SqlDialect, queue: Queue, typeormWrite: <T>(work: (tx: EntityManager) => Promise<T>) => Promise<T>): HotPath {
  if (dialect.kind === 'sqlite') return new SqliteHotPath(dataSource, queue);
  return {
    rows: (sql, params) => dataSource.query(sql, params),
    write: (work) => typeormWrite((tx) => work(async (sql, params) => ((await tx.queryRunner!.query(sql, params, true)).affected ?? 0))),
    close: async () => undefined,
  };
}

class SqliteHotPath implements HotPath {
  private readonly statements = new Map<string, Promise<Sqlite3Statement>>();

  constructor(private readonly dataSource: DataSource, private readonly queue: Queue) {}

  async rows<R>(sql: string, params: unknown[]): Promise<R[]> {
    const statement = await this.prepared(sql);
    return new Promise((resolve, reject) => statement.all(params, (error, rows) => (error ? reject(failed(sql, params, error)) : resolve(rows as R[]))));
  }

  write<T>(work: (exec: Exec) => Promise<T>): Promise<T> {
    return this.queue(async () => {
      await this.exec('BEGIN', []);
      let result: T;
      try {
        result = await work((sql, params) => this.exec(sql, params));
      } catch (error) {
        // A statement that failed may have rolled back already; the error that matters is the first.
        await this.exec('ROLLBACK', []).catch(() => undefined);
        throw error;
      }
      await this.exec('COMMIT', []);
      return result;
    });
  }

  async close(): Promise<void> {
    const kept = [...this.statements.values()];
    this.statements.clear();
    for (const pending of kept) {
      const statement = await pending.catch(() => null);
      if (statement) await new Promise<void>((resolve) => statement.finalize(() => resolve()));
    }
  }

  private async exec(sql: string, params: unknown[]): Promise<number> {
    const statement = await this.prepared(sql);
    return new Promise((resolve, reject) =>
      statement.run(params, function (error) {
        if (error) reject(failed(sql, params, error));
        else resolve(this.changes);
      }),
    );
  }

  /** Prepared on first use, so a statement over a table a later migration creates does not fail at start-up. */
  private prepared(sql: string): Promise<Sqlite3Statement> {
    let statement = this.statements.get(sql);
    if (!statement) {
      const connection: unknown = (this.dataSource.driver as unknown as { databaseConnection: unknown }).databaseConnection;
      // The constructor, not Database#prepare: only its callback also says when preparing succeeded.
      const Statement = (require('sqlite3') as { Statement: StatementConstructor }).Statement;
      statement = new Promise<Sqlite3Statement>((resolve, reject) => {
        const s = new Statement(connection, sql, (error) => (error ? reject(failed(sql, [], error)) : resolve(s)));
      });
      this.statements.set(sql, statement);
      statement.catch(() => this.statements.delete(sql));
    }
    return statement;
  }
}

/** The same error TypeORM raises, so logs and error handling see one kind of database failure. */
const failed = (sql: string, params: unknown[], error: Error) => new QueryFailedError(sql, params, error);
