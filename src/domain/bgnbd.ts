/**
 * BG/NBD purchase model (Fader, Hardie & Lee 2005, "Counting your customers the easy way"):
 * the per-customer likelihood, P(alive) and the expected purchases. Fitting lives in
 * bgnbdFit.ts. Everything is float64 and works in logs so that large x and T neither overflow
 * (α+T)^-(r+x) nor the hypergeometric series.
 */
import { hyp2f1ScaledExcess, lnGamma } from './specialFunctions';

export interface BgNbdParams {
  /** Shape of the gamma heterogeneity in purchase rates. */
  r: number;
  /** Scale of that gamma, in the summary's time unit. */
  alpha: number;
  /** Beta heterogeneity in the drop-out probability after each purchase. */
  a: number;
  b: number;
}

/** ln L(r, α, a, b | x, t_x, T), the paper's equation (6) written as a log-sum-exp. */
export function bgnbdLogLikelihood(params: BgNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = params;
  const head =
    lnGamma(r + x) - lnGamma(r) + r * Math.log(alpha) +
    lnGamma(a + b) + lnGamma(b + x) - lnGamma(b) - lnGamma(a + b + x);
  const stillAlive = -(r + x) * Math.log(alpha + T);
  if (x === 0) return head + stillAlive;
  const droppedOut = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx);
  return head + logAddExp(stillAlive, droppedOut);
}

/** ln(e^p + e^q) without overflow. */
export function logAddExp(p: number, q: number): number {
  return p > q ? p + Math.log1p(Math.exp(q - p)) : q + Math.log1p(Math.exp(p - q));
}

/**
 * P(alive | x, t_x, T) = 1 / (1 + δ a/(b+x-1) ((α+T)/(α+t_x))^(r+x)); the odds are formed in
 * logs because the power overflows for customers with many purchases and a long silence.
 */
export function pAlive(params: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  return aliveFromLogOdds(bgnbdDeadLogOdds(params, x, tx, T));
}

/** ln((1 − P(alive)) / P(alive)); −Infinity for x = 0, who is alive for sure. */
export function bgnbdDeadLogOdds(params: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return -Infinity;
  const { r, alpha, a, b } = params;
  return Math.log(a / (b + x - 1)) + (r + x) * Math.log((alpha + T) / (alpha + tx));
}

/** 1 / (1 + e^logOdds), without overflow either way. */
export function aliveFromLogOdds(logOdds: number): number {
  return logOdds > 0 ? Math.exp(-logOdds) / (1 + Math.exp(-logOdds)) : 1 / (1 + Math.exp(logOdds));
}

/**
 * E[Y(t) | alive, x, T]: expected purchases in the next t for a customer known to be alive now.
 * Given alive, t_x no longer matters: the posterior rate is Gamma(r+x, α+T) and the drop-out
 * probability Beta(a, b+x). Equation (10) of the paper is P(alive) times this.
 *
 * The paper's 2F1(r+x, b+x; a+b+x-1; z) grows like (1-z)^-(x+r+1-a) and overflows for large x.
 * Euler's transformation turns the bracket into 1 - (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z),
 * whose series has two small parameters and converges fast. Writing 2F1 = 1 + (a-1)·S/c and
 * dividing by (a-1) analytically removes the 0/0 at a = 1; keeping c·(2F1 − 1) as one series
 * removes the pole at c = 0 (a + b = 1 with x = 0):
 *   E = c · (-expm1((a-1)L)/(a-1)) − e^((a-1)L) · S,  L = ln(1-z), z = t/(α+T+t), c = a+b+x-1,
 * with S = c · (2F1(a+b-1-r, a-1; c; z) − 1)/(a-1) from hyp2f1ScaledExcess.
 */
export function expectedPurchasesIfAlive(params: BgNbdParams, t: number, x: number, T: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = params;
  const c = a + b + x - 1;
  const z = t / (alpha + T + t);
  const logRest = Math.log((alpha + T) / (alpha + T + t));
  const epsilon = a - 1;
  // A fit at the box (a tiny shop) can put a near 1e6: the transformed series then climbs like
  // e^(first ratio) before it falls, and overflows. The paper's own series is tame there.
  if (epsilon > 0 && epsilon * (a + b - 1 - r) * z > TAME_SERIES * c) return paperForm(params, x, c, z, logRest);
  const y = epsilon * logRest;
  const growth = y === 0 ? -logRest : (Math.expm1(y) / y) * -logRest;
  return c * growth - Math.exp(y) * hyp2f1ScaledExcess(a + b - 1 - r, epsilon, c, z);
}

/** A series whose first term ratio is below this peaks under e^30: no overflow, little cancellation. */
const TAME_SERIES = 30;

/**
 * Equation (10)'s bracket as written, for a > 1: c/(a-1) · [1 − (1-z)^(r+x) 2F1(r+x, b+x; c; z)].
 * When r+x and b+x are large too (every parameter at the box), neither series is tame; both the
 * purchase rate and the drop-out probability are then nearly certain, and the expectation over
 * the drop-out probability p ~ Beta(a, b+x) is taken by three-point Gauss–Hermite around its mean.
 */
function paperForm(params: BgNbdParams, x: number, c: number, z: number, logRest: number): number {
  const { r, a, b } = params;
  if ((r + x) * (b + x) * z <= TAME_SERIES * c) {
    const head = Math.exp((r + x) * logRest);
    return (c * -Math.expm1((r + x) * logRest) - head * (b + x) * hyp2f1ScaledExcess(r + x, b + x, c, z)) / (a - 1);
  }
  const n = a + b + x;
  const mean = a / n;
  const spread = Math.sqrt((3 * mean * (1 - mean)) / (n + 1));
  // Given p, E[Y(t) | alive, λ-posterior] = (1/p)(1 − (1 + p·t/(α+T))^-(r+x)); t/(α+T) = z/(1-z).
  const ratio = z / (1 - z);
  const given = (p: number) => -Math.expm1(-(r + x) * Math.log1p(p * ratio)) / p;
  return (4 * given(mean) + given(mean - spread) + given(mean + spread)) / 6;
}

/** E[Y(t) | x, t_x, T], the paper's equation (10). */
export function expectedPurchases(params: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  return pAlive(params, x, tx, T) * expectedPurchasesIfAlive(params, t, x, T);
}

/**
 * E[X(t)] for a customer who has just made a first purchase, the paper's equation (9):
 * the conditional formula with no history (x = 0, T = 0) reduces to it exactly.
 */
export function unconditionalExpectedPurchases(params: BgNbdParams, t: number): number {
  return expectedPurchasesIfAlive(params, t, 0, 0);
}
