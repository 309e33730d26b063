/**
 * Soak (issue 15): `rekindle serve`, the built CLI as a shop runs it, for two minutes under 50
 * concurrent clients on loopback, while one of its campaigns dispatches into an SMTP server.
 *
 * Each client plays customers of an earlier campaign, one at a time and each from their own
 * address (as behind a proxy: the app trusts X-Forwarded-For from loopback), never faster than a
 * person clicks: the welcome-back page (again and again), "Show my code", the shop's checkout
 * validating and redeeming that code through the API, or the unsubscribe page and its button.
 *
 * Guarantees, counted after `serve` has stopped:
 * - no answer is a 5xx, none fails on the wire, none is turned away by a rate limit;
 * - no event is lost: every page view answered 200 is a `landing` event, every code shown is one
 *   row of `codes`, every redemption the checkout was told of is one `redeem` event, every
 *   unsubscribe confirmed is one `unsubscribe` event and one suppression;
 * - the campaign dispatching meanwhile sends every one of its emails exactly once (the rest
 *   after the stop, by `rekindle dispatch`), and nothing to a customer who unsubscribed first;
 * - the server's memory does not grow: over the second half (the kept pages have filled by then),
 *   the least-squares trend of what survives a full garbage collection (heap and buffers, sampled
 *   inside the server by test/support/memorySampler.js) is under MAX_GROWTH_MB_PER_MIN; its
 *   resident size is printed beside it and must stay under MAX_RSS_MB.
 * p50/p99 per kind of request are printed. SOAK_SECONDS shortens the run for a quick local try.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { linkInEmail } from '../../../src/demo/outboxLinks';
import { codeOn, formTo, formsOf } from '../../../src/demo/pageForms';
import { CLI, rekindle } from '../../support/cli';
import { queryShop, runRekindle } from '../../support/campaignCli';
import { lapsedCustomers, openShop, Shop, step, winback } from '../../support/campaignShop';
import { SmtpSink, startSmtpSink } from '../../support/smtpSink';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 120);
const CLIENTS = 50;
const CUSTOMERS = 1500;
/** A person clicks at most this often; also keeps each address well inside the public rate limits. */
const MIN_GAP_MS = 250;
const MEASURED_FROM = 0.5;
const MAX_GROWTH_MB_PER_MIN = 6;
const MAX_RSS_MB = 700;
const LAUNCH = '2025-06-02T08:00:00Z';
const SERVE_AT = '2025-06-02T08:10:00Z';

type Kind = 'landing' | 'redeem' | 'validate' | 'checkout' | 'unsubscribe page' | 'unsubscribe';

interface Customer {
  index: number;
  address: string;
  landing: string;
  unsubscribe: string;
  stage: 'new' | 'viewed' | 'has code' | 'validated' | 'done';
  code: string | null;
  busy: boolean;
  nextAt: number;
}

class Tally {
  readonly latencies = new Map<Kind, number[]>();
  readonly statuses = new Map<string, number>();
  readonly failures: string[] = [];
  views = 0;
  readonly codes = new Set<string>();
  readonly redeemedAtCheckout = new Set<string>();
  readonly unsubscribed = new Set<number>();

  record(kind: Kind, status: number, ms: number): void {
    const key = `${kind} ${status}`;
    this.statuses.set(key, (this.statuses.get(key) ?? 0) + 1);
    const list = this.latencies.get(kind) ?? [];
    list.push(ms);
    this.latencies.set(kind, list);
  }

  percentiles(): Record<string, { count: number; p50: number; p99: number }> {
    const pick = (sorted: number[], q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] * 10) / 10;
    const all = [...this.latencies.values()].flat();
    return Object.fromEntries([...this.latencies.entries(), ['all', all] as const].map(([kind, list]) => {
      const sorted = [...list].sort((a, b) => a - b);
      return [kind, { count: sorted.length, p50: pick(sorted, 0.5), p99: pick(sorted, 0.99) }];
    }));
  }
}

