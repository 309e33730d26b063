/**
 * A PostgreSQL database of a test's own, beside REKINDLE_TEST_POSTGRES_URL's (which names a
 * server and a database to connect to for this): suites running at once never share one.
 */
import { Client } from 'pg';

export const POSTGRES_URL = process.env.REKINDLE_TEST_POSTGRES_URL;

/** Runs `sql` on REKINDLE_TEST_POSTGRES_URL's own database (creating, dropping or steering the tests' ones). */
export async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Drops and creates database `name` (letters, digits, underscores), as a copy of `template` if given; its URL. */
export async function freshPostgresDatabase(name: string, template?: string): Promise<string> {
  if (!POSTGRES_URL) throw new Error('REKINDLE_TEST_POSTGRES_URL is not set');
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`not a database name: ${name}`);
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropPostgresDatabase(name: string): Promise<void> {
  if (POSTGRES_URL) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/** A fresh, empty database `name`: its URL, and `drop` to remove it. */
export async function ownPostgresDatabase(name: string): Promise<{ url: string; drop: () => Promise<void> }> {
  return { url: await freshPostgresDatabase(name), drop: () => dropPostgresDatabase(name) };
}
