/**
 * Do the report's 95% intervals hold the truth 95% of the time? 1,000 simulated runs per case with known
 * rates and spends (a seeded generator, so the test is the same every time): each run draws a
 * treated group and a holdout, computes the incremental reactivation rate and incremental
 * margin intervals as the report does, and counts how often they contain the true difference.
 *
 * Welch's interval leans on the mean of the held-out spends being roughly normal: with only a
 * handful of held-out customers coming back it covers less (measured: 91% with 8 of 100), which
 * is why the report then says so in its caveats. The last case pins that down.
 */
import { newcombeDifference, welchDifference } from '../../../src/domain/intervals';
import { Money } from '../../../src/domain/money';
import { mulberry32 as seeded } from '../../../src/domain/random';
import { roiFigures } from '../../../src/domain/roi';

interface Scenario {
  treated: number;
  holdout: number;
  pTreated: number;
  pHoldout: number;
  /** Mean spend (minor units) of a customer who came back; exponential, so skewed like real orders. */
  meanSpend: number;
}

function simulate(s: Scenario, runs: number, seed: number) {
  const random = seeded(seed);
  const group = (n: number, p: number) => {
    let reactivated = 0;
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      if (random() >= p) continue;
      reactivated++;
      const spend = Math.round(-Math.log(1 - random()) * s.meanSpend);
      sum += spend;
      squares += spend * spend;
    }
    return { customers: n, reactivated, revenueMinor: sum, revenueSquares: squares };
  };
  const trueRate = s.pTreated - s.pHoldout;
  const trueMeanDiff = trueRate * s.meanSpend;
  let rateHits = 0;
  let rateRuns = 0;
  let marginHits = 0;
  let marginRuns = 0;
  for (let r = 0; r < runs; r++) {
    const t = group(s.treated, s.pTreated);
    const h = group(s.holdout, s.pHoldout);
    const rate = newcombeDifference(t.reactivated, t.customers, h.reactivated, h.customers);
    if (rate) {
      rateRuns++;
      if (rate.lo <= trueRate && trueRate <= rate.hi) rateHits++;
    }
    const mean = welchDifference({ n: t.customers, sum: t.revenueMinor, sumOfSquares: t.revenueSquares }, { n: h.customers, sum: h.revenueMinor, sumOfSquares: h.revenueSquares });
    if (mean) {
      marginRuns++;
      if (mean.lo <= trueMeanDiff && trueMeanDiff <= mean.hi) marginHits++;
    }
  }
  return { rate: rateHits / rateRuns, margin: marginHits / marginRuns, rateRuns, marginRuns };
}

describe('coverage of the 95% intervals over simulated runs', () => {
  it.each([
    // A typical win-back: a 10% holdout of 5,000 customers, 8% come back on their own, 12% when treated.
    { treated: 4500, holdout: 500, pTreated: 0.12, pHoldout: 0.08, meanSpend: 4500 },
    // A bigger holdout share and a stronger campaign.
    { treated: 900, holdout: 300, pTreated: 0.2, pHoldout: 0.15, meanSpend: 3000 },
    // No effect at all.
    { treated: 500, holdout: 500, pTreated: 0.2, pHoldout: 0.2, meanSpend: 6000 },
  ])('holds the truth 93-97%% of the time: %p', (scenario) => {
    const result = simulate(scenario, 1000, 20251205);
    expect(result.rateRuns).toBe(1000);
    expect(result.marginRuns).toBeGreaterThanOrEqual(995);
    expect(result.rate).toBeGreaterThanOrEqual(0.93);
    expect(result.rate).toBeLessThanOrEqual(0.97);
    expect(result.margin).toBeGreaterThanOrEqual(0.93);
    expect(result.margin).toBeLessThanOrEqual(0.97);
  });

  it('the report scales the mean difference to money the same way: its interval holds the true incremental margin', () => {
    const random = seeded(7);
    const s = { treated: 900, holdout: 300, p: [0.2, 0.15], meanSpend: 4500, margin: 0.4 };
    const truth = (s.p[0] - s.p[1]) * s.meanSpend * s.margin * s.treated / 100; // in EUR
    let hits = 0;
    const runs = 1000;
    for (let r = 0; r < runs; r++) {
      const draw = (n: number, p: number) => {
        const g = { customers: n, reactivated: 0, revenueMinor: 0, revenueSquares: 0 };
        for (let i = 0; i < n; i++) {
          if (random() >= p) continue;
          const spend = Math.round(-Math.log(1 - random()) * s.meanSpend);
          g.reactivated++;
          g.revenueMinor += spend;
          g.revenueSquares += spend * spend;
        }
        return g;
      };
      const f = roiFigures({ currency: 'EUR', marginRate: s.margin, treated: draw(s.treated, s.p[0]), holdout: draw(s.holdout, s.p[1]), incentiveMinor: 0, sendCost: new Money(0) });
      if (f.incrementalMargin.lo!.lte(truth) && f.incrementalMargin.hi!.gte(truth)) hits++;
    }
    expect(hits / runs).toBeGreaterThanOrEqual(0.93);
    expect(hits / runs).toBeLessThanOrEqual(0.97);
  });

  it('covers less when few held-out customers come back: the reason for the caveat', () => {
    const result = simulate({ treated: 900, holdout: 100, pTreated: 0.12, pHoldout: 0.08, meanSpend: 4500 }, 1000, 20251205);
    expect(result.rate).toBeGreaterThanOrEqual(0.93);
    expect(result.margin).toBeLessThan(0.93);
  });
});
