/**
 * Standard errors of the fitted parameters (issue 14). The fit takes the Hessian of its grouped
 * objective in log-parameter space from the analytic gradient; the check here is written
 * separately: second differences of the raw per-customer log-likelihood sum, in natural
 * parameters, with a different step, inverted by Gauss-Jordan elimination.
 */
import { bgnbdLogLikelihood } from '../../../src/domain/bgnbd';
import { fitBgNbd } from '../../../src/domain/bgnbdFit';
import { fitGammaGamma, gammaGammaLogLikelihood } from '../../../src/domain/gammaGamma';
import { summarize } from '../../../src/domain/rfm';
import { loadCdnowLog } from './cdnowLog';

const summary = summarize(loadCdnowLog().log, { calibrationEnd: '1997-09-30', unit: 'week' });

/** −∂²f/∂θi∂θj by central second differences with steps h_i = 1e-3 θ_i. */
function negativeHessian(f: (theta: number[]) => number, theta: number[]): number[][] {
  const h = theta.map((v) => 1e-3 * v);
  const at = (moves: Array<[number, number]>) => f(theta.map((v, k) => v + moves.filter(([i]) => i === k).reduce((s, [, d]) => s + d * h[k], 0)));
  return theta.map((_, i) =>
    theta.map((__, j) =>
      i === j
        ? -(at([[i, 1]]) - 2 * f(theta) + at([[i, -1]])) / (h[i] * h[i])
        : -(at([[i, 1], [j, 1]]) - at([[i, 1], [j, -1]]) - at([[i, -1], [j, 1]]) + at([[i, -1], [j, -1]])) / (4 * h[i] * h[j]),
    ),
  );
}

function gaussJordanInverse(matrix: number[][]): number[][] {
  const n = matrix.length;
  const a = matrix.map((row, i) => [...row, ...row.map((_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    const pivot = a.slice(c).reduce((best, row, k) => (Math.abs(row[c]) > Math.abs(a[best][c]) ? k + c : best), c);
    [a[c], a[pivot]] = [a[pivot], a[c]];
    const p = a[c][c];
    a[c] = a[c].map((v) => v / p);
    for (let r = 0; r < n; r++) if (r !== c) a[r] = a[r].map((v, k) => v - a[r][c] * a[c][k]);
  }
  return a.map((row) => row.slice(n));
}

function expectWithin(actual: number[], expected: number[], relative: number): void {
  actual.forEach((v, i) => expect(Math.abs(v / expected[i] - 1)).toBeLessThanOrEqual(relative));
}

describe('parameter uncertainty on CDNOW', () => {
  it('BG/NBD standard errors match an independent finite-difference Hessian of the raw likelihood to 1%', () => {
    const fit = fitBgNbd(summary);
    const theta = [fit.params.r, fit.params.alpha, fit.params.a, fit.params.b];
    const logLikelihood = ([r, alpha, a, b]: number[]) => {
      let sum = 0;
      for (let i = 0; i < summary.length; i++) sum += bgnbdLogLikelihood({ r, alpha, a, b }, summary.x[i], summary.tx[i], summary.T[i]);
      return sum;
    };
    const covariance = gaussJordanInverse(negativeHessian(logLikelihood, theta));
    const independent = covariance.map((row, i) => Math.sqrt(row[i]));
    expectWithin(fit.uncertainty.standardErrors, independent, 0.01);
    expectWithin(fit.uncertainty.covariance.flat(), covariance.flat(), 0.01);
    fit.uncertainty.intervals.forEach(([low, high], i) => {
      expect(low).toBeLessThan(theta[i]);
      expect(high).toBeGreaterThan(theta[i]);
      // On the log scale the interval is symmetric: θ is the geometric mean of its ends.
      expect(Math.sqrt(low * high)).toBeCloseTo(theta[i], 10);
      expect(Math.log(high / low) / 2).toBeCloseTo(1.959964 * (independent[i] / theta[i]), 2);
    });
  });

  it('Gamma-Gamma standard errors match an independent finite-difference Hessian to 1%', () => {
    const fit = fitGammaGamma(summary);
    const theta = [fit.params.p, fit.params.q, fit.params.gamma];
    const logLikelihood = ([p, q, gamma]: number[]) => {
      let sum = 0;
      for (let i = 0; i < summary.length; i++) {
        if (summary.x[i] >= 1 && summary.monetary[i] > 0) sum += gammaGammaLogLikelihood({ p, q, gamma }, summary.x[i], summary.monetary[i]);
      }
      return sum;
    };
    const covariance = gaussJordanInverse(negativeHessian(logLikelihood, theta));
    expectWithin(fit.uncertainty.standardErrors, covariance.map((row, i) => Math.sqrt(row[i])), 0.01);
    expectWithin(fit.uncertainty.covariance.flat(), covariance.flat(), 0.01);
  });
});
