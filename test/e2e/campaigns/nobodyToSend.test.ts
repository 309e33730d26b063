/**
 * A campaign whose audience is empty: the preview says there is nobody to preview (and why)
 * instead of showing template text, and a launch is refused with the reason, leaving nothing
 * behind that would block the launch once the rule is fixed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { rekindle } from '../../support/cli';
import { queryShop } from '../../support/campaignCli';
import { lapsedCustomers, openShop, Shop } from '../../support/campaignShop';

const T0 = '2025-06-02T08:00:00Z';

describe('a campaign with nobody in its audience', () => {
  let shop: Shop;
  const run = (...args: string[]) => rekindle(args, shop.env);
  const file = () => path.join(shop.env.CAMPAIGNS_DIR, 'long-gone.json');

  beforeAll(async () => {
    // Nobody's last order is 5,000 days old: the rule matches none of the 12.
    shop = await openShop({ customers: lapsedCustomers(12), campaigns: { 'long-gone': { with: { audience: { lastOrderAtLeastDaysAgo: 5000 } } } } });
    await shop.release();
  });
  afterAll(() => shop?.dispose());

  it('previews as nobody to preview, with the reason, and no template text as a subject', () => {
    const json = run('campaign', 'preview', 'long-gone', '--now', T0, '--json').json();
    expect(json).toMatchObject({ audience: 0, treated: 0, holdout: 0 });
    expect(json.nobodyToPreview).toBe('none of the 12 customers who can be emailed matches the audience rule (last order at least 5000 days ago, scored by the latest model)');
    for (const s of json.steps) expect(s).toEqual({ step: s.step, subject: null, sendAt: null, sample: null });
    const text = run('campaign', 'preview', 'long-gone', '--now', T0);
    expect(text.status).toBe(0);
    expect(text.stdout).not.toContain('{{');
    expect(text.stdout).toContain(`nobody to preview: ${json.nobodyToPreview}`);
  });

  it('refuses the launch with the reason, and records no run', async () => {
    const launch = run('campaign', 'launch', 'long-gone', '--now', T0, '--json');
    expect(launch.status).toBe(1);
    expect(launch.stdout).toBe('');
    expect(launch.stderr).toBe('rekindle: campaign "long-gone" has nobody to send to, so nothing was launched: none of the 12 customers who can be emailed matches the audience rule (last order at least 5000 days ago, scored by the latest model)\n');
    expect(await queryShop(shop, 'SELECT CAST(COUNT(*) AS INTEGER) AS runs FROM campaign_runs')).toEqual([{ runs: 0 }]);
  });

  it('launches normally, without --new-run, once the rule matches someone', () => {
    writeFileSync(file(), readFileSync(file(), 'utf8').replace('"lastOrderAtLeastDaysAgo": 5000', '"lastOrderAtLeastDaysAgo": 120'));
    const launch = run('campaign', 'launch', 'long-gone', '--now', T0, '--json');
    expect(launch.stderr).toBe('');
    expect(launch.json()).toMatchObject({ runId: 1, audience: 12 });
  });
});
