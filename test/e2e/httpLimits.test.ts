import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { shopStats } from '../../src/db/stats';
import { listen, postJson } from '../support/http';
import { testServices, TestServices } from '../support/services';

const order = (i: number) => ({ orderId: `lim-${i}`, email: `b${i}@example.com`, orderedAt: '2025-11-02T10:15:00+01:00', amount: '19.90', currency: 'EUR' });
/** A few KB of gzip that inflate to megabytes: the amplification an attacker would send. */
const bomb = () => gzipSync(Buffer.from(JSON.stringify(Array(60_000).fill(order(1)))));

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/**
 * Sends the headers and only the first `sent` bytes of a body that claims `declared` bytes, then
 * waits: an answer can only come from a server that decided without reading the body.
 */
function partialPost(url: string, headers: Record<string, string>, declared: number, sent: Buffer, timeoutMs = 3000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, 'content-length': String(declared) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      });
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms: the server is waiting for the body`));
    }, timeoutMs);
    req.on('error', () => undefined);
    req.write(sent);
  });
}

async function post(url: string, body: Buffer | string, headers: Record<string, string>): Promise<Answer> {
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.json() };
}

describe('the API decides before it reads a body', () => {
  let s: TestServices;
  let http: Awaited<ReturnType<typeof listen>>;
  let marketer: string;
  let checkout: string;
  beforeAll(async () => {
    s = await testServices({ SHOPIFY_WEBHOOK_SECRET: 'shpss_limits' });
    http = await listen(s);
    marketer = (await s.apiKeys.create('marketer')).key;
    checkout = (await s.apiKeys.create('checkout')).key;
  });
  afterAll(async () => {
    await http.close();
    await s.dispose();
  });

  it.each(['/api/orders', '/api/codes/redeem'])('%s: 401 without a key while the body is still on its way', async (path) => {
    const answer = await partialPost(http.url(path), { 'content-type': 'application/json' }, 3_000_000, Buffer.from('[{"orderId":"x"'));
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('unauthorized');
    // Not kept alive to drain megabytes nobody will read.
    expect(answer.headers.connection).toBe('close');
  });

  it('401 for a gzip bomb without a key: never inflated', async () => {
    const body = bomb();
    expect(body.length).toBeLessThan(30_000);
    const answer = await partialPost(http.url('/api/orders'), { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body.length, body.subarray(0, 1000));
    expect(answer.status).toBe(401);
  });

  it('415 for a compressed body even with a valid key; nothing stored', async () => {
    const json = { 'content-type': 'application/json', 'content-encoding': 'gzip' };
    const orders = await post(http.url('/api/orders'), gzipSync(JSON.stringify(order(1))), { ...json, authorization: `Bearer ${marketer}` });
    expect(orders).toMatchObject({ status: 415, body: { error: { code: 'unsupported_encoding' } } });
    const redeem = await post(http.url('/api/codes/validate'), gzipSync('{"code":"X"}'), { ...json, authorization: `Bearer ${checkout}` });
    expect(redeem.status).toBe(415);
    expect((await shopStats(s.db)).orders).toBe(0);
  });

  it('415 for a compressed webhook, before its signature is checked over inflated bytes', async () => {
    const raw = gzipSync(JSON.stringify({ id: 1 }));
    const signature = createHmac('sha256', 'shpss_limits').update(raw).digest('base64');
    const answer = await post(http.url('/webhooks/shopify/orders'), raw, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-shopify-hmac-sha256': signature });
    expect(answer).toMatchObject({ status: 415, body: { error: { code: 'unsupported_encoding' } } });
  });

  it('413 for a body over the limit, with a key', async () => {
    const answer = await partialPost(http.url('/api/orders'), { 'content-type': 'application/json', authorization: `Bearer ${marketer}` }, 6_000_000, Buffer.from('['));
    expect(answer).toMatchObject({ status: 413, body: { error: { code: 'too_large' } } });
  });
});

describe('rate limits on /api and the webhook', () => {
  let s: TestServices;
  let http: Awaited<ReturnType<typeof listen>>;
  beforeEach(async () => {
    s = await testServices({ SHOPIFY_WEBHOOK_SECRET: 'shpss_limits', API_RATE_LIMIT_PER_KEY: '3', API_RATE_LIMIT_PER_ADDRESS: '8' });
    http = await listen(s);
  });
  afterEach(async () => {
    await http.close();
    await s.dispose();
  });

  it('429 with Retry-After once a key has used its requests; another key still works', async () => {
    const first = (await s.apiKeys.create('marketer')).key;
    const second = (await s.apiKeys.create('marketer')).key;
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await postJson(http.url('/api/orders'), order(i), { authorization: `Bearer ${first}` })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await fetch(http.url('/api/orders'), { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${first}` }, body: JSON.stringify(order(9)) });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as any).error.code).toBe('rate_limited');
    expect((await postJson(http.url('/api/orders'), order(5), { authorization: `Bearer ${second}` })).status).toBe(200);
  });

  it('429 per address for requests without a key, and for the webhook', async () => {
    const statuses = [];
    for (let i = 0; i < 9; i++) statuses.push((await postJson(http.url('/api/orders'), order(i))).status);
    expect(statuses).toEqual([...Array(8).fill(401), 429]);
    const hooks = [];
    for (let i = 0; i < 9; i++) hooks.push((await postJson(http.url('/webhooks/shopify/orders'), { id: i })).status);
    expect(hooks).toEqual([...Array(8).fill(401), 429]);
  });
});
