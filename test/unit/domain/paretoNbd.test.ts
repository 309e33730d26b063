/**
 * The Pareto/NBD model (issue 14 B). Reference values were computed with mpmath at 40 digits from
 * the formulas as Fader, Hardie & Lee's note writes them (2F1(r+s+x, s+1; r+s+x+1; z) etc., not
 * the transformed series the code sums), so they check the transformation too.
 */
import { summarize } from '../../../src/domain/rfm';
import {
  hyp2f1UnitA,
  lnTailIntegral,
  paretoExpectedPurchasesIfAlive,
  paretoNbdLogLikelihood,
  ParetoNbdParams,
  paretoPAlive,
} from '../../../src/domain/paretoNbd';
import { fitParetoNbd } from '../../../src/domain/paretoNbdFit';
import { loadCdnowLog } from './cdnowLog';

const cdnow: ParetoNbdParams = { r: 0.55, alpha: 10.58, s: 0.61, beta: 11.67 };
const alphaSmaller: ParetoNbdParams = { r: 0.8, alpha: 3, s: 1.5, beta: 20 };
const heavyBuyer: ParetoNbdParams = { r: 0.8, alpha: 30, s: 0.3, beta: 2 };

function relative(actual: number, expected: number): number {
  return Math.abs(actual / expected - 1);
}

describe('2F1(1, b; c; z), the series behind the Pareto/NBD likelihood', () => {
  it.each([
    [1, 2, 0.5, 1.3862943611198906],
    [1, 2, 0.999, 6.9146699489310672],
    [40.8, 42.1, 0.9, 8.0515007912277542],
    [1.61, 45.2, 0.3, 1.0108712237900317],
    [0.3, 1.2, 0.99, 2.6315116549593652],
  ])('2F1(1, %p; %p; %p) = %p', (b, c, z, expected) => {
    expect(relative(hyp2f1UnitA(b, c, z).value, expected)).toBeLessThan(1e-13);
  });

  it('is −ln(1−z)/z for b = 1, c = 2, up to z = 0.999, NaN closer to 1, and its derivatives match differences', () => {
    for (const z of [0.1, 0.9, 0.999]) expect(relative(hyp2f1UnitA(1, 2, z).value, -Math.log1p(-z) / z)).toBeLessThan(1e-12);
    // Parameters that far out stop the optimizer's step instead of costing a million terms.
    expect(hyp2f1UnitA(1, 2, 0.99999).value).toBeNaN();
    const h = 1e-6;
    const f = hyp2f1UnitA(3.2, 5.1, 0.7);
    expect(relative(f.db, (hyp2f1UnitA(3.2 + h, 5.1, 0.7).value - hyp2f1UnitA(3.2 - h, 5.1, 0.7).value) / (2 * h))).toBeLessThan(1e-7);
    expect(relative(f.dc, (hyp2f1UnitA(3.2, 5.1 + h, 0.7).value - hyp2f1UnitA(3.2, 5.1 - h, 0.7).value) / (2 * h))).toBeLessThan(1e-7);
    expect(relative(f.dz, (hyp2f1UnitA(3.2, 5.1, 0.7 + h).value - hyp2f1UnitA(3.2, 5.1, 0.7 - h).value) / (2 * h))).toBeLessThan(1e-7);
  });
});

