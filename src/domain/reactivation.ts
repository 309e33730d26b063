/**
 * The chance that a customer buys again within a window: the baseline a holdout is expected to
 * show, from which the preview works out the smallest lift the holdout can detect.
 * BG/NBD: a customer can drop out only right after a purchase, so one who is alive and makes no
 * purchase in the window is alive throughout it, and P(no purchase | alive) is the gamma mixture
 * of e^(−λt) over the posterior λ ~ Gamma(r + x, α + T): ((α+T) / (α+T+t))^(r+x). Exact, pure.
 * Pareto/NBD: the same expression, which there ignores a dropout inside the window, so it is an
 * upper bound on the chance; over a window of weeks to a few months the difference is small.
 */
import { aliveProbability, PurchaseParams } from './purchaseModel';

export function pReactivation(params: PurchaseParams, t: number, x: number, tx: number, T: number): number {
  if (t <= 0) return 0;
  const { r, alpha } = params;
  return aliveProbability(params, x, tx, T) * -Math.expm1((r + x) * Math.log((alpha + T) / (alpha + T + t)));
}
