/**
 * Draws of the fitted parameters from their asymptotic normal on the log scale — the scale the
 * fits optimize on and the parameter intervals are built on (hessian.ts) — for the per-customer
 * intervals. Seeded with mulberry32, so the same model gives the same draws on every run.
 */
import type { GammaGammaParams } from './gammaGamma';
import { cholesky } from './hessian';
import { isParetoNbd, PurchaseParams } from './purchaseModel';
import { mulberry32, standardNormal } from './random';

/** A few hundred draws pin a 5% or 95% quantile to about 0.15 standard deviations. */
export const PARAMETER_DRAWS = 200;
/** Issue 14: fixed, so `score` twice gives the same intervals. */
export const DRAW_SEED = 14;

export function purchaseVector(params: PurchaseParams): number[] {
  return isParetoNbd(params) ? [params.r, params.alpha, params.s, params.beta] : [params.r, params.alpha, params.a, params.b];
}

export function purchaseFromVector(like: PurchaseParams, v: ArrayLike<number>): PurchaseParams {
  return isParetoNbd(like) ? { r: v[0], alpha: v[1], s: v[2], beta: v[3] } : { r: v[0], alpha: v[1], a: v[2], b: v[3] };
}

export const spendVector = (params: GammaGammaParams): number[] => [params.p, params.q, params.gamma];

/**
 * The covariance of ln θ from the stored covariance of θ (the delta method run backwards:
 * cov(ln θi, ln θj) = cov(θi, θj) / (θi θj)). Undefined when there is none (a model fitted
 * before issue 14) or any entry is missing (a parameter the data could not pin down).
 */
export function logCovariance(theta: readonly number[], covariance: ReadonlyArray<ReadonlyArray<number | null>> | undefined): number[][] | undefined {
  if (covariance === undefined || covariance.length !== theta.length) return undefined;
  const out = covariance.map((row, i) => row.map((v, j) => (v === null ? NaN : v / (theta[i] * theta[j]))));
  return out.every((row) => row.every(Number.isFinite)) ? out : undefined;
}

/**
 * `draws` offsets δ = ln θ − ln θ̂ ~ N(0, Σ), row-major (draw d at d·n .. d·n+n−1), and the
 * parameters they stand for. `accept` may refuse a draw (a Gamma-Gamma q ≤ 1 has no finite mean
 * spend); it is drawn again, so the draws follow the normal conditioned on the model making
 * sense. Undefined when Σ is not positive definite.
 */
export function drawLogOffsets(
  theta: readonly number[],
  logCov: readonly (readonly number[])[],
  random: () => number,
  draws = PARAMETER_DRAWS,
  accept: (params: number[]) => boolean = () => true,
): { offsets: Float64Array; params: number[][] } | undefined {
  const l = cholesky(logCov);
  if (l === undefined) return undefined;
  const n = theta.length;
  const offsets = new Float64Array(draws * n);
  const params: number[][] = [];
  for (let d = 0, tries = 0; d < draws; tries++) {
    if (tries > 100 * draws) return undefined;
    const z = theta.map(() => standardNormal(random));
    const delta = theta.map((_, i) => l[i].reduce((sum, lik, k) => sum + lik * z[k], 0));
    const drawn = theta.map((t, i) => t * Math.exp(delta[i]));
    if (!accept(drawn)) continue;
    offsets.set(delta, d * n);
    params.push(drawn);
    d++;
  }
  return { offsets, params };
}

/** A seeded stream for the draws: the purchase model's first, then the spend model's. */
export const drawStream = (): (() => number) => mulberry32(DRAW_SEED);
