import pino from 'pino';
import { shopStats } from '../../src/db/stats';
import { listen, postJson } from '../support/http';
import { testServices, TestServices } from '../support/services';

const order = (i: number) => ({
  orderId: `api-${i}`,
  email: `buyer${i % 50}@example.com`,
  orderedAt: '2025-11-02T10:15:00+01:00',
  amount: '19.90',
  currency: 'EUR',
  items: ['Filter papers'],
});

describe('the JSON API over real HTTP', () => {
  let s: TestServices;
  let http: Awaited<ReturnType<typeof listen>>;
  let marketer: string;
  let checkout: string;
  let owner: string;

  beforeAll(async () => {
    s = await testServices();
    http = await listen(s);
    marketer = (await s.apiKeys.create('marketer')).key;
    checkout = (await s.apiKeys.create('checkout')).key;
    owner = (await s.apiKeys.create('owner')).key;
  });
  afterAll(async () => {
    await http.close();
    await s.dispose();
  });

  it('answers the health check', async () => {
    const response = await fetch(http.url('/healthz'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('401 without a valid key, 403 for the wrong role, one error shape', async () => {
    expect(await postJson(http.url('/api/orders'), order(1))).toEqual({
      status: 401, body: { error: { code: 'unauthorized', message: expect.stringContaining('Authorization: Bearer') } },
    });
    const forged = marketer.slice(0, -4) + 'AAAA';
    expect((await postJson(http.url('/api/orders'), order(1), { authorization: `Bearer ${forged}` })).status).toBe(401);
    expect(await postJson(http.url('/api/orders'), order(1), { authorization: `Bearer ${checkout}` })).toEqual({
      status: 403, body: { error: { code: 'forbidden', message: expect.stringContaining('role marketer') } },
    });
    expect((await postJson(http.url('/api/orders'), order(1), { authorization: `Bearer ${owner}` })).status).toBe(200);
  });

  it('a revoked key stops working at once', async () => {
    const key = await s.apiKeys.create('marketer');
    expect(await s.apiKeys.revoke(key.id)).toBe(true);
    expect((await postJson(http.url('/api/orders'), order(2), { authorization: `Bearer ${key.key}` })).status).toBe(401);
  });

  it('names the bad field and stores nothing from a bad batch', async () => {
    const before = await shopStats(s.db);
    const bad = await postJson(http.url('/api/orders'), [order(900), { ...order(901), amount: '12,50' }], { authorization: `Bearer ${marketer}` });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_input', field: expect.stringContaining('amount') });
    expect(bad.body.error.message).toContain('use a dot');
    expect(await shopStats(s.db)).toEqual(before);
    const notJson = await fetch(http.url('/api/orders'), { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${marketer}` }, body: '{"orderId":' });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as any).error.code).toBe('invalid_json');
  });

  it('200 concurrent writes over HTTP are all saved, with no errors', async () => {
    const before = (await shopStats(s.db)).orders;
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) => postJson(http.url('/api/orders'), order(1000 + i), { authorization: `Bearer ${marketer}` })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(200).fill(200));
    expect((await shopStats(s.db)).orders).toBe(before + 200);
    const again = await postJson(http.url('/api/orders'), order(1000), { authorization: `Bearer ${marketer}` });
    expect(again.body.orders).toEqual({ inserted: 0, updated: 0, unchanged: 1 });
  });
});

describe('request logs', () => {
  it('name the route, never the email or customer id in the path, nor the query string', async () => {
    const lines: string[] = [];
    const s = await testServices();
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const http = await listen({ ...s, logger });
    const key = (await s.apiKeys.create('marketer')).key;
    for (const path of ['/api/customers/jonas.weber%40example.org/advice?asOf=2025-01-01', '/api/customers/7001/advice', '/api/customers/jonas.weber@example.org/advice']) {
      await fetch(http.url(path), { headers: { authorization: `Bearer ${key}` } });
      await fetch(http.url(path));
    }
    await http.close();
    await s.dispose();
    const logged = lines.join('');
    expect(lines.length).toBeGreaterThanOrEqual(6);
    expect(logged).toContain('/api/customers/:id/advice');
    for (const secret of ['jonas', 'example.org', '7001', 'asOf', '2025-01-01']) expect(logged).not.toContain(secret);
  });
});
