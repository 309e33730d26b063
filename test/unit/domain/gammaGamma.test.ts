import {
  expectedSpend,
  fitGammaGamma,
  frequencySpendCorrelation,
  gammaGammaLogLikelihood,
  GammaGammaParams,
} from '../../../src/domain/gammaGamma';

const published: GammaGammaParams = { p: 6.2496, q: 3.7442, gamma: 15.4435 };

function close(actual: number, expected: number, relative = 1e-12): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.max(1, Math.abs(expected)));
}

describe('Gamma-Gamma', () => {
  it('matches the note\'s likelihood, evaluated with scipy', () => {
    close(gammaGammaLogLikelihood(published, 1, 20), -3.593298537921619);
    close(gammaGammaLogLikelihood(published, 4, 35.5), -4.074878079950764);
  });

  it('shrinks a customer\'s mean spend towards the population mean pγ/(q-1)', () => {
    close(expectedSpend(published, 0, 0), (6.2496 * 15.4435) / 2.7442);
    close(expectedSpend(published, 4, 35.5), 35.46743627489853);
    expect(expectedSpend({ p: 1, q: 0.9, gamma: 1 }, 0, 0)).toBe(Infinity);
  });

  it('measures the correlation of frequency and spend among repeat customers only', () => {
    const data = { length: 5, x: Float64Array.of(0, 1, 2, 3, 4), monetary: Float64Array.of(0, 10, 20, 30, 40) };
    close(frequencySpendCorrelation(data), 1);
    const flipped = { ...data, monetary: Float64Array.of(999, 40, 30, 20, 10) };
    close(frequencySpendCorrelation(flipped), -1);
    expect(frequencySpendCorrelation({ length: 1, x: Float64Array.of(1), monetary: Float64Array.of(5) })).toBeNaN();
  });

  it('leaves out customers without repeat purchases or with no positive spend', () => {
    const data = { length: 4, x: Float64Array.of(0, 1, 2, 3), monetary: Float64Array.of(0, 0, 12, 14) };
    expect(fitGammaGamma(data).customers).toBe(2);
    expect(() => fitGammaGamma({ length: 1, x: Float64Array.of(0), monetary: Float64Array.of(0) })).toThrow(RangeError);
  });
});
