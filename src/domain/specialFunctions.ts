/**
 * Special functions for the likelihoods: log-gamma, digamma and the Gauss hypergeometric 2F1,
 * in float64. Written out rather than imported so every constant is derivable (Bernoulli
 * numbers) and the accuracy is pinned by tests against values computed with mpmath.
 */

const HALF_LOG_TWO_PI = 0.9189385332046727;

/** Below this the asymptotic series are shifted upwards by the recurrence. */
const ASYMPTOTIC_FROM = 10;

/**
 * ln|Γ(x)|. Stirling's series with Bernoulli terms up to B14; at x ≥ 10 the first omitted term
 * is below 3e-17, so the error is a few ulps of the result. Smaller x are lifted with
 * Γ(x) = Γ(x+n) / (x(x+1)…(x+n-1)); negative x use the reflection formula.
 */
export function lnGamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) {
    if (Number.isInteger(x)) return Infinity;
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  }
  let y = x;
  let product = 1;
  while (y < ASYMPTOTIC_FROM) {
    product *= y;
    y += 1;
  }
  return stirling(y) - Math.log(product);
}

function stirling(y: number): number {
  const inv = 1 / y;
  const inv2 = inv * inv;
  const series =
    inv *
    (1 / 12 +
      inv2 *
        (-1 / 360 +
          inv2 * (1 / 1260 + inv2 * (-1 / 1680 + inv2 * (1 / 1188 + inv2 * (-691 / 360360 + inv2 / 156))))));
  return (y - 0.5) * Math.log(y) - y + HALF_LOG_TWO_PI + series;
}

/** ψ(x) = d/dx ln Γ(x), for the analytic likelihood gradients. Same shift-then-asymptote idea. */
export function digamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) {
    if (Number.isInteger(x)) return NaN;
    return digamma(1 - x) - Math.PI / Math.tan(Math.PI * x);
  }
  let y = x;
  let shift = 0;
  while (y < ASYMPTOTIC_FROM) {
    shift += 1 / y;
    y += 1;
  }
  const inv2 = 1 / (y * y);
  const series =
    inv2 *
    (1 / 12 -
      inv2 *
        (1 / 120 -
          inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (5 / 660 - inv2 * (691 / 32760 - inv2 / 12))))));
  return Math.log(y) - 0.5 / y - series - shift;
}

/** A series that has not converged by then is a caller error (z practically 1). */
const MAX_SERIES_TERMS = 1_000_000;

/**
 * c · (2F1(a, b; c; z) − 1) / b for 0 ≤ z < 1 and c > −1, by the power series. The scaling keeps
 * the value exact where 2F1 itself misbehaves, as the BG/NBD expectation needs: dividing by b
 * avoids the cancellation of 2F1 − 1 when b is tiny or zero (b = a_BG − 1 there), and
 * multiplying by c removes the pole of 2F1 at c = 0 (c = a_BG + b_BG − 1 for x = 0).
 */
export function hyp2f1ScaledExcess(a: number, b: number, c: number, z: number): number {
  if (!(z >= 0 && z < 1)) throw new RangeError(`2F1 series needs 0 <= z < 1, got ${z}`);
  if (!(c > -1)) throw new RangeError(`2F1 series needs c > -1 here, got ${c}`);
  if (z === 0) return 0;
  let term = a * z;
  let sum = term;
  for (let k = 1; k < MAX_SERIES_TERMS; k++) {
    const ratio = (((a + k) * (b + k)) / ((c + k) * (k + 1))) * z;
    term *= ratio;
    sum += term;
    // Once a + k, b + k and c + k are positive the term ratios creep monotonically towards z,
    // so the tail is at most term * q / (1 - q) with q the larger of this ratio and z.
    const q = Math.max(Math.abs(ratio), z);
    if (a + k > 0 && b + k > 0 && c + k > 0 && Math.abs(term) <= 1e-17 * Math.abs(sum) * (1 - q)) return sum;
  }
  throw new RangeError(`2F1(${a}, ${b}; ${c}; ${z}) did not converge; z is too close to 1`);
}

/**
 * Gauss hypergeometric 2F1(a, b; c; z) for real z < 1 and c > 0. Negative z goes through Pfaff's
 * transformation 2F1(a,b;c;z) = (1-z)^-a 2F1(a, c-b; c; z/(z-1)) so the series argument is in
 * [0, 1). Large parameters make the plain series overflow long before the product it feeds does:
 * callers with large a, b (bgnbd) first apply Euler's transformation, which leaves two small
 * parameters and c - a - b > 0 so the series converges at every z < 1.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(c > 0)) throw new RangeError(`2F1 needs c > 0, got ${c}`);
  if (z < 0) return Math.pow(1 - z, -a) * hyp2f1(a, c - b, c, z / (z - 1));
  return 1 + (b / c) * hyp2f1ScaledExcess(a, b, c, z);
}
