/**
 * Pareto/NBD purchase model (Schmittlein, Morrison & Colombo 1987), with the likelihood as
 * Fader, Hardie & Lee (2005) "A note on implementing the Pareto/NBD model" write it:
 *
 *   L = Γ(r+x) α^r β^s / Γ(r) · { (α+T)^-(r+x) (β+T)^-s + s/(r+s+x) · A0 }
 *
 * where A0 is a difference of two Gauss hypergeometric functions, one at t_x and one at T. Both
 * are the same function of the time: (s/(r+s+x)) A0 = s (G(t_x) − G(T)) with
 *
 *   G(t) = ∫_t^∞ (α+τ)^-(r+x) (β+τ)^-(s+1) dτ
 *        = (α+t)^-(r+x) (β+t)^-(s+1) (κ+t)/(r+s+x) · 2F1(1, b; r+s+x+1; z)
 *
 * (the integral over when the customer died: rate λ^x e^-λτ times the density of dying at τ).
 * For α ≥ β: κ = β, b = r+x, z = (α−β)/(α+t); for α < β: κ = α, b = s+1, z = (β−α)/(β+t).
 * This is the note's 2F1(r+s+x, s+1; r+s+x+1; z) (resp. (.., r+x; ..)) after Euler's
 * transformation, which leaves a series whose terms fall monotonically (ratio < z) whatever x:
 * no overflow for heavy buyers, and one pass also yields the derivatives the fit needs.
 * Everything is in logs, as in bgnbd.ts.
 */
import { aliveFromLogOdds } from './bgnbd';
import { lnGamma } from './specialFunctions';

export interface ParetoNbdParams {
  /** Shape and scale of the gamma heterogeneity in purchase rates λ. */
  r: number;
  alpha: number;
  /** Shape and scale of the gamma heterogeneity in drop-out rates μ. */
  s: number;
  beta: number;
}

/**
 * A series this long means z is within ~0.001 of 1 (β a thousandth of α or less): parameters
 * far outside anything a shop fits, which the optimizer then steps back from (NaN).
 */
const MAX_TERMS = 50_000;

/**
 * 2F1(1, b; c; z) for 0 ≤ z < 1 and 0 < b < c, with its derivatives in b, c and z. Each term is
 * the previous one times (b+k)/(c+k) z < z, so the tail after a term is below term · z/(1−z).
 * NaN when it would take more than MAX_TERMS terms.
 */
export function hyp2f1UnitA(b: number, c: number, z: number): { value: number; db: number; dc: number; dz: number } {
  let [value, db, dc, dz] = [1, 0, 0, 0];
  let [term, hb, hc] = [1, 0, 0];
  for (let k = 1; k < MAX_TERMS; k++) {
    // zTerm is term_k / z, so dz = Σ k term_k / z needs no division by z (which may be 0).
    const zTerm = (term * (b + k - 1)) / (c + k - 1);
    term = zTerm * z;
    hb += 1 / (b + k - 1);
    hc += 1 / (c + k - 1);
    value += term;
    db += term * hb;
    dc -= term * hc;
    dz += k * zTerm;
    if (term * (k + 1) <= 1e-17 * value * (1 - z)) return { value, db, dc, dz };
  }
  return { value: NaN, db: NaN, dc: NaN, dz: NaN };
}

/**
 * ln G(t) for a customer with x repeat purchases; with `gradient` (length 4), also
 * ∂ ln G / ∂(r, α, s, β).
 */
