import { createHmac } from 'node:crypto';
import { shopStats } from '../../src/db/stats';
import { listen } from '../support/http';
import { testServices, TestServices } from '../support/services';

const SECRET = 'shpss_test_secret_for_webhooks';

/** The fields of Shopify's orders/create payload that Rekindle reads, as Shopify sends them. */
const payload = {
  id: 5512345678901,
  name: '#1201',
  email: 'Jonas.Weber@Example.org ',
  created_at: '2025-10-07T09:50:26+02:00',
  currency: 'EUR',
  total_price: '42.90',
  cancelled_at: null,
  buyer_accepts_marketing: true,
  refunds: [],
  line_items: [{ title: 'Kenya AA', name: 'Kenya AA - 250 g' }],
  customer: { id: 7001, email: 'jonas.weber@example.org', first_name: 'Jonas', last_name: 'Weber' },
};

const sign = (body: string, secret = SECRET) => createHmac('sha256', secret).update(body, 'utf8').digest('base64');

async function send(url: string, body: string, signature?: string, extra: Record<string, string> = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-shopify-topic': 'orders/create', ...extra };
  if (signature !== undefined) headers['x-shopify-hmac-sha256'] = signature;
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, body: (await response.json()) as any };
}

describe('POST /webhooks/shopify/orders', () => {
  let s: TestServices;
  let http: Awaited<ReturnType<typeof listen>>;
  beforeEach(async () => {
    s = await testServices({ SHOPIFY_WEBHOOK_SECRET: SECRET });
    http = await listen(s);
  });
  afterEach(async () => {
    await http.close();
    await s.dispose();
  });

  it('stores a correctly signed order once, however often Shopify retries it', async () => {
    const body = JSON.stringify(payload);
    const first = await send(http.url('/webhooks/shopify/orders'), body, sign(body));
    expect(first.status).toBe(200);
    expect(first.body.orders).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
    const retry = await send(http.url('/webhooks/shopify/orders'), body, sign(body));
    expect(retry.body.orders).toEqual({ inserted: 0, updated: 0, unchanged: 1 });
    expect(await shopStats(s.db)).toMatchObject({ customers: 1, orders: 1, netRevenue: { EUR: '42.90' } });
    const [customer] = await s.db.reader.query('SELECT email, first_name, consent FROM customers');
    expect(customer).toEqual({ email: 'jonas.weber@example.org', first_name: 'Jonas', consent: 'yes' });
  });

  it('ignores a replayed delivery and one older than the stored order, answering 200 to both', async () => {
    const url = http.url('/webhooks/shopify/orders');
    const created = JSON.stringify({ ...payload, total_price: '30.00', updated_at: '2025-10-07T09:50:26+02:00' });
    const updated = JSON.stringify({ ...payload, total_price: '1.00', updated_at: '2025-10-08T12:00:00+02:00' });
    expect((await send(url, created, sign(created), { 'x-shopify-webhook-id': 'delivery-1' })).body.orders.inserted).toBe(1);
    expect((await send(url, updated, sign(updated), { 'x-shopify-webhook-id': 'delivery-2', 'x-shopify-topic': 'orders/updated' })).body.orders.updated).toBe(1);
    const replay = await send(url, created, sign(created), { 'x-shopify-webhook-id': 'delivery-1' });
    expect(replay).toEqual({ status: 200, body: { ignored: 'already_processed', webhookId: 'delivery-1' } });
    const late = await send(url, created, sign(created), { 'x-shopify-webhook-id': 'delivery-3' });
    expect(late).toEqual({ status: 200, body: { ignored: 'older_than_stored', webhookId: 'delivery-3' } });
    expect(await shopStats(s.db)).toMatchObject({ orders: 1, netRevenue: { EUR: '1.00' } });
    const [{ n }] = await s.db.reader.query('SELECT CAST(COUNT(*) AS INTEGER) AS n FROM import_batches');
    expect(Number(n)).toBe(2);
  });

  it.each([
    ['unsigned', undefined],
    ['signed with another secret', sign(JSON.stringify(payload), 'not-the-secret')],
    ['a garbage signature', 'bm90LWEtc2lnbmF0dXJl'],
  ])('rejects a body %s with 401 and stores nothing', async (_label, signature) => {
    const body = JSON.stringify(payload);
    const response = await send(http.url('/webhooks/shopify/orders'), body, signature);
    expect(response).toEqual({ status: 401, body: { error: { code: 'invalid_signature', message: expect.any(String) } } });
    expect((await shopStats(s.db)).orders).toBe(0);
  });

  it('rejects a tampered body whose signature was for the original', async () => {
    const original = JSON.stringify(payload);
    const tampered = JSON.stringify({ ...payload, total_price: '0.01' });
    expect((await send(http.url('/webhooks/shopify/orders'), tampered, sign(original))).status).toBe(401);
    expect((await shopStats(s.db)).orders).toBe(0);
  });

  it('says so when no webhook secret is configured', async () => {
    const bare = await testServices();
    const server = await listen(bare);
    const body = JSON.stringify(payload);
    const response = await send(server.url('/webhooks/shopify/orders'), body, sign(body));
    expect(response.status).toBe(503);
    await server.close();
    await bare.dispose();
  });
});
