/**
 * Hand-checked values: the paper's formulas evaluated with scipy/mpmath (2F1 at 30 digits) at
 * the published CDNOW estimates, straight from equation (10), not through our transformation.
 */
import fc from 'fast-check';
import {
  BgNbdParams,
  bgnbdLogLikelihood,
  expectedPurchases,
  expectedPurchasesIfAlive,
  pAlive,
  unconditionalExpectedPurchases,
} from '../../../src/domain/bgnbd';
import { bgnbdTotalLogLikelihood, fitBgNbd } from '../../../src/domain/bgnbdFit';
import { lnGamma } from '../../../src/domain/specialFunctions';

const published: BgNbdParams = { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 };

function close(actual: number, expected: number, relative = 1e-10): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.max(1, Math.abs(expected)));
}

describe('BG/NBD at the published CDNOW estimates', () => {
  it.each([
    // x, t_x, T, ln L, P(alive), E[Y(39)]
    [0, 0, 38.86, -0.5538199112894308, 1, 0.1947867691606198],
    [2, 30.43, 38.86, -9.459673450115993, 0.7266140448542472, 1.2259226579870348],
    [7, 35.0, 38.0, -22.014392055655932, 0.8620075271539176, 4.556208991444675],
    [1, 1.0, 30.0, -4.287913373322633, 0.2350567676665722, 0.2739903868235194],
  ])('x=%p t_x=%p T=%p', (x, tx, T, logLikelihood, alive, expected) => {
    close(bgnbdLogLikelihood(published, x, tx, T), logLikelihood, 1e-12);
    close(pAlive(published, x, tx, T), alive, 1e-12);
    close(expectedPurchases(published, 39, x, tx, T), expected);
  });

  it('gives the paper\'s unconditional E[X(t)] (equation 9)', () => {
    close(unconditionalExpectedPurchases(published, 39), 1.195047681513777);
    close(unconditionalExpectedPurchases(published, 78), 1.85802390486629);
    expect(unconditionalExpectedPurchases(published, 0)).toBe(0);
  });

  it('stays finite and right for heavy buyers (x = 300), where the plain 2F1 overflows', () => {
    close(expectedPurchases(published, 52, 300, 150, 156), 0.3518106263729828, 1e-9);
    close(pAlive(published, 300, 150, 156), 0.004050344823852637, 1e-9);
    const extreme = bgnbdLogLikelihood(published, 5000, 100, 3000);
    expect(Number.isFinite(extreme)).toBe(true);
    expect(pAlive(published, 5000, 100, 3000)).toBe(0);
    expect(Number.isFinite(expectedPurchasesIfAlive(published, 520, 5000, 3000))).toBe(true);
  });

  it('agrees with direct numerical integration over the drop-out probability, also when a + b < 1', () => {
    // ∫ (1/p)(1 − ((α+T)/(α+T+pt))^(r+x)) Beta(p; a, b+x) dp, by mpmath quadrature
    close(expectedPurchasesIfAlive(published, 39, 2, 38.86), 1.6871717064496641958);
    const small = { r: 0.5, alpha: 3, a: 0.3, b: 0.4 };
    close(expectedPurchasesIfAlive(small, 20, 0, 10), 0.56726809614227780937);
    close(expectedPurchasesIfAlive(small, 20, 3, 10), 4.4824581103755641803);
  });

  it('is continuous through a = 1, where equation (10) reads 0/0', () => {
    const at = (a: number) => expectedPurchasesIfAlive({ ...published, a }, 39, 3, 30);
    close(at(1), (at(1 - 1e-7) + at(1 + 1e-7)) / 2, 1e-7);
  });

  it('sums the CDNOW log-likelihood to the published -9582.43', () => {
    // A few customers by hand would not catch a grouping bug; the CDNOW test covers the sum.
    const data = { length: 3, x: Float64Array.of(0, 2, 2), tx: Float64Array.of(0, 30.43, 30.43), T: Float64Array.of(38.86, 38.86, 38.86) };
    const byHand = bgnbdLogLikelihood(published, 0, 0, 38.86) + 2 * bgnbdLogLikelihood(published, 2, 30.43, 38.86);
    close(bgnbdTotalLogLikelihood(published, data), byHand, 1e-13);
  });
});

