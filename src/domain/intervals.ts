/**
 * Confidence intervals for the ROI report, in float64 (statistics, not money). Pure.
 *
 * - A difference of two proportions: Newcombe's hybrid score interval (Newcombe 1998, method 10),
 *   built from each group's Wilson score interval. Unlike the textbook Wald interval it stays
 *   inside [-1, 1] and keeps its coverage for small groups and rates near 0 or 1, which is what a
 *   holdout of a few dozen customers and a reactivation rate of a few percent look like.
 * - A difference of two means: Welch's t interval, with Welch–Satterthwaite degrees of freedom,
 *   because the treated and held-out groups differ in size and in spread.
 * An interval that cannot be computed honestly (an empty group, no spread at all) is null.
 */
import { lnGamma } from './specialFunctions';

export interface Interval {
  estimate: number;
  lo: number;
  hi: number;
}

/** The normal quantile for a two-sided 95% interval. */
export const Z95 = normalQuantile(0.975);

/** Φ⁻¹(p) by Acklam's rational approximation (relative error < 1.2e-9: far below what a report shows). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile needs 0 < p < 1, got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  return x;
}

/** Wilson's score interval for x successes out of n; null when n = 0. */
export function wilson(x: number, n: number, z = Z95): Interval | null {
  if (n <= 0) return null;
  const p = x / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  // At x = 0 or x = n one end is exactly 0 or 1; rounding must not push it past.
  return { estimate: p, lo: x === 0 ? 0 : Math.max(0, centre - half), hi: x === n ? 1 : Math.min(1, centre + half) };
}

/** p1 − p2 with Newcombe's hybrid score interval (method 10); null when either group is empty. */
export function newcombeDifference(x1: number, n1: number, x2: number, n2: number, z = Z95): Interval | null {
  const w1 = wilson(x1, n1, z);
  const w2 = wilson(x2, n2, z);
  if (!w1 || !w2) return null;
  const d = w1.estimate - w2.estimate;
  return {
    estimate: d,
    lo: d - Math.sqrt((w1.estimate - w1.lo) ** 2 + (w2.hi - w2.estimate) ** 2),
    hi: d + Math.sqrt((w1.hi - w1.estimate) ** 2 + (w2.estimate - w2.lo) ** 2),
  };
}

/** A group's values summarised as count, sum and sum of squares: what SQL can aggregate. */
export interface Moments {
  n: number;
  sum: number;
  sumOfSquares: number;
}

export function meanOf(m: Moments): number {
  return m.n > 0 ? m.sum / m.n : NaN;
}

/** The sample variance (n − 1), never negative from float cancellation. */
export function varianceOf(m: Moments): number {
  if (m.n < 2) return NaN;
  return Math.max(0, (m.sumOfSquares - (m.sum * m.sum) / m.n) / (m.n - 1));
}

/**
 * mean1 − mean2 with Welch's 95% t interval. Null when a group has fewer than two values or
 * neither group varies at all: no spread means no honest interval, not a zero-width one.
 */
export function welchDifference(a: Moments, b: Moments, confidence = 0.95): Interval | null {
  if (a.n < 2 || b.n < 2) return null;
  const va = varianceOf(a) / a.n;
  const vb = varianceOf(b) / b.n;
  const se2 = va + vb;
  if (!(se2 > 0)) return null;
  const df = (se2 * se2) / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  const half = studentTQuantile(1 - (1 - confidence) / 2, df) * Math.sqrt(se2);
  const estimate = meanOf(a) - meanOf(b);
  return { estimate, lo: estimate - half, hi: estimate + half };
}

/** Student's t quantile for a (possibly fractional) df: Newton's method on the CDF, kept inside a bisection bracket. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`studentTQuantile needs 0 < p < 1, got ${p}`);
  if (!(df > 0)) throw new RangeError(`studentTQuantile needs df > 0, got ${df}`);
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  if (df > 1e7) return normalQuantile(p);
  // Start from the Cornish–Fisher expansion around the normal quantile: Newton then needs two or three steps.
  const z = normalQuantile(p);
  let t = z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df);
  let lo = 0;
  let hi = Infinity;
  const logNorm = lnGamma((df + 1) / 2) - lnGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  for (let i = 0; i < 200; i++) {
    const f = studentTCdf(t, df) - p;
    if (f < 0) lo = t;
    else hi = t;
    const density = Math.exp(logNorm - ((df + 1) / 2) * Math.log1p((t * t) / df));
    let next = t - f / density;
    if (!(next > lo && next < hi)) next = hi === Infinity ? 2 * t : (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-12 * Math.max(1, t)) return next;
    t = next;
  }
  return t;
}

export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** I_x(a, b) by its continued fraction (modified Lentz), using the symmetry for fast convergence. */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  if (x > (a + 1) / (a + b + 2)) return 1 - (front * betaFraction(1 - x, b, a)) / b;
  return (front * betaFraction(x, a, b)) / a;
}

function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let h = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    for (const aa of [(m * (b - m) * x) / ((a + m2 - 1) * (a + m2)), (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1))]) {
      d = 1 + aa * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + aa / c;
      if (Math.abs(c) < tiny) c = tiny;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-14) break;
  }
  return h;
}
