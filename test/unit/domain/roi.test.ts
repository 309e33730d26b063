/**
 * The report's arithmetic on hand-computed runs: one that lost money, one with nobody held out,
 * one where every customer came back, one that paid; the minimum detectable lift against an
 * independent root-finder (scipy's brentq on the power equation); and the caveats' words.
 */
import { Money } from '../../../src/domain/money';
import { breakEvenLift, caveats, CaveatFacts, GroupOutcome, holdoutAdvice, minimumDetectableLift, roiFigures } from '../../../src/domain/roi';

const spent = (customers: number, reactivated: number, eachMinor: number): GroupOutcome => ({
  customers, reactivated, revenueMinor: reactivated * eachMinor, revenueSquares: reactivated * eachMinor * eachMinor,
});
const base = { currency: 'EUR', marginRate: 0.4 };
const str = (m: Money | null) => (m === null ? null : m.toFixed(2));

describe('ROI figures', () => {
  it('a run that lost money: held-out customers spent more per head than treated ones', () => {
    // Treated: 12 of 100 spent 100.00; holdout: 7 of 50 did. Incremental margin
    // 0.4 × (1200.00 − 700.00 × 100/50) = −80.00; ROI (−80 − 20) / (60 + 20) = −1.25.
    const f = roiFigures({ ...base, treated: spent(100, 12, 10000), holdout: spent(50, 7, 10000), incentiveMinor: 6000, sendCost: new Money('20.00') });
    expect(f.incrementalRate.estimate).toBeCloseTo(-0.02, 12);
    expect(str(f.incrementalMargin.estimate)).toBe('-80.00');
    // Welch in minor units per customer: −200 ± 1178.94, × 0.4 × 100 treated.
    expect(str(f.incrementalMargin.lo)).toBe('-551.58');
    expect(str(f.incrementalMargin.hi)).toBe('391.58');
    expect(f.roi).toBe(-1.25);
    expect(f.incrementalReactivations).toBeCloseTo(-2, 9);
    expect(f.costPerWinBack).toBeNull();
  });

  it('an empty holdout gives no incremental figure, no ROI and no cost per win-back, never a made-up one', () => {
    const f = roiFigures({ ...base, treated: spent(30, 5, 4250), holdout: spent(0, 0, 0), incentiveMinor: 1000, sendCost: new Money('3.00') });
    expect(f.incrementalRate).toEqual({ estimate: null, lo: null, hi: null });
    expect(f.incrementalMargin).toEqual({ estimate: null, lo: null, hi: null });
    expect(f.roi).toBeNull();
    expect(f.costPerWinBack).toBeNull();
    expect(f.incrementalReactivations).toBeNull();
  });

  it('every customer reactivated: no lift in the rate, margin from the bigger orders, no spread so no margin interval', () => {
    // 20 of 20 treated spent 50.00, 10 of 10 held out spent 40.00: 0.4 × (1000.00 − 400.00 × 2) = 80.00;
    // ROI (80 − 3) / (100 + 3) = 0.7476. Newcombe for 20/20 − 10/10: −0.1611 to 0.2775.
    const f = roiFigures({ ...base, treated: spent(20, 20, 5000), holdout: spent(10, 10, 4000), incentiveMinor: 10000, sendCost: new Money('3.00') });
    expect(f.incrementalRate.estimate).toBe(0);
    expect(f.incrementalRate.lo).toBeCloseTo(-0.1611, 4);
    expect(f.incrementalRate.hi).toBeCloseTo(0.2775, 4);
    expect(str(f.incrementalMargin.estimate)).toBe('80.00');
    expect(f.incrementalMargin.lo).toBeNull();
    expect(f.incrementalMargin.hi).toBeNull();
    expect(f.roi).toBe(0.7476);
    expect(f.costPerWinBack).toBeNull();
  });

  it('a run that paid: cost per incremental win-back is the costs over the extra customers who came back', () => {
    // 20 of 100 vs 10 of 100: 10 incremental win-backs for 50.00 + 10.00 = 6.00 each.
    // Margin 0.4 × (20 × 60.00 − 10 × 60.00) = 240.00; ROI (240 − 10) / 60 = 3.8333.
    const f = roiFigures({ ...base, treated: spent(100, 20, 6000), holdout: spent(100, 10, 6000), incentiveMinor: 5000, sendCost: new Money('10.00') });
    expect(f.incrementalReactivations).toBeCloseTo(10, 9);
    expect(str(f.costPerWinBack)).toBe('6.00');
    expect(str(f.incrementalMargin.estimate)).toBe('240.00');
    expect(f.roi).toBe(3.8333);
  });

  it('has no ROI when nothing was spent (a win-back then cost nothing)', () => {
    const f = roiFigures({ ...base, treated: spent(100, 20, 6000), holdout: spent(100, 10, 6000), incentiveMinor: 0, sendCost: new Money(0) });
    expect(f.roi).toBeNull();
    expect(str(f.costPerWinBack)).toBe('0.00');
  });
});

