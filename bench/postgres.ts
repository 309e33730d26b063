/**
 * The PostgreSQL benches' databases: each phase gets a fresh one on the server BENCH_POSTGRES_URL
 * names (a superuser's URL, default the test server's), and CPU is read for both sides of the
 * wire: this process, and the server backends serving a database (from /proc, so Linux only).
 */
import { readFileSync } from 'node:fs';
import { Client } from 'pg';

export const BENCH_POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://rekindle:rekindle@127.0.0.1/rekindle_test';

async function admin<T = unknown>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: BENCH_POSTGRES_URL });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Drops and creates database `name` (letters, digits, underscores), as a copy of `template` if given; its URL. */
export async function freshDatabase(name: string, template?: string): Promise<string> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`not a database name: ${name}`);
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  const url = new URL(BENCH_POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(name: string): Promise<void> {
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/** User + system CPU seconds of process `pid` so far; 0 if it is gone or /proc is not there. */
export function processCpuSeconds(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces, so split after its closing paren).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** The server processes serving database `name` now (connections open to it). */
export async function backendPids(name: string): Promise<number[]> {
  const rows = await admin<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
  return rows.map((r) => Number(r.pid));
}
