/**
 * How often the fits' 95% parameter intervals cover the parameters a shop was drawn from:
 * simulate many small shops from known BG/NBD and Gamma-Gamma parameters, fit each, count.
 * Shared by the unit test (a few hundred shops) and coverage.bench.ts (a thousand).
 */
import { fitBgNbd } from '../src/domain/bgnbdFit';
import { fitGammaGamma } from '../src/domain/gammaGamma';
import { syntheticShop, TRUE_BGNBD, TRUE_SPEND } from './syntheticShop';

export interface Coverage {
  shops: number;
  customers: number;
  /** Per parameter, the share of shops whose interval held the true value. */
  covered: Record<string, number>;
}

export function intervalCoverage(shops: number, customers: number, firstSeed: number): Coverage {
  const truth: Array<[string, number]> = [
    ['r', TRUE_BGNBD.r], ['alpha', TRUE_BGNBD.alpha], ['a', TRUE_BGNBD.a], ['b', TRUE_BGNBD.b],
    ['p', TRUE_SPEND.p], ['q', TRUE_SPEND.q], ['gamma', TRUE_SPEND.gamma],
  ];
  const hits = new Array<number>(truth.length).fill(0);
  for (let shop = 0; shop < shops; shop++) {
    const summary = syntheticShop(customers, firstSeed + shop);
    const intervals = [...fitBgNbd(summary).uncertainty.intervals, ...fitGammaGamma(summary).uncertainty.intervals];
    // A NaN interval (no curvature at the optimum) covers nothing.
    intervals.forEach(([low, high], i) => (hits[i] += low <= truth[i][1] && truth[i][1] <= high ? 1 : 0));
  }
  const covered = Object.fromEntries(truth.map(([name], i) => [name, hits[i] / shops]));
  return { shops, customers, covered };
}
