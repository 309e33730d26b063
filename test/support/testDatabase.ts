/**
 * Each test's database on the engine the run is for (testEngine.js): a SQLite file in the test's
 * temp directory, or a fresh PostgreSQL database of its own, named for the jest worker, process
 * and test, dropped when the test disposes of it (or, failing that, when its file is done:
 * testEnvironment.js). Also reads and writes straight to such a database, for checking what a
 * CLI child left behind, in the product's dialect (src/db/sqlDialect.ts).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { Client, types } from 'pg';
import sqlite3 from 'sqlite3';
import type { DataSource } from 'typeorm';
import type { Database } from '../../src/db/database';
import { openDataSource, readTimestampsAsIsoText } from '../../src/db/dataSource';
import { migrations } from '../../src/db/migrations';
import { dialectOf, SqlDialect } from '../../src/db/sqlDialect';
import { PROJECT_ROOT } from '../../src/config';
import { dropPostgresDatabase, freshPostgresDatabase, POSTGRES_URL } from './postgresDatabase';

// From the project's test/support, not beside this file: compiled into dist/ (a child process of
// a test, a bench), this module has no testEngine.js beside it, which tsc does not copy.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { testEngine } = require(path.join(PROJECT_ROOT, 'test', 'support', 'testEngine.js')) as { testEngine: () => 'sqlite' | 'postgres' };

export const TEST_ENGINE = testEngine();

/** Names of the PostgreSQL databases this test file made and has not dropped (testEnvironment.js drops the rest). */
const made = (): Set<string> => ((globalThis as { __rekindleTestDatabases?: Set<string> }).__rekindleTestDatabases ??= new Set());
let counter = 0;
const nextName = (): string => `rekindle_t${process.env.JEST_WORKER_ID ?? 0}_${process.pid}_${++counter}`;

/**
 * A database URL for one test: `sqlite:DIR/FILE`, or a fresh PostgreSQL database's, already
 * migrated unless `migrated` is false (a copy of a migrated template: a third of the time of
 * running the migrations in each test's database).
 */
export async function testDatabaseUrl(dir: string, file = 'rekindle.sqlite', { migrated = true } = {}): Promise<string> {
  if (TEST_ENGINE === 'sqlite') return `sqlite:${path.join(dir, file)}`;
  const name = nextName();
  const url = await freshPostgresDatabase(name, migrated ? await migratedTemplate() : undefined);
  made().add(name);
  return url;
}

let template: Promise<string> | undefined;

/**
 * A database with every migration applied, named for the migrations so a new one makes a new
 * template; made once per server (under an advisory lock: several jest workers ask at once) and
 * kept, as CREATE DATABASE copies it for each test.
 */
function migratedTemplate(): Promise<string> {
  const names = migrations.map((m) => m.name).join(',');
  const name = `rekindle_template_${createHash('sha256').update(names).digest('hex').slice(0, 12)}`;
  return (template ??= (async () => {
    const admin = new Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    try {
      await admin.query('SELECT pg_advisory_lock(7301)');
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (!rowCount) {
        const building = await freshPostgresDatabase(`${name}_building`);
        const dataSource = await openDataSource({ kind: 'postgres', url: building });
        await dataSource.destroy();
        await admin.query(`ALTER DATABASE ${name}_building RENAME TO ${name}`);
      }
    } finally {
      await admin.query('SELECT pg_advisory_unlock(7301)').catch(() => undefined);
      await admin.end();
    }
    return name;
  })());
}

/**
 * The same for a test that builds its environment synchronously (a CLI test's `freshShop()`):
 * the PostgreSQL database is made by a short child process.
 */
export function testDatabaseUrlSync(dir: string, file = 'rekindle.sqlite'): string {
  if (TEST_ENGINE === 'sqlite') return `sqlite:${path.join(dir, file)}`;
  const name = nextName();
  const script = `const { Client } = require(${JSON.stringify(require.resolve('pg'))});
    const client = new Client({ connectionString: process.env.REKINDLE_TEST_POSTGRES_URL });
    client.connect().then(() => client.query('DROP DATABASE IF EXISTS ${name} WITH (FORCE)')).then(() => client.query('CREATE DATABASE ${name}'))
      .then(() => client.end(), (error) => { console.error(error.message); process.exit(1); });`;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
  if (child.status !== 0) throw new Error(`could not create PostgreSQL database ${name}: ${child.stderr}`);
  made().add(name);
  return urlOf(name);
}

/** Drops the PostgreSQL database testDatabaseUrl made (a SQLite file goes with its directory). */
export async function dropTestDatabase(url: string): Promise<void> {
  if (!isPostgres(url)) return;
  const name = new URL(url).pathname.slice(1);
  if (made().delete(name)) await dropPostgresDatabase(name);
}

function urlOf(name: string): string {
  const url = new URL(POSTGRES_URL as string);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The DATABASE_URL that reaches the same database as `services` (for the built CLI to work on it). */
export function databaseUrlOf(services: { config: { database: { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string } } }): string {
  const { database } = services.config;
  return database.kind === 'postgres' ? database.url : `sqlite:${database.path}`;
}

const isPostgres = (url: string): boolean => /^postgres(ql)?:/.test(url);

/** The product's SQL dialect for a DATABASE_URL, for tests writing their own SQL. */
export function dialectFor(url: string): SqlDialect {
  return dialectOf({ options: { type: isPostgres(url) ? 'postgres' : 'sqlite' } } as DataSource);
}

// Timestamps come back as the product reads them, ISO texts, even where this process has no services.
readTimestampsAsIsoText();

/** COUNT(*) and ids are bigint on PostgreSQL, which pg hands back as strings; the tests compare numbers. */
const testTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === types.builtins.INT8 ? (value: string) => Number(value) : types.getTypeParser(oid, format as 'text'),
};

/** Rows from the database `url` names, on a connection of its own (read-only on SQLite unless `write`). */
export async function queryDatabase<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = [], write = false): Promise<T[]> {
  if (isPostgres(url)) {
    const client = new Client({ connectionString: url, types: testTypes });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }
  const db = new sqlite3.Database(url.slice('sqlite:'.length), write ? sqlite3.OPEN_READWRITE : sqlite3.OPEN_READONLY);
  return new Promise((resolve, reject) => db.all(sql, params, (error, rows) => db.close(() => (error ? reject(error) : resolve(rows as T[])))));
}

/** The names of the product's tables (migrations' bookkeeping included), on either engine. */
export async function tableNames(db: Database): Promise<string[]> {
  const sql = db.dialect.kind === 'postgres'
    ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
    : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
  return (await db.reader.query(sql)).map((r: { name: string }) => r.name);
}

/** The column names of `table`, on either engine. */
export async function columnNames(db: Database, table: string): Promise<string[]> {
  const rows: { name: string }[] = db.dialect.kind === 'postgres'
    ? await db.reader.query("SELECT column_name AS name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1", [table])
    : await db.reader.query('SELECT name FROM pragma_table_info(?1)', [table]);
  return rows.map((r) => r.name);
}

/**
 * The environment for a CLI run "as the README says", with no DATABASE_URL: nothing on SQLite
 * (the product's default, ./data/rekindle.sqlite in the working folder), a database of the test's
 * own on PostgreSQL.
 */
export function defaultDatabaseEnv(dir: string): Record<string, string> {
  return TEST_ENGINE === 'sqlite' ? {} : { DATABASE_URL: testDatabaseUrlSync(dir) };
}
