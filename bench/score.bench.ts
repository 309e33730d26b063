/**
 * Issue 4's scoring targets on 1,000,000 synthetic customers drawn from known BG/NBD and
 * Gamma-Gamma parameters (the same shop as fit.bench.ts): score everyone — P(alive), expected
 * purchases and spend, CLV as is / if won back, value of winning back, budget and offer — in
 * <= 5 s excluding database writes; write all the scores into a fresh SQLite file through the
 * real storage code in <= 10 s more; peak RSS <= 1 GB.
 *
 * A second phase, in its own process, puts ~3 million orders for the same customers into the
 * orders table and runs the commands as a shop would: `fit` (reading the orders) and `score`
 * (reading, scoring, storing), to show the purchase log streams within the memory target too.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { parseSettings } from '../src/config';
import { Money } from '../src/domain/money';
import { CustomerSummary } from '../src/domain/rfm';
import { decisionThreads } from '../src/scoring/decisionWorker';
import { defaultLadder } from '../src/scoring/defaultLadder';
import { fitModels } from '../src/scoring/fitService';
import { saveModel } from '../src/scoring/modelStore';
import { storeScores } from '../src/scoring/scoreStore';
import { scoreCustomers } from '../src/scoring/scoreService';
import { scoreTable } from '../src/scoring/scoreTable';
import { budgetPolicy } from '../src/scoring/settings';
import { Services, wire } from '../src/wiring';
import { fitBgNbd } from '../src/domain/bgnbdFit';
import { fitGammaGamma } from '../src/domain/gammaGamma';
import { logCovariance, purchaseVector, spendVector } from '../src/domain/parameterDraws';
import { syntheticShop } from './fit.bench';
import { VARIED_BGNBD } from './syntheticShop';
import { fmt, peakRssMb, phase, report } from './support';

const CUSTOMERS = 1_000_000;
const SEED = 20250105;
const TRUE_MODEL = { bgnbd: { r: 0.25, alpha: 4, a: 0.8, b: 2.5 }, gammaGamma: { p: 6, q: 4, gamma: 15 } };
/** The synthetic shop's last day: its three years end here. */
const END = '2025-12-31';
const END_DAY = Date.UTC(2025, 11, 31) / 86_400_000;

const seconds = (since: bigint): number => Number(process.hrtime.bigint() - since) / 1e9;

function summaryOf(customers: number, bgnbd = TRUE_MODEL.bgnbd): CustomerSummary {
  const shop = syntheticShop(customers, SEED, bgnbd);
  const firstDay = Int32Array.from(shop.T, (T) => END_DAY - Math.round(T * 7));
  const customer = Int32Array.from({ length: customers }, (_, i) => i);
  return { unit: 'week', calibrationEnd: END, length: customers, customer, firstDay, x: shop.x, tx: shop.tx, T: shop.T, monetary: shop.monetary };
}

async function openShop(dbFile: string): Promise<Services> {
  const config = parseSettings({ DATABASE_URL: `sqlite:${dbFile}`, SHOP_CURRENCY: 'USD', SHOP_TIMEZONE: 'UTC' });
  return wire(config, { logger: pino({ level: 'silent' }), clock: () => new Date('2026-01-01T08:00:00Z') });
}

/** Rows through multi-row INSERTs in one transaction; only setting up, never timed. */
async function insertRows(s: Services, table: string, columns: string[], rows: Iterable<unknown[]>): Promise<void> {
  const perStatement = Math.floor(s.db.dialect.maxParams / columns.length);
  const sql = (count: number) => `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${s.db.dialect.rows(count, columns.length)}`;
  await s.db.write(async (tx) => {
    let batch: unknown[] = [];
    for (const row of rows) {
      batch.push(...row);
      if (batch.length === perStatement * columns.length) {
        await tx.query(sql(perStatement), batch);
        batch = [];
      }
    }
    if (batch.length > 0) await tx.query(sql(batch.length / columns.length), batch);
  });
}

