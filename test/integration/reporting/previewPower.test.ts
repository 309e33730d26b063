/**
 * Before launch, the preview says what the holdout can tell: the share expected back on their own
 * (the stored model's P(reactivation) over the window), the smallest lift it detects at 80% power
 * and α = 0.05, the lift at which the campaign pays for itself, and a warning when the first is
 * larger than the second. Checked against the same numbers worked from the stored scores.
 */
import { pReactivation } from '../../../src/domain/reactivation';
import { minimumDetectableLift } from '../../../src/domain/roi';
import { lapsedCustomers, openShop, Shop, step, winback } from '../../support/campaignShop';

describe('the preview says what the holdout can detect', () => {
  let shop: Shop;

  beforeAll(async () => {
    shop = await openShop({
      customers: lapsedCustomers(60),
      campaigns: { measured: winback([step('1-we-miss-you')], { holdout: 0.2, attributionWindowDays: 60 }) },
      settings: { SEND_COST: '0.01' },
    });
  });
  afterAll(async () => {
    await shop?.dispose();
  });

  it('gives the model baseline, the minimum detectable lift, the break-even lift and a warning', async () => {
    const p = await shop.services.campaigns().preview('measured');
    const scores: { x: number; tx: number; t: number }[] = await shop.services.db.reader.query('SELECT x, tx, t FROM customer_scores');
    expect(scores).toHaveLength(60);
    const cdnow = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    const baseline = scores.reduce((sum, s) => sum + pReactivation(cdnow, 60 / 7, s.x, s.tx, s.t), 0) / scores.length;
    expect(p.baselineReactivationRate).toBeCloseTo(baseline, 6);
    expect(p.minimumDetectableLift).toBeCloseTo(minimumDetectableLift(p.treated, p.holdout, baseline) as number, 6);
    expect(p.breakEvenLift).toBeGreaterThan(0);
    expect(p.breakEvenLift).toBeLessThan(p.minimumDetectableLift as number);
    expect(p.holdoutWarning).toMatch(new RegExp(`^the holdout of ${p.holdout} customers can only detect a lift of [0-9.]+ points or more, but the campaign pays for itself at [0-9.]+ points`));
  });
});