/** One customer's next step, as a person would take it; every unexpected answer is a failure. */
async function act(base: string, key: string, c: Customer, tally: Tally, order: () => number): Promise<void> {
  const call = async (kind: Kind, path: string, init: RequestInit = {}, expected = 200): Promise<{ status: number; text: string; location: string | null }> => {
    const started = performance.now();
    let status = 0;
    let text = '';
    let location: string | null = null;
    try {
      const res = await fetch(base + path, { redirect: 'manual', ...init, headers: { 'x-forwarded-for': c.address, ...(init.headers as Record<string, string>) } });
      text = await res.text();
      status = res.status;
      location = res.headers.get('location');
    } catch (error) {
      tally.failures.push(`${kind} ${path.slice(0, 3)}…: ${(error as Error).message}`);
    }
    tally.record(kind, status, performance.now() - started);
    if (status !== expected) tally.failures.push(`${kind}: ${status}, expected ${expected}: ${text.slice(0, 200)}`);
    return { status, text, location };
  };
  const form = (fields: Record<string, string>): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  const api = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) });
  const view = async (path: string) => {
    const page = await call('landing', path);
    if (page.status === 200) tally.views++;
    return page.text;
  };

  if (c.stage === 'new') {
    await view(c.landing);
    c.stage = 'viewed';
  } else if (c.stage === 'viewed' && c.index % 10 === 3) {
    const page = await call('unsubscribe page', c.unsubscribe);
    const button = formTo(page.text, '/u/');
    if ((await call('unsubscribe', button.action, form(button.fields))).status === 200) tally.unsubscribed.add(c.index);
    c.stage = 'done';
  } else if (c.stage === 'viewed') {
    const redeem = formsOf(await view(c.landing)).find((f) => f.action.startsWith('/r/'));
    if (!redeem) return void (c.stage = 'done');
    const posted = await call('redeem', redeem.action, form(redeem.fields), 303);
    const code = codeOn(await view((posted.location ?? '').split('#')[0]));
    if (!code) return void tally.failures.push(`customer ${c.index}: no code on the page after redeeming`);
    tally.codes.add(code);
    c.code = code;
    c.stage = 'has code';
  } else if (c.stage === 'has code') {
    const valid = await call('validate', '/api/codes/validate', api({ code: c.code, orderTotal: '42.50', currency: 'EUR' }));
    if (valid.status === 200 && !JSON.parse(valid.text).valid) tally.failures.push(`customer ${c.index}: code not valid: ${valid.text}`);
    c.stage = 'validated';
  } else if (c.stage === 'validated') {
    const redeemed = await call('checkout', '/api/codes/redeem', api({ code: c.code, orderId: `soak-${order()}`, orderTotal: '42.50', currency: 'EUR' }));
    if (redeemed.status === 200) tally.redeemedAtCheckout.add(c.code as string);
    c.stage = 'done';
  } else {
    await view(c.landing);
  }
}

/** Least-squares slope of (seconds, MB) samples, in MB per minute. */
function trendPerMinute(samples: { at: number; mb: number }[]): number {
  const n = samples.length;
  const mx = samples.reduce((s, p) => s + p.at, 0) / n;
  const my = samples.reduce((s, p) => s + p.mb, 0) / n;
  const cov = samples.reduce((s, p) => s + (p.at - mx) * (p.mb - my), 0);
  const varx = samples.reduce((s, p) => s + (p.at - mx) ** 2, 0);
  return (cov / varx) * 60;
}

interface MemorySample {
  at: number;
  liveMb: number;
  rssMb: number;
}

const memorySamples = (file: string): MemorySample[] => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as MemorySample) : []);

