/**
 * Two launches of one campaign at the same moment (two console tabs, a console click and a CLI
 * run): one run is made and the other launch is refused, on either engine. On PostgreSQL both
 * transactions would count no run under READ COMMITTED and both insert one, so a launch must see
 * the others' (src/campaigns/launch.ts states the isolation it needs).
 */
import { ConflictError } from '../../../src/domain/errors';
import { lapsedCustomers, openShop, Shop, TWO_STEPS } from '../../support/campaignShop';

describe('launching one campaign twice at once', () => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await openShop({ customers: lapsedCustomers(6), campaigns: { 'two-steps': TWO_STEPS } });
  });
  afterAll(() => shop?.dispose());

  it('makes one run and refuses the other launch, and each run id names its own run', async () => {
    const outcomes = await Promise.allSettled(Array.from({ length: 4 }, () => shop.services.campaigns().launch('two-steps', {})));
    const launched = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.runId] : []));
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
    expect(launched).toHaveLength(1);
    expect(refused.map((e) => [e instanceof ConflictError, String(e.message)])).toEqual(
      Array(3).fill([true, 'campaign "two-steps" was launched already; pass --new-run to launch it again for a new run']),
    );
    const runs = await shop.services.db.reader.query("SELECT id FROM campaign_runs WHERE campaign = 'two-steps'");
    expect(runs.map((r: { id: number }) => Number(r.id))).toEqual(launched);
  });

  it('numbers concurrent --new-run launches each with its own run', async () => {
    const runIds = await Promise.all(Array.from({ length: 3 }, () => shop.services.campaigns().launch('two-steps', { newRun: true }).then((r) => r.runId)));
    expect(new Set(runIds).size).toBe(3);
    const enrolled: { run_id: number; n: number }[] = await shop.services.db.reader.query('SELECT run_id, CAST(COUNT(*) AS INTEGER) AS n FROM enrolments GROUP BY run_id ORDER BY run_id');
    expect(enrolled.map((r) => Number(r.n))).toEqual([6, 6, 6, 6]);
  });
});
