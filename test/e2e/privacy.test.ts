/**
 * Privacy and accountability through the built CLI and the HTTP API, on one shop: every act is
 * in `rekindle audit` with who did it (the OS user, or the API key), newest first; `customer
 * export` prints what is held; `customer forget` needs --yes; the API routes are owners' only.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { parseSettings } from '../../src/config';
import { Services, wire } from '../../src/wiring';
import { rekindle } from '../support/cli';
import { listen } from '../support/http';
import { lapsedCustomers, openShop, Shop, TWO_STEPS } from '../support/campaignShop';

const T0 = '2025-06-02T08:00:00Z';

describe('rekindle customer export|forget and audit', () => {
  let shop: Shop;
  const run = (...args: string[]) => rekindle(args, shop.env);
  const me = `cli:${os.userInfo().username}`;
  let keys: { owner: { id: string; key: string }; marketer: { id: string; key: string } };

  beforeAll(async () => {
    shop = await openShop({ customers: lapsedCustomers(4), campaigns: { 'two-steps': TWO_STEPS } });
    await shop.release();
  });
  afterAll(() => shop?.dispose());

  it('audits imports, launches, run changes and keys, with the OS user, newest first', () => {
    const file = path.join(shop.dir, 'more.csv');
    writeFileSync(file, 'order_id,email,first_name,ordered_at,amount,currency\nA1,ann@example.com,Ann,2024-01-05T10:00:00Z,30.00,EUR\nA2,ann@example.com,Ann,2024-03-05T10:00:00Z,12.50,EUR\n');
    expect(run('import', 'orders', file, '--json').status).toBe(0);
    expect(run('import', 'orders', file, '--dry-run', '--json').status).toBe(0);
    keys = { owner: run('keys', 'create', '--role', 'owner', '--json').json(), marketer: run('keys', 'create', '--role', 'marketer', '--json').json() };
    const launched = run('campaign', 'launch', 'two-steps', '--now', T0, '--json').json();
    for (const action of ['pause', 'resume', 'cancel']) expect(run('campaign', action, 'two-steps', '--now', T0).status).toBe(0);
    expect(run('campaign', 'pause', 'two-steps').status).toBe(1); // refused: nothing happened, nothing audited
    expect(run('keys', 'revoke', keys.marketer.id).status).toBe(0);

    const entries = run('audit', '--json').json();
    expect(entries.map((e: any) => [e.actor, e.action, e.subject])).toEqual([
      [me, 'key-revoke', `key ${keys.marketer.id}`],
      [me, 'cancel', `run ${launched.runId}`],
      [me, 'resume', `run ${launched.runId}`],
      [me, 'pause', `run ${launched.runId}`],
      [me, 'launch', `run ${launched.runId}`],
      [me, 'key-create', `key ${keys.marketer.id}`],
      [me, 'key-create', `key ${keys.owner.id}`],
      [me, 'import', file],
    ]);
    expect(entries[4].detail).toMatchObject({ campaign: 'two-steps', audience: launched.audience });
    expect(entries[7].detail).toMatchObject({ source: 'csv:generic', rows: 2 });
    const text = run('audit', '--limit', '2');
    expect(text.stdout.trim().split('\n')).toEqual([expect.stringContaining(`${me}  key-revoke`), expect.stringContaining(`${me}  cancel`)]);
    expect(run('audit', '--limit', '0').status).toBe(1);
  });

  it('exports everything held about a person as JSON, and refuses an address not held', () => {
    const exported = run('customer', 'export', 'Ann@Example.com', '--json');
    expect(exported.status).toBe(0);
    const doc = exported.json();
    expect(doc.email).toBe('ann@example.com');
    expect(doc.customers[0].customer).toMatchObject({ email: 'ann@example.com', firstName: 'Ann' });
    expect(doc.customers[0].orders.map((o: any) => [o.orderId, o.amountMinor])).toEqual([['A1', 3000], ['A2', 1250]]);
    const missing = run('customer', 'export', 'nobody@example.com');
    expect([missing.status, missing.stderr]).toEqual([1, 'rekindle: nothing is held about nobody@example.com\n']);
    expect(run('customer', 'export', 'not-an-address').stderr).toBe('rekindle: EMAIL: "not-an-address" is not an email address like maria@example.com\n');
  });

  it('forgets only with --yes, and keeps the figures', () => {
    const refused = run('customer', 'forget', 'ann@example.com');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('--yes');
    expect(run('customer', 'export', 'ann@example.com', '--json').json().customers).toHaveLength(1);
    const before = run('stats', '--json').json();
    const forgot = run('customer', 'forget', 'ann@example.com', '--yes', '--json').json();
    expect(forgot).toMatchObject({ email: 'ann@example.com', customerIds: [expect.any(Number)], erased: { customers: 1, orders: 2 } });
    expect(run('stats', '--json').json()).toEqual(before);
    expect(run('customer', 'export', 'ann@example.com', '--json').json().customers).toEqual([]);
    const [exportAfter, forget, exportBefore] = run('audit', '--json').json();
    expect([exportAfter.action, forget.action, exportBefore.action, forget.actor]).toEqual(['export', 'forget', 'export', me]);
    expect([forget.subject, exportAfter.subject]).toEqual([`customer ${forgot.customerIds[0]}`, 'an address not held']);
  });

  describe('over HTTP', () => {
    let services: Services;
    let server: Awaited<ReturnType<typeof listen>>;
    const call = (method: string, route: string, key: string) => fetch(server.url(route), { method, headers: { authorization: `Bearer ${key}` } });

    beforeAll(async () => {
      services = await wire(parseSettings(shop.env), { logger: pino({ level: 'silent' }) });
      server = await listen(services);
    });
    afterAll(async () => {
      await server?.close();
      await services?.close();
    });

    it('serves export and forget to owners only, and audits them under the key', async () => {
      const marketer = run('keys', 'create', '--role', 'marketer', '--json').json();
      expect((await call('GET', '/api/customers/c1%40example.com/export', marketer.key)).status).toBe(403);
      expect((await call('POST', '/api/customers/c1%40example.com/forget', marketer.key)).status).toBe(403);
      const exported = await call('GET', '/api/customers/c1%40example.com/export', keys.owner.key);
      expect(exported.status).toBe(200);
      expect(((await exported.json()) as any).customers[0].customer.email).toBe('c1@example.com');
      const forgot = await call('POST', '/api/customers/c1%40example.com/forget', keys.owner.key);
      expect([forgot.status, ((await forgot.json()) as any).erased.customers]).toEqual([200, 1]);
      expect((await call('GET', '/api/customers/nobody%40example.com/export', keys.owner.key)).status).toBe(404);
      const [latest, previous] = run('audit', '--json').json();
      expect([latest.actor, latest.action, previous.actor, previous.action]).toEqual([`api:${keys.owner.id}`, 'forget', `api:${keys.owner.id}`, 'export']);
    });
  });
});