export function lnTailIntegral(params: ParetoNbdParams, x: number, t: number, gradient?: Float64Array): number {
  const { r, alpha, s, beta } = params;
  const [p, q, n] = [r + x, s + 1, r + x + s];
  const [lnA, lnB] = [Math.log(alpha + t), Math.log(beta + t)];
  const alphaLarger = alpha >= beta;
  const z = alphaLarger ? (alpha - beta) / (alpha + t) : (beta - alpha) / (beta + t);
  const f = hyp2f1UnitA(alphaLarger ? p : q, n + 1, z);
  const lnG = -p * lnA - q * lnB + (alphaLarger ? lnB : lnA) - Math.log(n) + Math.log(f.value);
  if (gradient) {
    const [db, dc, dz] = [f.db / f.value, f.dc / f.value, f.dz / f.value];
    const [invA, invB] = [1 / (alpha + t), 1 / (beta + t)];
    // b is r+x (α ≥ β) or s+1 (α < β); c = n+1 moves with both r and s.
    gradient[0] = -lnA - 1 / n + dc + (alphaLarger ? db : 0);
    gradient[2] = -lnB - 1 / n + dc + (alphaLarger ? 0 : db);
    if (alphaLarger) {
      gradient[1] = -p * invA + dz * (beta + t) * invA * invA;
      gradient[3] = -(q - 1) * invB - dz * invA;
    } else {
      gradient[1] = -(p - 1) * invA - dz * invB;
      gradient[3] = -q * invB + dz * (alpha + t) * invB * invB;
    }
  }
  return lnG;
}

/** ln Γ(r+x) α^r β^s / Γ(r): the part of ln L that depends on x alone. */
function lnHead(params: ParetoNbdParams, x: number): number {
  const { r, alpha, s, beta } = params;
  return lnGamma(r + x) - lnGamma(r) + r * Math.log(alpha) + s * Math.log(beta);
}

/** ln of "alive throughout": (α+T)^-(r+x) (β+T)^-s. */
function lnAliveTerm(params: ParetoNbdParams, x: number, T: number): number {
  return -(params.r + x) * Math.log(params.alpha + T) - params.s * Math.log(params.beta + T);
}

/** ln of s (G(t_x) − G(T)): "died between the last purchase and T". −Infinity when t_x = T. */
function lnDiedTerm(params: ParetoNbdParams, x: number, tx: number, T: number): number {
  const [g1, g2] = [lnTailIntegral(params, x, tx), lnTailIntegral(params, x, T)];
  return Math.log(params.s) + g1 + Math.log(-Math.expm1(Math.min(0, g2 - g1)));
}

/** ln L(r, α, s, β | x, t_x, T). */
export function paretoNbdLogLikelihood(params: ParetoNbdParams, x: number, tx: number, T: number): number {
  const [alive, died] = [lnAliveTerm(params, x, T), lnDiedTerm(params, x, tx, T)];
  const m = Math.max(alive, died);
  return lnHead(params, x) + m + Math.log(Math.exp(alive - m) + Math.exp(died - m));
}

/** P(alive | x, t_x, T) = 1 / (1 + (s/(r+s+x)) (α+T)^(r+x) (β+T)^s A0). */
export function paretoPAlive(params: ParetoNbdParams, x: number, tx: number, T: number): number {
  return aliveFromLogOdds(paretoDeadLogOdds(params, x, tx, T));
}

/** ln((1 − P(alive)) / P(alive)). */
export function paretoDeadLogOdds(params: ParetoNbdParams, x: number, tx: number, T: number): number {
  return lnDiedTerm(params, x, tx, T) - lnAliveTerm(params, x, T);
}

/**
 * E[Y(t) | alive, x, T] = (r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^(s−1)]; the bracket
 * over (s−1) is written with expm1 so s = 1 (where it tends to ln((β+T+t)/(β+T))) is exact.
 */
export function paretoExpectedPurchasesIfAlive(params: ParetoNbdParams, t: number, x: number, T: number): number {
  if (t <= 0) return 0;
  const { r, alpha, s, beta } = params;
  const grow = Math.log1p(t / (beta + T));
  const epsilon = s - 1;
  const y = epsilon * grow;
  const bracket = y === 0 ? grow : -Math.expm1(-y) / epsilon;
  return ((r + x) * (beta + T) * bracket) / (alpha + T);
}

/** E[Y(t) | x, t_x, T] = P(alive) · E[Y(t) | alive]. */
export function paretoExpectedPurchases(params: ParetoNbdParams, t: number, x: number, tx: number, T: number): number {
  return paretoPAlive(params, x, tx, T) * paretoExpectedPurchasesIfAlive(params, t, x, T);
}
