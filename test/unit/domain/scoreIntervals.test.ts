/**
 * Per-customer intervals (issue 14 part 2) on the CDNOW sample fitted here, checked against
 * exact evaluation of every figure at every parameter draw (no first-order step).
 */
import { fitBgNbd } from '../../../src/domain/bgnbdFit';
import { customerLifetimeValue, scoreAll, ValueModel } from '../../../src/domain/clv';
import { fitGammaGamma } from '../../../src/domain/gammaGamma';
import { fitParetoNbd } from '../../../src/domain/paretoNbdFit';
import { drawLogOffsets, drawStream, logCovariance, PARAMETER_DRAWS, purchaseFromVector, purchaseVector, spendVector } from '../../../src/domain/parameterDraws';
import { aliveProbability, purchasesIfAlive } from '../../../src/domain/purchaseModel';
import { CustomerSummary, summarize } from '../../../src/domain/rfm';
import { INTERVAL_FIGURES, intervalEnds, quantile, scoreIntervals } from '../../../src/domain/scoreIntervals';
import { mulberry32 } from '../../../src/domain/random';
import { loadCdnowLog } from './cdnowLog';

const options = { unit: 'week' as const, horizon: 52, months: 12, discountRate: 0.01, margin: 0.4 };

describe('per-customer 90% intervals on the CDNOW sample', () => {
  let summary: CustomerSummary;
  let model: ValueModel;
  let covariances: { purchase: number[][]; spend: number[][] };
  beforeAll(() => {
    summary = summarize(loadCdnowLog().log, { calibrationEnd: '1997-09-30', unit: 'week' });
    const purchase = fitBgNbd(summary);
    const spend = fitGammaGamma(summary);
    model = { bgnbd: purchase.params, gammaGamma: spend.params };
    covariances = {
      purchase: logCovariance(purchaseVector(purchase.params), purchase.uncertainty.covariance) as number[][],
      spend: logCovariance(spendVector(spend.params), spend.uncertainty.covariance) as number[][],
    };
  });

  it('quantile is the type-7 quantile (numpy and R by default)', () => {
    const values = Float64Array.from({ length: 200 }, (_, i) => ((i * 7919) % 200) + 0.5);
    // Sorted, the values are 0.5 .. 199.5: h = 199 · 0.05 = 9.95 lies between 9.5 and 10.5.
    expect(quantile(values.slice(), 0.05)).toBeCloseTo(10.45, 12);
    expect(quantile(values.slice(), 0.95)).toBeCloseTo(189.55, 12);
  });

  it('intervalEnds gives the 5% and 95% quantiles in one pass, ties and all', () => {
    const random = mulberry32(5);
    const ends = intervalEnds(PARAMETER_DRAWS, 0.9);
    const into = { low: new Float64Array(1), high: new Float64Array(1) };
    for (let t = 0; t < 500; t++) {
      const values = Float64Array.from({ length: PARAMETER_DRAWS }, () => (t % 3 === 0 ? Math.round(random() * 20) : random()));
      ends(values, into, 0);
      // (1 - 0.9) / 2 is 0.04999999999999999 in floats: the ends may differ from quantile's in the last bits.
      expect(into.low[0]).toBeCloseTo(quantile(values.slice(), 0.05), 12);
      expect(into.high[0]).toBeCloseTo(quantile(values.slice(), 0.95), 12);
    }
  });

  it('every interval holds its estimate, a one-time buyer has nothing to win back, and a second run gives the same ends', () => {
    const scores = scoreAll(summary, model, options);
    const intervals = scoreIntervals(summary, model, covariances, options);
    expect(intervals).toBeDefined();
    const again = scoreIntervals(summary, model, covariances, options);
    for (const figure of INTERVAL_FIGURES) {
      const { low, high } = intervals![figure];
      expect(Array.from(again![figure].low)).toEqual(Array.from(low));
      const outside = Array.from(scores[figure]).filter((estimate, i) => !(low[i] <= estimate * (1 + 1e-9) + 1e-12 && estimate <= high[i] * (1 + 1e-9) + 1e-12));
      expect([figure, outside]).toEqual([figure, []]);
    }
    const oneTime = summary.x.indexOf(0);
    expect([intervals!.valueOfWinBack.low[oneTime], intervals!.valueOfWinBack.high[oneTime]]).toEqual([0, 0]);
    expect(intervals!.clvIfWon.high[oneTime]).toBeGreaterThan(intervals!.clvIfWon.low[oneTime]);
  });

  it('agrees with evaluating each figure exactly at each draw of the parameters', () => {
    const intervals = scoreIntervals(summary, model, covariances, options)!;
    const random = drawStream();
    const purchase = drawLogOffsets(purchaseVector(model.bgnbd), covariances.purchase, random)!;
    const spend = drawLogOffsets(spendVector(model.gammaGamma), covariances.spend, random, PARAMETER_DRAWS, ([, q]) => q > 1)!;
    const rows = [0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597].filter((i) => summary.x[i] > 0).slice(0, 8);
    expect(rows.length).toBeGreaterThan(3);
    for (const i of rows) {
      const customer = { x: summary.x[i], tx: summary.tx[i], T: summary.T[i], monetary: summary.monetary[i] };
      const exact = INTERVAL_FIGURES.map(() => new Float64Array(PARAMETER_DRAWS));
      for (let d = 0; d < PARAMETER_DRAWS; d++) {
        const bgnbd = purchaseFromVector(model.bgnbd, purchase.params[d]);
        const [p, q, gamma] = spend.params[d];
        const clv = customerLifetimeValue({ bgnbd, gammaGamma: { p, q, gamma } }, customer, options);
        const alive = aliveProbability(bgnbd, customer.x, customer.tx, customer.T);
        [alive, alive * purchasesIfAlive(bgnbd, 52, customer.x, customer.T), clv.asIs, clv.ifWon, clv.valueOfWinBack].forEach((v, f) => (exact[f][d] = v));
      }
      INTERVAL_FIGURES.forEach((figure, f) => {
        const [low, high] = [quantile(exact[f].slice(), 0.05), quantile(exact[f].slice(), 0.95)];
        const width = high - low;

        // The first-order step moves each end by a small part of the interval's width.
        expect([figure, i, Math.abs(intervals[figure].high[i] - high) <= 0.05 * width + 1e-9]).toEqual([figure, i, true]);
      });
    }
  });

  it('has none when a covariance is not positive definite', () => {
    const flat = covariances.purchase.map((row) => row.map(() => 0));
    expect(scoreIntervals(summary, model, { ...covariances, purchase: flat }, options)).toBeUndefined();
  });
});

