/**
 * A PostgreSQL database of a test's own, beside REKINDLE_TEST_POSTGRES_URL's (which names a
 * server and a database to connect to for this): suites running at once never share one. The
 * `...On` forms take the server's URL, for the benches, which name theirs in BENCH_POSTGRES_URL.
 */
import { Client } from 'pg';

export const POSTGRES_URL = process.env.REKINDLE_TEST_POSTGRES_URL;

/** Runs `sql` on the database `serverUrl` names, on a connection of its own; its rows. */
export async function queryOn<T = unknown>(serverUrl: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Drops and creates database `name` (letters, digits, underscores) on `serverUrl`'s server, as a copy of `template` if given; its URL. */
export async function freshDatabaseOn(serverUrl: string, name: string, template?: string): Promise<string> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`not a database name: ${name}`);
  await queryOn(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await queryOn(serverUrl, `CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabaseOn(serverUrl: string, name: string): Promise<void> {
  await queryOn(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/** Runs `sql` on REKINDLE_TEST_POSTGRES_URL's own database (creating, dropping or steering the tests' ones). */
export async function admin(sql: string): Promise<void> {
  await queryOn(POSTGRES_URL as string, sql);
}

/** Drops and creates database `name` on the test server, as a copy of `template` if given; its URL. */
export async function freshPostgresDatabase(name: string, template?: string): Promise<string> {
  if (!POSTGRES_URL) throw new Error('REKINDLE_TEST_POSTGRES_URL is not set');
  return freshDatabaseOn(POSTGRES_URL, name, template);
}

export async function dropPostgresDatabase(name: string): Promise<void> {
  if (POSTGRES_URL) await dropDatabaseOn(POSTGRES_URL, name);
}

/** A fresh, empty database `name`: its URL, and `drop` to remove it. */
export async function ownPostgresDatabase(name: string): Promise<{ url: string; drop: () => Promise<void> }> {
  return { url: await freshPostgresDatabase(name), drop: () => dropPostgresDatabase(name) };
}
