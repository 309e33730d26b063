/**
 * Issue 3's target: import a 1,000,000-row generic orders CSV (about 250,000 customers) into a
 * fresh SQLite database at >= 100,000 rows/s end to end with peak RSS <= 300 MB; re-import (all
 * unchanged) at least as fast. The ceiling is a bare csv-parse loop over the same file.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { parse } from 'csv-parse';
import pino from 'pino';
import { parseSettings } from '../src/config';
import { importOrdersFile } from '../src/import/fileImport';
import { wire } from '../src/wiring';
import { fmt, peakRssMb, phase, report } from './support';

const ROWS = 1_000_000;
const CUSTOMERS = 250_000;

/** Deterministic xorshift so every run imports the same file. */
function prng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x / 2 ** 32;
  };
}

async function generate(file: string): Promise<void> {
  const out = createWriteStream(file);
  const random = prng(42);
  out.write('order_id,customer_id,email,ordered_at,amount,currency,first_name,items\n');
  const start = Date.parse('2023-01-01T00:00:00Z');
  for (let i = 0; i < ROWS; i++) {
    const customer = Math.floor(random() * CUSTOMERS);
    const at = new Date(start + Math.floor(random() * 3 * 365 * 86400) * 1000).toISOString().replace('.000Z', '+01:00');
    const amount = (5 + random() * 120).toFixed(2);
    const line = `B${i},C${customer},c${customer}@example.com,${at},${amount},EUR,Kim,"Beans, dark|Mug"\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function bareParse(file: string) {
  const started = process.hrtime.bigint();
  let rows = 0;
  // The options src/import/csvSource.ts gives csv-parse, over the same bytes: what parsing alone costs.
  const parser = createReadStream(file, { highWaterMark: 1 << 20 }).pipe(
    parse({ bom: true, record_delimiter: ['\r\n', '\n'], relax_column_count: true, max_record_size: 1024 * 1024, skip_records_with_error: true }),
  );
  for await (const _ of parser) rows++;
  rows--; // the header
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { rows, seconds, rss: peakRssMb() };
}

async function importOnce(file: string, dbFile: string) {
  const config = parseSettings({ DATABASE_URL: `sqlite:${dbFile}`, SHOP_CURRENCY: 'EUR', SHOP_TIMEZONE: 'Europe/Berlin' });
  const started = process.hrtime.bigint();
  const services = await wire(config, { logger: pino({ level: 'silent' }) });
  const summary = await importOrdersFile(file, 'generic', { db: services.db, clock: services.clock, shop: config.shop });
  await services.close();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { rows: summary.rows, orders: summary.orders, customers: summary.customers, seconds, rss: peakRssMb() };
}

async function main(): Promise<void> {
  const [mode, file, dbFile] = process.argv.slice(2);
  if (mode === 'parse') return void console.log(JSON.stringify(await bareParse(file)));
  if (mode === 'import') return void console.log(JSON.stringify(await importOnce(file, dbFile)));

  const dir = mkdtempSync(path.join(os.tmpdir(), 'rekindle-bench-import-'));
  try {
    const csv = path.join(dir, 'orders.csv');
    const db = path.join(dir, 'bench.sqlite');
    await generate(csv);
    const ceiling = phase<{ rows: number; seconds: number; rss: number }>(__filename, ['parse', csv]);
    type Run = { rows: number; seconds: number; rss: number; orders: Record<string, number>; customers: Record<string, number> };
    const first = phase<Run>(__filename, ['import', csv, db]);
    const again = phase<Run>(__filename, ['import', csv, db]);
    const rate = (r: { rows: number; seconds: number }) => r.rows / r.seconds;
    const pass = rate(first) >= 100_000 && first.rss <= 300 && rate(again) >= 100_000 && again.rss <= 300 && first.orders.inserted === ROWS && again.orders.unchanged === ROWS;
    report('import', pass, [
      '## Import: 1,000,000-row generic orders CSV into a fresh SQLite file',
      '',
      `File: ${fmt(ROWS)} rows, ${fmt(first.customers.inserted)} customers, ${(statSync(csv).size / 2 ** 20).toFixed(0)} MiB. Each phase runs in its own process; times include opening the database and running migrations.`,
      '',
      '| phase | rows/s | seconds | peak RSS | target |',
      '|---|---:|---:|---:|---|',
      `| bare csv-parse loop (ceiling) | ${fmt(rate(ceiling))} | ${ceiling.seconds.toFixed(2)} | ${ceiling.rss} MB | — |`,
      `| first import (${fmt(first.orders.inserted)} inserted) | ${fmt(rate(first))} | ${first.seconds.toFixed(2)} | ${first.rss} MB | ≥ 100,000 rows/s, ≤ 300 MB |`,
      `| re-import (${fmt(again.orders.unchanged)} unchanged) | ${fmt(rate(again))} | ${again.seconds.toFixed(2)} | ${again.rss} MB | ≥ 100,000 rows/s, ≤ 300 MB |`,
      '',
      `Import / ceiling: ${(rate(first) / rate(ceiling)).toFixed(2)} (first), ${(rate(again) / rate(ceiling)).toFixed(2)} (re-import).`,
      '',
      `Load average when the run ended: ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores (other work on the machine slows every phase, the ceiling included).`,
    ].join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
