/**
 * The report's intervals against published and hand-computed values: Newcombe (1998) Table II,
 * method 10 (the hybrid score interval) and Wilson's interval from the same paper's companion;
 * Student t quantiles from the printed tables; Welch's interval worked by hand.
 */
import { newcombeDifference, normalQuantile, studentTQuantile, welchDifference, wilson } from '../../../src/domain/intervals';

describe('Wilson and Newcombe intervals for proportions', () => {
  it("reproduces Newcombe's worked examples for a difference of proportions (method 10)", () => {
    const cases: [number, number, number, number, number, number, number][] = [
      // x1, n1, x2, n2, estimate, lower, upper (Newcombe 1998, Table II)
      [56, 70, 48, 80, 0.2, 0.0524, 0.3339],
      [9, 10, 3, 10, 0.6, 0.1705, 0.809],
      [5, 56, 0, 29, 0.0893, -0.0381, 0.1926],
      [0, 10, 0, 20, 0, -0.1611, 0.2775],
      [10, 10, 0, 20, 1, 0.6791, 1],
    ];
    for (const [x1, n1, x2, n2, estimate, lo, hi] of cases) {
      const d = newcombeDifference(x1, n1, x2, n2);
      expect(d?.estimate).toBeCloseTo(estimate, 4);
      expect(d?.lo).toBeCloseTo(lo, 4);
      expect(d?.hi).toBeCloseTo(hi, 4);
    }
  });

  it("gives Wilson's interval, with an end at exactly 0 or 1 when nobody or everybody came back", () => {
    const w = wilson(81, 263);
    expect(w?.lo).toBeCloseTo(0.2553, 4);
    expect(w?.hi).toBeCloseTo(0.3662, 4);
    expect(wilson(0, 10)).toEqual({ estimate: 0, lo: 0, hi: expect.closeTo(0.2775, 4) });
    expect(wilson(10, 10)?.hi).toBe(1);
  });

  it('has no interval for an empty group', () => {
    expect(wilson(0, 0)).toBeNull();
    expect(newcombeDifference(3, 10, 0, 0)).toBeNull();
    expect(newcombeDifference(0, 0, 3, 10)).toBeNull();
  });
});

describe('Student t and Welch', () => {
  it('gives the t quantiles of the printed tables, and the normal one for huge df', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.7062, 4);
    expect(studentTQuantile(0.975, 5)).toBeCloseTo(2.5706, 4);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.0423, 4);
    expect(studentTQuantile(0.95, 10)).toBeCloseTo(1.8125, 4);
    expect(studentTQuantile(0.025, 5)).toBeCloseTo(-2.5706, 4);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.8)).toBeCloseTo(0.841621, 6);
  });

  it("works Welch's interval as by hand: 12 of 100 spent 100.00, 7 of 50 did", () => {
    // In minor units. Treated: mean 1200, variance (1.2e9 − 120000²/100)/99; holdout: mean 1400,
    // variance (7e8 − 70000²/50)/49; Welch–Satterthwaite df 92.18, t 1.98603, half-width 1178.94.
    const d = welchDifference({ n: 100, sum: 120000, sumOfSquares: 12 * 10000 ** 2 }, { n: 50, sum: 70000, sumOfSquares: 7 * 10000 ** 2 });
    expect(d?.estimate).toBeCloseTo(-200, 9);
    expect(d?.lo).toBeCloseTo(-1378.94, 2);
    expect(d?.hi).toBeCloseTo(978.94, 2);
  });

  it('has no interval for a group of fewer than two, or when nobody differs from anybody', () => {
    expect(welchDifference({ n: 1, sum: 5, sumOfSquares: 25 }, { n: 10, sum: 5, sumOfSquares: 25 })).toBeNull();
    expect(welchDifference({ n: 10, sum: 0, sumOfSquares: 0 }, { n: 10, sum: 0, sumOfSquares: 0 })).toBeNull();
  });
});