describe('BG/NBD properties', () => {
  const params = fc.record({
    r: fc.double({ min: 0.05, max: 5, noNaN: true }),
    alpha: fc.double({ min: 0.5, max: 50, noNaN: true }),
    a: fc.double({ min: 0.1, max: 5, noNaN: true }),
    b: fc.double({ min: 0.6, max: 10, noNaN: true }),
  });
  const history = fc
    .record({ x: fc.integer({ min: 0, max: 200 }), T: fc.double({ min: 0, max: 300, noNaN: true }), share: fc.double({ min: 0, max: 1, noNaN: true }) })
    .map(({ x, T, share }) => ({ x, T, tx: x === 0 ? 0 : share * T }));

  it('P(alive) is a probability', () => {
    fc.assert(fc.property(params, history, (p, h) => {
      const value = pAlive(p, h.x, h.tx, h.T);
      return value >= 0 && value <= 1;
    }));
  });

  it('expected purchases grow with the horizon and never exceed the alive-conditional ones', () => {
    fc.assert(fc.property(params, history, fc.double({ min: 0.1, max: 200, noNaN: true }), (p, h, t) => {
      const near = expectedPurchases(p, t, h.x, h.tx, h.T);
      const far = expectedPurchases(p, t * 1.5, h.x, h.tx, h.T);
      const alive = expectedPurchasesIfAlive(p, t, h.x, h.T);
      return near >= 0 && far >= near * (1 - 1e-12) && alive >= near * (1 - 1e-12);
    }));
  });
});

describe('fitBgNbd', () => {
  it('reports a fit that cannot be pinned down instead of inventing one', () => {
    // Nobody ever came back: r/α is driven to zero and the drop-out parameters are not identified.
    const n = 50;
    const data = { length: n, x: new Float64Array(n), tx: new Float64Array(n), T: Float64Array.from({ length: n }, (_, i) => 10 + i) };
    const fit = fitBgNbd(data);
    expect(fit.hitBound || !fit.converged).toBe(true);
    expect(() => fitBgNbd({ length: 0, x: new Float64Array(0), tx: new Float64Array(0), T: new Float64Array(0) })).toThrow(RangeError);
  });
});

/**
 * E[Y(t) | alive] = ∫ (1/p)(1 − ((α+T)/(α+T+pt))^(r+x)) Beta(p; a, b+x) dp, numerically: by
 * Simpson's rule over ±40 standard deviations of the Beta, or, when b+x < 2 puts a kink in the
 * density at p = 1, by the midpoint rule in u = (1-p)^(b+x), which takes the kink out.
 */
function byIntegration(params: BgNbdParams, t: number, x: number, T: number): number {
  const [a, b] = [params.a, params.b + x];
  const mean = a / (a + b);
  const sd = Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)));
  const logNorm = lnGamma(a + b) - lnGamma(a) - lnGamma(b);
  const g = (p: number) => -Math.expm1(-(params.r + x) * Math.log1p((p * t) / (params.alpha + T))) / p;
  const steps = 200_000;
  if (b < 2) {
    const top = Math.min(1, 1 - mean + 40 * sd) ** b;
    let sum = 0;
    for (let k = 0; k < steps; k++) {
      const q = (((k + 0.5) / steps) * top) ** (1 / b);
      sum += (g(1 - q) * Math.exp(logNorm + (a - 1) * Math.log1p(-q))) / b;
    }
    return (sum * top) / steps;
  }
  const [lo, hi] = [Math.max(1e-300, mean - 40 * sd), Math.min(1, mean + 40 * sd)];
  const f = (p: number) => {
    const density = Math.exp(logNorm + (a - 1) * Math.log(p) + (b - 1) * Math.log1p(-p));
    return Number.isFinite(density) ? g(p) * density : 0;
  };
  const h = (hi - lo) / steps;
  let sum = f(lo) + f(hi);
  for (let k = 1; k < steps; k++) sum += (k % 2 ? 4 : 2) * f(lo + k * h);
  return (sum * h) / 3;
}

describe('BG/NBD at the box (a tiny shop: a and b up to 1e6)', () => {
  const cases: Array<[BgNbdParams, number, number]> = [
    [{ r: 1.24044, alpha: 2.00525, a: 254729, b: 1e6 }, 2, 18],
    [{ r: 0.554, alpha: 1.542, a: 540374.9, b: 999120.2 }, 0, 23],
    [{ r: 0.842, alpha: 16.82, a: 50694.96, b: 3.16e-4 }, 1, 16],
    [{ r: 1e6, alpha: 3, a: 1e6, b: 1e6 }, 3, 20],
    [{ r: 2, alpha: 3, a: 1000, b: 2 }, 1, 10],
  ];
  it.each(cases)('E[Y(t) | alive] at %j, x = %d, T = %d agrees with integrating over the drop-out probability', (params, x, T) => {
    for (const t of [1, 4.345, 52]) close(expectedPurchasesIfAlive(params, t, x, T), byIntegration(params, t, x, T), 1e-6);
  });
});
