/**
 * `rekindle report RUN|CAMPAIGN [--json|--csv]` through the built CLI, and
 * `GET /api/runs/:id/report` over real HTTP, on a shop with a launched run and a late order.
 */
import { importOrders } from '../../src/import/importer';
import { rekindle } from '../support/cli';
import { DAY_MS, LAUNCH_AT, lapsedCustomers, openShop, Shop, step, winback } from '../support/campaignShop';
import { listen } from '../support/http';

describe('the owner\'s report', () => {
  let shop: Shop;
  let runId: number;
  let keys: Record<'owner' | 'marketer' | 'checkout', string>;
  const now = new Date(Date.parse(LAUNCH_AT) + 5 * DAY_MS).toISOString();

  beforeAll(async () => {
    shop = await openShop({
      customers: lapsedCustomers(30),
      campaigns: { measured: winback([step('1-we-miss-you')], { holdout: 0.3 }) },
    });
    runId = (await shop.services.campaigns().launch('measured', {})).runId;
    await shop.dispatch();
    const [buyer] = await shop.services.db.reader.query('SELECT c.email FROM enrolments e JOIN customers c ON c.id = e.customer_id WHERE e.run_id = $1 AND NOT e.holdout LIMIT 1', [runId]);
    await importOrders(shop.services.db, [{
      orderId: 'late-1', customer: { email: buyer.email }, orderedAt: new Date(Date.parse(LAUNCH_AT) + 2 * DAY_MS).toISOString(), orderedDay: '2025-06-04',
      currency: 'EUR', amountMinor: 4250, refundedMinor: 0, status: 'kept', items: ['Kenya AA'], line: 2,
    }], { source: 'test', file: 'late.csv', now: shop.clock.now });
    shop.clock.set(now);
    keys = {
      owner: (await shop.services.apiKeys.create('owner')).key,
      marketer: (await shop.services.apiKeys.create('marketer')).key,
      checkout: (await shop.services.apiKeys.create('checkout')).key,
    };
  });
  afterAll(async () => {
    await shop?.dispose();
  });

  describe('over HTTP', () => {
    let http: Awaited<ReturnType<typeof listen>>;
    beforeAll(async () => {
      http = await listen(shop.services);
    });
    afterAll(() => http.close());
    const get = async (path: string, key?: string) => {
      const response = await fetch(http.url(path), { headers: key ? { authorization: `Bearer ${key}` } : {} });
      return { status: response.status, type: response.headers.get('content-type') ?? '', body: await response.text() };
    };

    it('answers owners and marketers with the report as JSON', async () => {
      for (const key of [keys.owner, keys.marketer]) {
        const r = await get(`/api/runs/${runId}/report`, key);
        expect(r.status).toBe(200);
        const report = JSON.parse(r.body);
        expect(report).toMatchObject({ runId, campaign: 'measured', reactivated: { treated: 1, holdout: 0 }, revenue: '42.50', window: { open: true } });
        expect(report.steps).toHaveLength(1);
      }
    });

    it('gives CSV on ?format=csv', async () => {
      const r = await get(`/api/runs/${runId}/report?format=csv`, keys.owner);
      expect(r.status).toBe(200);
      expect(r.type).toMatch(/^text\/csv/);
      expect(r.body.split('\n')[2]).toMatch(new RegExp(`^${runId},measured,total,`));
    });

    it('401 without a key, 403 for a checkout key, 404 for an unknown run', async () => {
      expect((await get(`/api/runs/${runId}/report`)).status).toBe(401);
      expect((await get(`/api/runs/${runId}/report`, keys.checkout)).status).toBe(403);
      const missing = await get('/api/runs/999/report', keys.owner);
      expect(missing.status).toBe(404);
      expect(JSON.parse(missing.body)).toEqual({ error: { code: 'not_found', message: expect.stringContaining('no run "999"') } });
    });
  });

  describe('through the CLI', () => {
    beforeAll(() => shop.release());
    const cli = (...args: string[]) => rekindle(['report', ...args, '--now', now], shop.env);

    it('--json prints one JSON document, by campaign name or run id', () => {
      const byName = cli('measured', '--json');
      expect(byName.status).toBe(0);
      expect(byName.json()).toMatchObject({ runId, campaign: 'measured', revenue: '42.50', currency: 'EUR' });
      expect(cli(String(runId), '--json').json().runId).toBe(runId);
    });

    it('--csv prints a row per step and a total row', () => {
      const r = cli('measured', '--csv');
      expect(r.status).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(/^run_id,campaign,row,step,template,/);
    });

    it('prints words for people, caveats included', () => {
      const r = cli('measured');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^measured, run \d+:/);
      expect(r.stdout).toContain('came back: 1 of');
      expect(r.stdout).toContain('preliminary: the attribution window is open until');
    });

    it('exits 1 with one line for an unknown run, 2 for --json with --csv', () => {
      const unknown = cli('nope', '--json');
      expect(unknown.status).toBe(1);
      expect(unknown.stdout).toBe('');
      expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
      expect(unknown.stderr).toMatch(/no run "nope"/);
      expect(cli('measured', '--json', '--csv').status).toBe(2);
    });
  });
});
