/**
 * Issue 15's PostgreSQL import target: the 1,000,000-row generic orders CSV of the SQLite import
 * bench (about 250,000 customers) into a fresh PostgreSQL database at >= 150,000 rows/s end to
 * end (opening the database and its migrations included, as in the SQLite bench). CPU is shown
 * for both sides: this process (its reader thread included) and the server backends.
 *
 * Phases, each in its own process: the first import into a fresh database, then the same file
 * again (every order unchanged). BENCH_IMPORT_ROWS makes a smaller file for trying things out.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { parseSettings } from '../src/config';
import { importOrdersFile } from '../src/import/fileImport';
import type { OrderImportSummary } from '../src/import/importer';
import { wire } from '../src/wiring';
import { writeOrdersCsv } from './ordersCsv';
import { backendPids, dropDatabase, freshDatabase, processCpuSeconds } from './postgres';
import { fmt, peakRssMb, phase, report } from './support';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000);
const CUSTOMERS = Math.round(ROWS / 4);
const TARGET = 150_000;
const DATABASE = 'rekindle_bench_import';

interface Run {
  rows: number;
  orders: OrderImportSummary['orders'];
  customers: OrderImportSummary['customers'];
  seconds: number;
  cpu: number;
  serverCpu: number;
  rss: number;
}

async function importOnce(file: string, url: string): Promise<Run> {
  const config = parseSettings({ DATABASE_URL: url, SHOP_CURRENCY: 'EUR', SHOP_TIMEZONE: 'Europe/Berlin' });
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const services = await wire(config, { logger: pino({ level: 'silent' }) });
  // The database the URL names: a phase run by hand may point at another one.
  const database = new URL(url).pathname.slice(1);
  const before = new Map((await backendPids(database)).map((pid) => [pid, processCpuSeconds(pid)]));
  const summary = await importOrdersFile(file, 'generic', { db: services.db, clock: services.clock, shop: config.shop });
  const serverCpu = (await backendPids(database)).reduce((sum, pid) => sum + processCpuSeconds(pid) - (before.get(pid) ?? 0), 0);
  await services.close();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  return { rows: summary.rows, orders: summary.orders, customers: summary.customers, seconds, cpu: (used.user + used.system) / 1e6, serverCpu, rss: peakRssMb() };
}

async function main(): Promise<void> {
  const [mode, file, url] = process.argv.slice(2);
  if (mode === 'import') return void console.log(JSON.stringify(await importOnce(file, url)));

  const dir = mkdtempSync(path.join(os.tmpdir(), 'rekindle-bench-import-pg-'));
  try {
    const csv = path.join(dir, 'orders.csv');
    await writeOrdersCsv(csv, ROWS, CUSTOMERS);
    const url = await freshDatabase(DATABASE);
    const first = phase<Run>(__filename, ['import', csv, url]);
    process.stderr.write(`first: ${JSON.stringify(first)}\n`);
    const again = phase<Run>(__filename, ['import', csv, url]);
    process.stderr.write(`again: ${JSON.stringify(again)}\n`);
    const rate = (r: Run) => r.rows / r.seconds;
    const pass = rate(first) >= TARGET && first.orders.inserted === ROWS && again.orders.unchanged === ROWS;
    const row = (label: string, r: Run, target: string) =>
      `| ${label} | ${fmt(rate(r))} | ${r.seconds.toFixed(2)} | ${r.cpu.toFixed(1)} | ${r.serverCpu.toFixed(1)} | ${r.rss} MB | ${target} |`;
    report('importPostgres', pass, [
      '## Import into PostgreSQL: 1,000,000-row generic orders CSV',
      '',
      `File: ${fmt(ROWS)} rows, ${fmt(first.customers.inserted)} customers, ${(statSync(csv).size / 2 ** 20).toFixed(0)} MiB (the SQLite import bench's file), through \`importOrdersFile\` as \`rekindle import orders\` runs it, into a fresh database on a local PostgreSQL${process.env.BENCH_POSTGRES_URL ? ' (BENCH_POSTGRES_URL)' : ''}. Times include opening the database and running migrations. CPU: this process (its reader thread included), and the server backends of the import.`,
      '',
      '| phase | rows/s | seconds | CPU s, import process | CPU s, PostgreSQL | peak RSS | target |',
      '|---|---:|---:|---:|---:|---:|---|',
      row(`first import (${fmt(first.orders.inserted)} inserted)`, first, `≥ ${fmt(TARGET)} rows/s`),
      row(`re-import (${fmt(again.orders.unchanged)} unchanged)`, again, '—'),
      '',
      `Load average when the run ended: ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores (PostgreSQL and the import share them with anything else running).`,
    ].join('\n'));
  } finally {
    await dropDatabase(DATABASE);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
