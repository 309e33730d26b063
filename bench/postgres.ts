/**
 * The PostgreSQL benches' databases: each phase gets a fresh one on the server BENCH_POSTGRES_URL
 * names (a superuser's URL, default the test server's), and CPU is read for both sides of the
 * wire: this process, and the server backends serving a database (from /proc, so Linux only).
 */
import { readFileSync } from 'node:fs';
import { dropDatabaseOn, freshDatabaseOn, queryOn } from '../test/support/postgresDatabase';

export const BENCH_POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://rekindle:rekindle@127.0.0.1/rekindle_test';

/** Drops and creates database `name` on the bench server, as a copy of `template` if given; its URL. */
export const freshDatabase = (name: string, template?: string): Promise<string> => freshDatabaseOn(BENCH_POSTGRES_URL, name, template);

export const dropDatabase = (name: string): Promise<void> => dropDatabaseOn(BENCH_POSTGRES_URL, name);

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
  const rows = await queryOn<{ pid: number }>(BENCH_POSTGRES_URL, 'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
  return rows.map((r) => Number(r.pid));
}
