/**
 * Builds the TypeORM DataSource for SQLite (the embedded default) or PostgreSQL from the same
 * entities and migrations. SQLite-specific settings live here and in sqlDialect.ts only.
 */
import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DataSource } from 'typeorm';
import type { Config } from '../config';
import { entities } from './entities';
import { migrations } from './migrations';
import { SQLITE_BUSY_TIMEOUT_MS } from './unavailable';

export function createDataSource(database: Config['database']): DataSource {
  const common = { entities, migrations, synchronize: false, migrationsRun: false, logging: false } as const;
  if (database.kind === 'postgres') {
    readTimestampsAsIsoText();
    return new DataSource({ type: 'postgres', url: database.url, ...common });
  }
  return new DataSource({ type: 'sqlite', database: database.path, driver: quietSqlite3(), ...common });
}

/**
 * Timestamps are `timestamptz` on PostgreSQL and ISO 8601 UTC texts on SQLite; the code above the
 * database reads and compares `2025-06-02T08:00:00.000Z` strings on both. So pg hands a
 * timestamptz back as that text rather than as a Date (whose millisecond precision is the same).
 * The parser is the pg module's, process-wide: Rekindle is its only user in the process.
 */
export function readTimestampsAsIsoText(): void {
  const { types } = require('pg') as typeof import('pg');
  const current = types.getTypeParser(types.builtins.TIMESTAMPTZ) as ((text: string) => Date | string) & { [OURS]?: true };
  // Marked rather than compared: a second copy of this module (a test loading both src/ and
  // dist/) must not wrap the first copy's parser again.
  if (current[OURS]) return;
  const isoText = Object.assign((text: string): string => {
    const value = current(text);
    return typeof value === 'string' ? value : value.toISOString();
  }, { [OURS]: true as const });
  types.setTypeParser(types.builtins.TIMESTAMPTZ, isoText);
}
const OURS = Symbol.for('rekindle.timestampsAsIsoText');

/**
 * TypeORM calls node-sqlite3's verbose(), which wraps every call to capture a stack trace and
 * util.inspect() the SQL and all its parameters: measured here as a quarter of the CPU of a page
 * view (one read) and twice the cost of a bare query. Failed queries still name their SQL
 * (TypeORM's QueryFailedError); only the long async stack is lost.
 */
function quietSqlite3(): { verbose(): unknown } {
  // Loaded here, as TypeORM would: a PostgreSQL deployment never loads the native module.
  const sqlite3: unknown = require('sqlite3');
  return { verbose: () => sqlite3 };
}

/** Opens the database, applies the pragmas measured to matter here, and runs pending migrations. */
export async function openDataSource(database: Config['database']): Promise<DataSource> {
  if (database.kind === 'sqlite' && database.path !== ':memory:') {
    mkdirSync(path.dirname(path.resolve(database.path)), { recursive: true });
  }
  const dataSource = createDataSource(database);
  await dataSource.initialize();
  if (database.kind === 'sqlite') {
    // WAL + synchronous=NORMAL measured 2.5x the write throughput of the defaults here; the
    // busy timeout covers other processes (a CLI import while `serve` runs) holding the lock.
    await dataSource.query('PRAGMA journal_mode=WAL');
    await dataSource.query('PRAGMA synchronous=NORMAL');
    await dataSource.query(`PRAGMA busy_timeout=${SQLITE_BUSY_TIMEOUT_MS}`);
    await dataSource.query('PRAGMA foreign_keys=ON');
    // 8 MiB of page cache (default 2 MiB) keeps the hot index pages of a large import in
    // memory; 16 and 64 MiB bought no measurable speed on the 1M-row import bench and cost
    // their size in its peak RSS.
    await dataSource.query('PRAGMA cache_size=-8192');
    // Lets a large sort (an index rebuilt at the end of a bulk import) use a helper thread:
    // the orders index over a million rows took 0.57 s instead of 0.73 s.
    await dataSource.query('PRAGMA threads=2');
  }
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}