function* customerRows(count: number): Iterable<unknown[]> {
  for (let id = 1; id <= count; id++) yield [id, String(id), `c${id}@example.com`, 'unknown', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'];
}

/** Phase 1: score and store a synthetic summary, as `score` does after reading the orders. */
async function scoreAndStore(dbFile: string) {
  const summary = summaryOf(CUSTOMERS);
  const s = await openShop(dbFile);
  const policy = budgetPolicy(s.config);
  const ladder = defaultLadder('USD', new Money(s.config.value.cac));
  const options = { unit: 'week' as const, horizon: 52, months: 12, discountRate: 0.01, margin: s.config.value.margin };
  const logCustomerIds = Int32Array.from({ length: CUSTOMERS }, (_, i) => i + 1);
  // The intervals need the parameters' covariance: from fits to this shop, as `fit` stores it.
  const bgnbdFit = fitBgNbd(summary);
  const spendFit = fitGammaGamma(summary);
  const covariances = {
    purchase: logCovariance(purchaseVector(bgnbdFit.params), bgnbdFit.uncertainty.covariance) as number[][],
    spend: logCovariance(spendVector(spendFit.params), spendFit.uncertainty.covariance) as number[][],
  };
  let started = process.hrtime.bigint();
  const table = await scoreTable({ summary, logCustomerIds, model: TRUE_MODEL, options, policy, ladder, harms: new Map() });
  const scoreSeconds = seconds(started);
  started = process.hrtime.bigint();
  const withIntervals = await scoreTable({ summary, logCustomerIds, model: TRUE_MODEL, options, policy, ladder, harms: new Map(), covariances });
  const intervalSeconds = seconds(started);
  await insertRows(s, 'customers', ['id', 'external_id', 'email', 'consent', 'created_at', 'updated_at'], customerRows(CUSTOMERS));
  const model = await saveModel(s.db, {
    fittedAt: '2026-01-01T00:00:00.000Z', calibrationEnd: END, timeUnit: 'week', currency: 'USD', warnings: [], customers: CUSTOMERS, repeatCustomers: 0, dataFrom: null,
    bgnbd: { ...TRUE_MODEL.bgnbd, logLikelihood: 0, converged: true, hitBound: false, iterations: 0, starts: 0, agreeingStarts: 0, customers: CUSTOMERS },
    gammaGamma: { ...TRUE_MODEL.gammaGamma, logLikelihood: 0, converged: true, hitBound: false, iterations: 0, starts: 0, agreeingStarts: 0, customers: CUSTOMERS },
  });
  started = process.hrtime.bigint();
  await storeScores(s.db, table, { modelVersion: model.version, asOf: END, scoredAt: '2026-01-01T00:00:00.000Z' });
  const storeSeconds = seconds(started);
  started = process.hrtime.bigint();
  await storeScores(s.db, withIntervals, { modelVersion: model.version, asOf: '2025-12-30', scoredAt: '2026-01-01T00:00:00.000Z' });
  const storeIntervalSeconds = seconds(started);
  const [{ stored }] = await s.db.reader.query(`SELECT COUNT(*) AS stored FROM customer_scores WHERE as_of = '${END}'`);
  const offers = table.offer.reduce((n, offer) => n + (offer === -1 ? 0 : 1), 0);
  await s.close();
  const threads = decisionThreads();
  return { scoreSeconds, intervalSeconds, storeSeconds, storeIntervalSeconds, stored: Number(stored), offers, patterns: table.scores.patterns, threads, load: os.loadavg()[0], rss: peakRssMb() };
}

/** Orders that give each synthetic customer their summary: first day, repeats up to t_x. */
function* orderRows(summary: CustomerSummary): Iterable<unknown[]> {
  let state = 7;
  const random = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const day = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10);
  for (let i = 0; i < summary.length; i++) {
    const first = summary.firstDay[i];
    const last = first + Math.round(summary.tx[i] * 7);
    const cents = Math.round(summary.monetary[i] * 100);
    for (let k = 0; k <= summary.x[i]; k++) {
      const d = k === 0 ? first : k === summary.x[i] ? last : first + 1 + Math.floor(random() * Math.max(1, last - first - 1));
      const at = `${day(d)}T10:00:00.000Z`;
      yield [`o${i}-${k}`, i + 1, at, day(d), 'USD', k === 0 ? 2500 : cents, 0, 'kept', '[]'];
    }
  }
}

/** Phase 2: the orders table holds the shop; `fit` and `score` read it as a user runs them. */
async function fromOrders(dbFile: string) {
  const summary = summaryOf(CUSTOMERS);
  const s = await openShop(dbFile);
  const columns = ['order_id', 'customer_id', 'ordered_at', 'ordered_day', 'currency', 'amount_minor', 'refunded_minor', 'status', 'items'];
  await insertRows(s, 'orders', columns, orderRows(summary));
  const [{ orders }] = await s.db.reader.query('SELECT COUNT(*) AS orders FROM orders');
  global.gc?.();
  const setupRss = peakRssMb();
  let started = process.hrtime.bigint();
  const fit = await fitModels(s, { calibrationEnd: END });
  const fitSeconds = seconds(started);
  started = process.hrtime.bigint();
  const run = await scoreCustomers(s);
  const scoreSeconds = seconds(started);
  await s.close();
  return { orders: Number(orders), customers: run.table.length, fitSeconds, scoreSeconds, setupRss, rss: peakRssMb(), r: fit.bgnbd.r };
}