describe('soak: serve under 50 clients while a campaign dispatches', () => {
  let shop: Shop;
  let sink: SmtpSink;
  afterAll(async () => {
    await shop?.dispose();
    await sink?.close();
  });

  it(`keeps every event, answers no 5xx and does not grow for ${SECONDS} s`, async () => {
    sink = await startSmtpSink();
    shop = await openShop({
      customers: lapsedCustomers(CUSTOMERS),
      campaigns: { 'soak-hello': winback([step('1-we-miss-you'), step('4-should-we-stop', '7d')]) },
      settings: { SMTP_URL: sink.url(), API_RATE_LIMIT_PER_KEY: '1000000', API_RATE_LIMIT_PER_ADDRESS: '1000000' },
    });
    await shop.release();
    const env = shop.env;
    // The customers the clients play: the shipped win-back's first emails, sent before the soak.
    expect(rekindle(['campaign', 'launch', 'nostalgia-winback', '--now', LAUNCH], env).status).toBe(0);
    expect((await runRekindle(['dispatch', '--now', '2025-06-02T08:01:00Z'], env)).status).toBe(0);
    const played: Customer[] = sink.received.map((m, index) => {
      const raw = m.raw.toString('latin1');
      return {
        index, address: `10.${index >> 16}.${(index >> 8) & 255}.${index & 255}`,
        landing: linkInEmail(raw, 'landing') as string, unsubscribe: linkInEmail(raw, 'unsubscribe') as string,
        stage: 'new', code: null, busy: false, nextAt: 0,
      };
    });
    expect(played.length).toBeGreaterThan(CUSTOMERS * 0.8);
    expect(played.every((c) => c.landing && c.unsubscribe)).toBe(true);
    const firstEmails = sink.received.length;

    // The campaign dispatching during the soak, paced by the provider limit to last about as long.
    expect(rekindle(['campaign', 'launch', 'soak-hello', '--now', '2025-06-02T08:05:00Z'], env).status).toBe(0);
    const samplesFile = path.join(shop.dir, 'memory.jsonl');
    const key: string = rekindle(['keys', 'create', '--role', 'checkout', '--json'], env).json().key;
    const server = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--now', SERVE_AT], {
      env: {
        PATH: process.env.PATH ?? '', ...env, LOG_LEVEL: 'warn',
        NODE_OPTIONS: `--expose-gc --require ${path.resolve(__dirname, '../../support/memorySampler.js')}`, REKINDLE_MEMORY_SAMPLES: samplesFile, SMTP_RATE_LIMIT: String(Math.ceil(CUSTOMERS / SECONDS)) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    server.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
    const base = await new Promise<string>((resolve, reject) => {
      server.stdout.on('data', (d: Buffer) => {
        const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(d.toString())?.[1];
        if (port) resolve(`http://127.0.0.1:${port}`);
      });
      server.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
    });

    const tally = new Tally();
    const end = Date.now() + SECONDS * 1000;
    let orders = 0;
    const client = async (seed: number) => {
      let cursor = seed * 7919;
      while (Date.now() < end) {
        const now = Date.now();
        let customer: Customer | undefined;
        for (let tries = 0; tries < 20 && !customer; tries++) {
          cursor = (cursor * 1103515245 + 12345) % 2147483648;
          const c = played[cursor % played.length];
          if (!c.busy && c.nextAt <= now) customer = c;
        }
        if (!customer) {
          await delay(10);
          continue;
        }
        customer.busy = true;
        try {
          await act(base, key, customer, tally, () => ++orders);
        } finally {
          customer.busy = false;
          customer.nextAt = Date.now() + MIN_GAP_MS;
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i + 1)));
    const sentDuringSoak = sink.received.length - firstEmails;
    server.kill('SIGTERM');
    expect(await exited).toBe(0);

    const latency = tally.percentiles();
    const memory = memorySamples(samplesFile);
    const measured = memory.filter((s) => s.at >= SECONDS * MEASURED_FROM);
    const trend = trendPerMinute(measured.map((s) => ({ at: s.at, mb: s.liveMb })));
    const rssTrend = trendPerMinute(measured.map((s) => ({ at: s.at, mb: s.rssMb })));
    console.log(JSON.stringify({
      soak: { seconds: SECONDS, clients: CLIENTS, requests: latency.all.count, requestsPerSecond: Math.round(latency.all.count / SECONDS), emailsSentMeanwhile: sentDuringSoak },
      latencyMs: latency,
      statuses: Object.fromEntries(tally.statuses),
      memoryMb: {
        live: { first: memory[0]?.liveMb, last: memory.at(-1)?.liveMb, secondHalfTrendPerMinute: Math.round(trend * 10) / 10 },
        resident: { first: memory[0]?.rssMb, peak: Math.max(...memory.map((s) => s.rssMb)), last: memory.at(-1)?.rssMb, secondHalfTrendPerMinute: Math.round(rssTrend * 10) / 10 },
      },
    }, null, 1));

    // Nothing refused, failed or lost on the wire.
    expect(tally.failures.slice(0, 5)).toEqual([]);
    expect([...tally.statuses.keys()].filter((k) => !/ (200|303)$/.test(k))).toEqual([]);
    expect(latency.all.count).toBeGreaterThan(SECONDS * 100);
    expect(sentDuringSoak).toBeGreaterThan(0);

    // No event lost or doubled.
    const count = async (sql: string) => Number((await queryShop<{ n: number }>(shop, sql))[0].n);
    expect(await count("SELECT COUNT(*) AS n FROM events WHERE type = 'landing'")).toBe(tally.views);
    expect(await count('SELECT COUNT(*) AS n FROM codes')).toBe(tally.codes.size);
    expect(await count("SELECT COUNT(*) AS n FROM events WHERE type = 'redeem'")).toBe(tally.redeemedAtCheckout.size);
    expect(await count("SELECT COUNT(*) AS n FROM events WHERE type = 'unsubscribe'")).toBe(tally.unsubscribed.size);
    expect(await count('SELECT COUNT(*) AS n FROM suppressions')).toBe(tally.unsubscribed.size);
    expect(tally.codes.size).toBeGreaterThan(100);
    expect(tally.redeemedAtCheckout.size).toBeGreaterThan(50);
    expect(tally.unsubscribed.size).toBeGreaterThan(10);

    // The campaign that dispatched meanwhile: finished, every email once, none after an unsubscribe.
    expect((await runRekindle(['dispatch', '--now', '2025-06-02T09:00:00Z'], env)).status).toBe(0);
    const sends = await queryShop<{ id: number; status: string }>(shop, "SELECT s.id, s.status FROM sends s JOIN campaign_runs r ON r.id = s.run_id WHERE r.campaign = 'soak-hello' AND s.step = 1");
    const perSend = new Map<number, number>();
    for (const m of sink.received.slice(firstEmails)) {
      const id = Number(/Message-ID: <send-(\d+)\./i.exec(m.raw.toString('latin1'))?.[1]);
      perSend.set(id, (perSend.get(id) ?? 0) + 1);
    }
    expect([...perSend.values()].every((n) => n === 1)).toBe(true);
    expect(sends.filter((s) => s.status === 'sent').map((s) => s.id).sort((a, b) => a - b)).toEqual([...perSend.keys()].sort((a, b) => a - b));
    expect(sends.filter((s) => s.status !== 'sent').length).toBeLessThanOrEqual(tally.unsubscribed.size);

    // Memory: flat once the kept pages have filled.
    expect(measured.length).toBeGreaterThanOrEqual(SECONDS / 5);
    expect(trend).toBeLessThan(MAX_GROWTH_MB_PER_MIN);
    expect(Math.max(...memory.map((s) => s.rssMb))).toBeLessThan(MAX_RSS_MB);
  }, (SECONDS + 180) * 1000);
});