describe('per-customer intervals under the Pareto/NBD', () => {
  it('are finite for every CDNOW customer, also those whose last purchase is at the end (P(alive) = 1)', () => {
    const summary = summarize(loadCdnowLog().log, { calibrationEnd: '1997-09-30', unit: 'week' });
    const purchase = fitParetoNbd(summary);
    const spend = fitGammaGamma(summary);
    const model = { bgnbd: purchase.params, gammaGamma: spend.params };
    const covariances = {
      purchase: logCovariance(purchaseVector(purchase.params), purchase.uncertainty.covariance) as number[][],
      spend: logCovariance(spendVector(spend.params), spend.uncertainty.covariance) as number[][],
    };
    const intervals = scoreIntervals(summary, model, covariances, options)!;
    const atTheEnd = summary.tx.findIndex((tx, i) => summary.x[i] > 0 && tx === summary.T[i]);
    expect(atTheEnd).toBeGreaterThanOrEqual(0);
    for (const figure of INTERVAL_FIGURES) {
      const bad = [...intervals[figure].low, ...intervals[figure].high].filter((v) => !Number.isFinite(v));
      expect([figure, bad.length]).toEqual([figure, 0]);
    }
    expect([intervals.pAlive.low[atTheEnd], intervals.pAlive.high[atTheEnd]]).toEqual([1, 1]);
  });
});