/** A varied shop (VARIED_BGNBD) of `customers` in the orders table, fitted: what `score` reads. */
async function buildVariedShop(dbFile: string, customers: number) {
  const summary = summaryOf(customers, VARIED_BGNBD);
  const s = await openShop(dbFile);
  await insertRows(s, 'customers', ['id', 'external_id', 'email', 'consent', 'created_at', 'updated_at'], customerRows(customers));
  const columns = ['order_id', 'customer_id', 'ordered_at', 'ordered_day', 'currency', 'amount_minor', 'refunded_minor', 'status', 'items'];
  await insertRows(s, 'orders', columns, orderRows(summary));
  const fit = await fitModels(s, { calibrationEnd: END });
  const [{ orders }] = await s.db.reader.query('SELECT COUNT(*) AS orders FROM orders');
  let repeat = 0;
  for (let i = 0; i < summary.length; i++) if (summary.x[i] > 0) repeat++;
  await s.close();
  return { customers, orders: Number(orders), repeat, r: fit.bgnbd.r };
}

const CLI = path.join(__dirname, '..', 'src', 'cli', 'main.js');

/** Waits for every dirty page to be written back (`sync`), so the next timed run does not pay for the last one's. */
function settle(): void {
  spawnSync('sync');
}

/** `rekindle score` on the shop, as a user runs it; seconds from start to exit. */
function scoreFromCli(dbFile: string, extra: string[]): number {
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, [CLI, 'score', ...extra], {
    encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', DATABASE_URL: `sqlite:${dbFile}`, SHOP_CURRENCY: 'USD', SHOP_TIMEZONE: 'UTC' },
  });
  if (child.status !== 0) throw new Error(`score ${extra.join(' ')} exited ${child.status}: ${child.stderr}`);
  return seconds(started);
}

