/**
 * A second, read-only connection to the same SQLite file, for a long read split between it and
 * the main connection. node-sqlite3 runs one connection's statements one at a time, so reading
 * the purchase log (`score`: 1.77 M orders) kept one core busy in SQLite while the other mostly
 * waited; two connections read two pages at once. In WAL mode the second connection reads
 * beside any writer. PostgreSQL's pool already runs concurrent queries on separate connections.
 */
import type { Database as Sqlite3Database } from 'sqlite3';
import type { Database } from './database';
import { SQLITE_BUSY_TIMEOUT_MS } from './unavailable';

export interface SideReader {
  query(sql: string, params: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** The SQLite file another connection of this process can open, or null (PostgreSQL, in-memory). */
export function sqliteFile(db: Database): string | null {
  if (db.dialect.kind !== 'sqlite') return null;
  const file = db.dataSource.options.database;
  return typeof file !== 'string' || file === '' || file.includes(':memory:') ? null : file;
}

/**
 * The side connection, or null where there is none to open: PostgreSQL, an in-memory database,
 * or a file this process cannot open again (the caller then reads through the main connection).
 */
export async function openSideReader(db: Database): Promise<SideReader | null> {
  const file = sqliteFile(db);
  if (file === null) return null;
  let connection: Sqlite3Database;
  try {
    connection = await openSqliteConnection(file, 'read');
  } catch {
    return null;
  }
  return {
    query: (sql, params) =>
      new Promise((resolve, reject) => connection.all(sql, params, (error, rows) => (error ? reject(error) : resolve(rows as Record<string, unknown>[])))),
    close: () => new Promise((resolve, reject) => connection.close((error) => (error ? reject(error) : resolve()))),
  };
}

/**
 * Another connection of this process to a SQLite file, through node-sqlite3 itself (TypeORM has
 * one), waiting as long as the main connection does for a lock.
 */
export function openSqliteConnection(file: string, mode: 'read' | 'write'): Promise<Sqlite3Database> {
  const sqlite3 = require('sqlite3') as typeof import('sqlite3');
  return new Promise((resolve, reject) => {
    const opened: Sqlite3Database = new sqlite3.Database(file, mode === 'read' ? sqlite3.OPEN_READONLY : sqlite3.OPEN_READWRITE, (error) => {
      if (error) return reject(error);
      opened.configure('busyTimeout', SQLITE_BUSY_TIMEOUT_MS);
      resolve(opened);
    });
  });
}
