/**
 * `campaign status` shows the sends claimed and not yet settled, per worker, with since when and
 * until when the worker's lease holds, in text and JSON.
 */
import { runStatus } from '../../../src/campaigns/runControl';
import { SendStore } from '../../../src/campaigns/sendStore';
import { rekindle } from '../../support/cli';
import { lapsedCustomers, openShop, Shop, step, winback } from '../../support/campaignShop';

describe('claimed sends in campaign status', () => {
  let shop: Shop;
  afterEach(() => shop?.dispose());

  it('lists them per worker with the oldest claim and the latest lease, in text and JSON', async () => {
    shop = await openShop({ customers: lapsedCustomers(6), campaigns: { 'one-step': winback([step('1-we-miss-you')]) } });
    const { runId } = await shop.services.campaigns().launch('one-step', {});
    const store = new SendStore(shop.services.db);
    const ids = (await shop.sends(runId)).map((s) => s.id);
    const at = (minute: number) => new Date(Date.parse('2025-06-02T08:00:00.000Z') + minute * 60_000);
    await store.claim(ids.slice(0, 2), '111-aaaa', at(1), 120_000);
    await store.claim(ids.slice(2, 3), '111-aaaa', at(2), 120_000);
    await store.claim(ids.slice(3, 4), '222-bbbb', at(3), 60_000);
    expect((await runStatus(shop.services.db, String(runId))).claimed).toEqual([
      { worker: '111-aaaa', sends: 3, since: '2025-06-02T08:01:00.000Z', leaseUntil: '2025-06-02T08:04:00.000Z' },
      { worker: '222-bbbb', sends: 1, since: '2025-06-02T08:03:00.000Z', leaseUntil: '2025-06-02T08:04:00.000Z' },
    ]);
    await shop.release();
    const text = rekindle(['campaign', 'status', String(runId)], shop.env);
    expect(text.stdout).toContain('claimed, not yet settled: 3 by worker 111-aaaa since 2025-06-02T08:01:00.000Z, lease until 2025-06-02T08:04:00.000Z');
    const json = rekindle(['campaign', 'status', String(runId), '--json'], shop.env).json();
    expect(json.claimed).toHaveLength(2);
    expect(json.steps[0]).toMatchObject({ due: 6, sent: 0 }); // the existing keys, unchanged
  });

  it('is empty when nothing is claimed', async () => {
    shop = await openShop({ customers: lapsedCustomers(2), campaigns: { 'one-step': winback([step('1-we-miss-you')]) } });
    const { runId } = await shop.services.campaigns().launch('one-step', {});
    expect((await runStatus(shop.services.db, String(runId))).claimed).toEqual([]);
  });
});