describe('minimum detectable lift and break-even lift', () => {
  it.each([
    [1000, 1000, 0.1, 0.0407452],
    [900, 23, 0.05, 0.2235444],
    [9000, 1000, 0.03, 0.0187327],
  ])('treated %p, holdout %p, baseline %p: %p at 80%% power, alpha 0.05', (treated, holdout, baseline, expected) => {
    expect(minimumDetectableLift(treated, holdout, baseline)).toBeCloseTo(expected, 6);
  });

  it('is null without a holdout', () => {
    expect(minimumDetectableLift(1000, 0, 0.1)).toBeNull();
  });

  it('break-even lift: 300.00 of costs over 1,000 treated customers worth 15.00 each back is 2 points', () => {
    expect(breakEvenLift(new Money('300.00'), 1000, new Money('15.00'))).toBe(0.02);
    expect(breakEvenLift(new Money('300.00'), 1000, new Money(0))).toBeNull();
  });
});

describe('caveats in words', () => {
  const facts: CaveatFacts = {
    treated: 900, holdout: 23, holdoutReactivated: 2, minimumDetectableLift: 0.2235, incrementalRate: { lo: -0.05, hi: 0.2 },
    windowOpen: true, windowTo: '2025-08-01T08:00:00.000Z', orderImportsSinceLaunch: 0, opened: 12, redeemedWithoutOrder: 1,
  };

  it('says how sure the numbers are', () => {
    expect(caveats(facts)).toEqual([
      'preliminary: the attribution window is open until 2025-08-01T08:00:00.000Z; orders placed until then still count and may change every figure',
      "no orders have been imported since launch: import the shop's latest orders (or connect the order webhook) before reading this report",
      'the holdout has 23 customers: too few to tell a 5-point lift from chance (the smallest lift it reliably detects is 22.4 points)',
      "only 2 held-out customers came back: the incremental margin's interval is rougher than its 95% says (simulations put it nearer 90%)",
      "the incremental reactivation rate's 95% interval includes zero: the campaign may have changed nothing",
      'opens are shown but unreliable: mail privacy proxies open every message, so no figure here uses them',
      '1 code was redeemed at checkout on an order not imported yet: its revenue is missing until it is',
    ]);
  });

  it('says nothing when there is nothing to say, and names an empty holdout', () => {
    const calm = { ...facts, holdoutReactivated: 40, minimumDetectableLift: 0.02, incrementalRate: { lo: 0.01, hi: 0.05 }, windowOpen: false, orderImportsSinceLaunch: 10, opened: 0, redeemedWithoutOrder: 0 };
    expect(caveats(calm)).toEqual([]);
    expect(caveats({ ...calm, holdout: 0, minimumDetectableLift: null, incrementalRate: { lo: null, hi: null } })[0]).toMatch(/^nobody was held out/);
  });
});

describe('what the holdout can tell, before launch', () => {
  it('warns when the holdout cannot detect the lift at which the campaign pays for itself, and names the share that could', () => {
    // 10,000 customers, 10% held out, 5% would come back anyway; the campaign pays for itself at 1.5
    // points. scipy: the holdout detects 2.30 points; holding out 26% detects 1.504, 27% 1.484.
    const advice = holdoutAdvice({ treated: 9000, holdout: 1000, baseline: 0.05, breakEvenLift: 0.015 });
    expect(advice.minimumDetectableLift).toBeCloseTo(minimumDetectableLift(9000, 1000, 0.05) as number, 12);
    expect(advice.warning).toBe(
      'the holdout of 1000 customers can only detect a lift of 2.3 points or more, but the campaign pays for itself at 1.5 points: ' +
        'a result in between will look like chance. Holding out 27% would detect it.',
    );
  });

  it('says nothing when it can, and says so plainly when even half held out could not', () => {
    expect(holdoutAdvice({ treated: 9000, holdout: 1000, baseline: 0.05, breakEvenLift: 0.03 }).warning).toBeNull();
    expect(holdoutAdvice({ treated: 90, holdout: 10, baseline: 0.05, breakEvenLift: 0.01 }).warning).toMatch(/Even holding out half the audience would not\.$/);
    expect(holdoutAdvice({ treated: 100, holdout: 0, baseline: 0.05, breakEvenLift: 0.01 })).toEqual({ minimumDetectableLift: null, warning: 'nobody is held out: what the campaign changes cannot be measured' });
  });
});
