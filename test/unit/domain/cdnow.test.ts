/**
 * The CDNOW reproduction: an implementation that does not reproduce the published estimates is
 * wrong (DESIGN.md). Calibration ends 1997-09-30, time in weeks, same-day purchases merged.
 */
import { expectedPurchases } from '../../../src/domain/bgnbd';
import { fitBgNbd } from '../../../src/domain/bgnbdFit';
import { fitGammaGamma } from '../../../src/domain/gammaGamma';
import { holdoutPurchases, summarize } from '../../../src/domain/rfm';
import { loadCdnowLog, loadReferenceSummary } from './cdnowLog';

const { log, ids } = loadCdnowLog();
const summary = summarize(log, { calibrationEnd: '1997-09-30', unit: 'week' });

function within(actual: number, expected: number, relative: number): void {
  expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThanOrEqual(relative);
}

describe('CDNOW sample', () => {
  it('summarizes every customer exactly as the reference summary does', () => {
    const reference = loadReferenceSummary();
    expect(summary.length).toBe(2357);
    const holdout = holdoutPurchases(log, summary, '1998-06-30');
    expect(holdout.duration).toBe(39);
    reference.forEach((row, i) => {
      expect(ids[summary.customer[i]]).toBe(row.id);
      expect(summary.x[i]).toBe(row.frequency);
      expect(summary.tx[i]).toBeCloseTo(row.recency, 5);
      expect(summary.T[i]).toBeCloseTo(row.T, 5);
      expect(summary.monetary[i]).toBeCloseTo(row.monetary, 4);
      expect(holdout.purchases[i]).toBe(row.xStar);
    });
  });

  it('reproduces the published BG/NBD estimates and log-likelihood', () => {
    const fit = fitBgNbd(summary);
    expect(fit.converged).toBe(true);
    expect(fit.hitBound).toBe(false);
    expect(fit.agreeingStarts).toBe(fit.starts);
    within(fit.params.r, 0.2426, 0.001);
    within(fit.params.alpha, 4.4136, 0.001);
    within(fit.params.a, 0.7929, 0.001);
    within(fit.params.b, 2.4259, 0.001);
    within(fit.logLikelihood, -9582.43, 0.001);
  });

  it('gives the same model in days: α seven times larger, the rest unchanged', () => {
    const days = summarize(log, { calibrationEnd: '1997-09-30', unit: 'day' });
    const [inWeeks, inDays] = [fitBgNbd(summary), fitBgNbd(days)];
    within(inDays.params.alpha, 7 * inWeeks.params.alpha, 1e-5);
    for (const k of ['r', 'a', 'b'] as const) within(inDays.params[k], inWeeks.params[k], 1e-5);
    // A density per day is a seventh of one per week, once per repeat purchase.
    within(inDays.logLikelihood, inWeeks.logLikelihood - 2457 * Math.log(7), 1e-9);
  });

  it('predicts the 39-week holdout like the published model (1653; 1882 happened)', () => {
    const { params } = fitBgNbd(summary);
    let predicted = 0;
    for (let i = 0; i < summary.length; i++) {
      predicted += expectedPurchases(params, 39, summary.x[i], summary.tx[i], summary.T[i]);
    }
    within(predicted, 1653, 0.01);
  });

  it('reproduces the published Gamma-Gamma estimates on the 946 repeat customers', () => {
    const fit = fitGammaGamma(summary);
    expect(fit.customers).toBe(946);
    expect(fit.converged).toBe(true);
    within(fit.params.p, 6.2496, 0.005);
    within(fit.params.q, 3.7442, 0.005);
    within(fit.params.gamma, 15.4435, 0.005);
  });
});