describe('Pareto/NBD likelihood, P(alive) and expected purchases', () => {
  it.each([
    [cdnow, 2, 30.43, 38.86, -9.5619812608429639],
    [cdnow, 0, 0, 38.86, -0.51702515088753849],
    [alphaSmaller, 12, 20, 40, -23.695413371705346],
    [heavyBuyer, 40, 5, 40, -36.70344730426936],
    [{ r: 2, alpha: 1, s: 0.2, beta: 1e-3 }, 3, 0.5, 30, -2.5407611986716211],
  ])('ln L(%o | x=%p, t_x=%p, T=%p) = %p', (params, x, tx, T, expected) => {
    expect(Math.abs(paretoNbdLogLikelihood(params, x, tx, T) - expected)).toBeLessThan(1e-11);
  });

  it('P(alive) matches the note, including a heavy buyer long silent and α < β', () => {
    expect(relative(paretoPAlive(cdnow, 2, 30.43, 38.86), 0.86841091713209172)).toBeLessThan(1e-12);
    expect(relative(paretoPAlive(alphaSmaller, 12, 20, 40), 0.0027796975292356745)).toBeLessThan(1e-10);
    expect(relative(paretoPAlive(heavyBuyer, 40, 5, 40), 9.321027757214917e-12)).toBeLessThan(1e-8);
    expect(paretoPAlive(cdnow, 3, 20, 20)).toBe(1);
  });

  it('E[Y(t) | alive] is the note\'s formula, continuous through s = 1', () => {
    const { r, alpha, beta } = cdnow;
    const expected = ((r + 2) * (beta + 30)) / ((alpha + 30) * (0.61 - 1)) * (1 - ((beta + 30) / (beta + 30 + 39)) ** (0.61 - 1));
    expect(relative(paretoExpectedPurchasesIfAlive(cdnow, 39, 2, 30), expected)).toBeLessThan(1e-12);
    const near = (s: number) => paretoExpectedPurchasesIfAlive({ ...cdnow, s }, 39, 2, 30);
    expect(relative(near(1), (near(1 + 1e-7) + near(1 - 1e-7)) / 2)).toBeLessThan(1e-9);
  });

  it('the gradient of ln G(t) matches central differences, on both sides of α = β', () => {
    for (const params of [cdnow, alphaSmaller, heavyBuyer]) {
      const gradient = new Float64Array(4);
      lnTailIntegral(params, 5, 12, gradient);
      (['r', 'alpha', 's', 'beta'] as const).forEach((k, i) => {
        const h = 1e-6 * params[k];
        const difference = (lnTailIntegral({ ...params, [k]: params[k] + h }, 5, 12) - lnTailIntegral({ ...params, [k]: params[k] - h }, 5, 12)) / (2 * h);
        expect(Math.abs(gradient[i] - difference)).toBeLessThan(1e-6 * Math.max(1, Math.abs(difference)));
      });
    }
  });
});

describe('Pareto/NBD on CDNOW (39-week calibration)', () => {
  const summary = summarize(loadCdnowLog().log, { calibrationEnd: '1997-09-30', unit: 'week' });

  it('reproduces the published estimates r = 0.55, α = 10.58, s = 0.61, β = 11.67, LL −9595.0', () => {
    const fit = fitParetoNbd(summary);
    expect(fit).toMatchObject({ converged: true, hitBound: false, agreeingStarts: 3, customers: 2357 });
    expect(fit.params.r).toBeCloseTo(0.55, 2);
    expect(fit.params.alpha).toBeCloseTo(10.58, 2);
    expect(fit.params.s).toBeCloseTo(0.61, 2);
    expect(fit.params.beta).toBeCloseTo(11.67, 2);
    expect(fit.logLikelihood).toBeCloseTo(-9595.0, 1);
    let direct = 0;
    for (let i = 0; i < summary.length; i++) direct += paretoNbdLogLikelihood(fit.params, summary.x[i], summary.tx[i], summary.T[i]);
    expect(fit.logLikelihood).toBeCloseTo(direct, 6);
    expect(fit.uncertainty.standardErrors.every((se) => se > 0)).toBe(true);
  });

  it('gives the same model in days: α and β seven times larger, r and s unchanged', () => {
    const days = fitParetoNbd(summarize(loadCdnowLog().log, { calibrationEnd: '1997-09-30', unit: 'day' }));
    const weeks = fitParetoNbd(summary);
    expect(relative(days.params.alpha, 7 * weeks.params.alpha)).toBeLessThan(1e-4);
    expect(relative(days.params.beta, 7 * weeks.params.beta)).toBeLessThan(1e-4);
    expect(relative(days.params.s, weeks.params.s)).toBeLessThan(1e-4);
  });
});
