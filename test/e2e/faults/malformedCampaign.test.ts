/**
 * Fault: a malformed campaign file deployed while a run of it is going. Guarantee: the file is
 * refused wherever it is read (validate, preview, launch), naming the file, and the running run
 * is unaffected: it goes on from the definition frozen at its launch, every customer getting
 * the next step exactly once.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { rekindle } from '../../support/cli';
import { queryShop } from '../../support/campaignCli';
import { DAY_MS, lapsedCustomers, openShop, Shop, TWO_STEPS } from '../../support/campaignShop';

describe('a malformed campaign file deployed during a run', () => {
  let shop: Shop;
  afterAll(async () => shop?.dispose());

  it('is refused, naming the file, and the run goes on unaffected', async () => {
    shop = await openShop({ customers: lapsedCustomers(12), campaigns: { 'two-steps': TWO_STEPS } });
    const { runId, treated } = await shop.services.campaigns().launch('two-steps', {});
    expect((await shop.dispatch()).sent).toBe(treated);
    await shop.release();

    const file = path.join(shop.env.CAMPAIGNS_DIR, 'two-steps.json');
    writeFileSync(file, '{\n  "name": "two-steps",\n  "steps": [\n');
    const run = (...args: string[]) => rekindle(args, shop.env);

    const validate = run('campaign', 'validate', file);
    expect(validate.status).toBe(1);
    expect(validate.stderr).toContain(file);
    for (const args of [['campaign', 'preview', 'two-steps'], ['campaign', 'launch', 'two-steps', '--new-run']]) {
      const refused = run(...args);
      expect({ args, status: refused.status }).toEqual({ args, status: 1 });
      expect(refused.stderr).toContain('two-steps.json');
    }
    expect(await queryShop(shop, 'SELECT id FROM campaign_runs')).toEqual([{ id: runId }]);

    // A week on, step 2 is due: the run sends it from its frozen definition, once to each.
    const week = new Date(shop.clock.now().getTime() + 7 * DAY_MS + 60_000).toISOString();
    const dispatched = run('dispatch', '--now', week, '--json');
    expect(dispatched.stderr).toBe('');
    expect(dispatched.json()).toMatchObject({ sent: treated, paused: [] });
    expect(run('dispatch', '--now', week, '--json').json()).toMatchObject({ sent: 0 });
    const steps = await queryShop<{ step: number; status: string; n: number }>(shop, 'SELECT step, status, CAST(COUNT(*) AS INTEGER) AS n FROM sends GROUP BY step, status ORDER BY step');
    expect(steps).toEqual([{ step: 1, status: 'sent', n: treated }, { step: 2, status: 'sent', n: treated }]);
  }, 120_000);
});
