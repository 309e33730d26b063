/**
 * The chance that a customer buys again within a window, under BG/NBD: the baseline a holdout is
 * expected to show, from which the preview works out the smallest lift the holdout can detect.
 * In BG/NBD a customer can drop out only right after a purchase, so one who is alive and makes no
 * purchase in the window is alive throughout it, and P(no purchase | alive) is the gamma mixture
 * of e^(−λt) over the posterior λ ~ Gamma(r + x, α + T): ((α+T) / (α+T+t))^(r+x). Exact, pure.
 */
import { BgNbdParams, pAlive } from './bgnbd';

export function pReactivation(params: BgNbdParams, t: number, x: number, tx: number, T: number): number {
  if (t <= 0) return 0;
  const { r, alpha } = params;
  return pAlive(params, x, tx, T) * -Math.expm1((r + x) * Math.log((alpha + T) / (alpha + T + t)));
}