async function main(): Promise<void> {
  const [mode, dbFile, count] = process.argv.slice(2);
  if (mode === 'varied') return void console.log(JSON.stringify(await buildVariedShop(dbFile, Number(count))));
  if (mode === 'memory') return void console.log(JSON.stringify(await scoreAndStore(dbFile)));
  if (mode === 'orders') return void console.log(JSON.stringify(await fromOrders(dbFile)));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rekindle-bench-score-'));
  // SCORE_BENCH_ONLY=cli: only the varied shop and its command-line runs, printed, not reported.
  if (process.env.SCORE_BENCH_ONLY === 'cli') return void onlyCli(dir);
  try {
    const db = path.join(dir, 'bench.sqlite');
    type Scored = Awaited<ReturnType<typeof scoreAndStore>>;
    type FromOrders = Awaited<ReturnType<typeof fromOrders>>;
    const scored = phase<Scored>(__filename, ['memory', db]);
    settle();
    const shop = phase<FromOrders>(__filename, ['orders', db]);
    // The first two phases leave about a gigabyte of SQLite files: gone, and written back, before
    // the command-line runs are timed, so the kernel's writeback of them is not part of `score`'s time.
    rmSync(db, { force: true });
    rmSync(`${db}-wal`, { force: true });
    rmSync(`${db}-shm`, { force: true });
    const variedDb = path.join(dir, 'varied.sqlite');
    const varied = phase<Awaited<ReturnType<typeof buildVariedShop>>>(__filename, ['varied', variedDb, String(VARIED_CUSTOMERS)]);
    settle();
    const plain = scoreFromCli(variedDb, ['--no-intervals']);
    settle();
    const cli = { plain, intervals: scoreFromCli(variedDb, []), load: os.loadavg()[0] };
    const pass =
      scored.scoreSeconds <= 5 && scored.storeSeconds <= 10 && scored.rss <= 1024 && scored.stored === CUSTOMERS && shop.rss <= 1024 &&
      scored.intervalSeconds + scored.storeIntervalSeconds <= 3 * (scored.scoreSeconds + scored.storeSeconds) &&
      perHundredThousand(cli.plain, varied.customers) <= 1.5 && cli.intervals <= 3 * cli.plain;
    report('score', pass, markdown(scored, shop) + '\n\n' + variedMarkdown(scored, varied, cli));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function onlyCli(dir: string): void {
  try {
    const variedDb = path.join(dir, 'varied.sqlite');
    const varied = phase<Awaited<ReturnType<typeof buildVariedShop>>>(__filename, ['varied', variedDb, String(VARIED_CUSTOMERS)]);
    settle();
    const plain = scoreFromCli(variedDb, ['--no-intervals']);
    settle();
    const intervals = scoreFromCli(variedDb, []);
    const per = (t: number) => Number(perHundredThousand(t, varied.customers).toFixed(2));
    console.log(JSON.stringify({ ...varied, plain, plainPer100k: per(plain), intervals, intervalsPer100k: per(intervals), load: os.loadavg()[0] }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Issue 16's shop of varied histories, scored from the command line. */
const VARIED_CUSTOMERS = 300_000;
const perHundredThousand = (secondsTaken: number, customers: number): number => (secondsTaken * 100_000) / customers;

function variedMarkdown(
  scored: Awaited<ReturnType<typeof scoreAndStore>>,
  varied: Awaited<ReturnType<typeof buildVariedShop>>,
  cli: { plain: number; intervals: number; load: number },
): string {
  const per = (t: number) => perHundredThousand(t, varied.customers).toFixed(2);
  const plainTotal = scored.scoreSeconds + scored.storeSeconds;
  const intervalTotal = scored.intervalSeconds + scored.storeIntervalSeconds;
  return [
    `### Per-customer 90% intervals and a shop of varied histories (issues 14 and 16)`,
    '',
    `The same 1,000,000 customers scored again with intervals (200 parameter draws; covariance from fitting this shop), in the same process:`,
    '',
    '| measure | plain | with intervals | ratio | target |',
    '|---|---|---|---|---|',
    `| score everyone (as above) | ${scored.scoreSeconds.toFixed(2)} s | ${scored.intervalSeconds.toFixed(2)} s | ${(scored.intervalSeconds / scored.scoreSeconds).toFixed(2)}x | |`,
    `| store the scores | ${scored.storeSeconds.toFixed(2)} s | ${scored.storeIntervalSeconds.toFixed(2)} s | | |`,
    `| both | ${plainTotal.toFixed(2)} s | ${intervalTotal.toFixed(2)} s | ${(intervalTotal / plainTotal).toFixed(2)}x | <= 3x |`,
    '',
    `A shop of ${fmt(varied.customers)} customers with varied histories (VARIED_BGNBD: r = 0.9, α = 6, a = 0.7, b = 3; ${fmt(varied.repeat)} bought again; ${fmt(varied.orders)} orders), ` +
      `fitted, then \`rekindle score\` run from the command line (the built CLI: start, read the orders, score, decide, store, exit):`,
    '',
    '| command | seconds | per 100,000 customers | target |',
    '|---|---|---|---|',
    `| \`score --no-intervals\` | ${cli.plain.toFixed(2)} | ${per(cli.plain)} s | <= 1.5 s |`,
    `| \`score\` (with intervals) | ${cli.intervals.toFixed(2)} | ${per(cli.intervals)} s | ${(cli.intervals / cli.plain).toFixed(2)}x the plain run, <= 3x |`,
    '',
    `Load average when the command-line runs ended: ${cli.load.toFixed(1)}.`,
  ].join('\n');
}

function markdown(scored: Awaited<ReturnType<typeof scoreAndStore>>, shop: Awaited<ReturnType<typeof fromOrders>>): string {
  return [
    '## score: budgets and offers for 1,000,000 synthetic customers',
    '',
    `The fit benchmark's shop (r = 0.25, α = 4, a = 0.8, b = 2.5; p = 6, q = 4, γ = 15; three years, weeks), scored with those parameters: ` +
      `${fmt(scored.patterns)} distinct (x, T) pairs; default policy (CAC 30.00 USD, share 0.5, margin 0.4) and the built-in five-rung ladder; ${fmt(scored.offers)} customers get an offer. ` +
      `Budgets and offers (decimal.js) are shared between the main thread and worker threads, ${scored.threads} threads in all here.`,
    '',
    '| measure | measured | target |',
    '|---|---|---|',
    `| score everyone: P(alive), E[Y(52 weeks)], E[M], CLV as is / if won / value of winning back (12 months, d = 1%), budget, offer | ${scored.scoreSeconds.toFixed(2)} s | <= 5 s |`,
    `| store ${fmt(scored.stored)} scores into a fresh SQLite file (one transaction, multi-row upserts) | ${scored.storeSeconds.toFixed(2)} s | <= 10 s |`,
    `| peak RSS of that process | ${scored.rss} MB | <= 1024 MB |`,
    '',
    `Load average when this phase ended: ${scored.load.toFixed(1)} on ${os.availableParallelism()} cores; other work on the machine slows these wall-clock times.`,
    '',
    `The same customers as ${fmt(shop.orders)} orders in the orders table, in a second process, run as a shop would:`,
    '',
    '| command | seconds | note |',
    '|---|---|---|',
    `| \`fit\` (read the orders, summarize, fit both models, store) | ${shop.fitSeconds.toFixed(2)} | r = ${shop.r} |`,
    `| \`score\` (read the orders, score, budget, offer, store ${fmt(shop.customers)} rows) | ${shop.scoreSeconds.toFixed(2)} | |`,
    `| peak RSS, including writing the orders first (${shop.setupRss} MB by then) | ${shop.rss} MB | <= 1024 MB |`,
  ].join('\n');
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
