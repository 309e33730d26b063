/**
 * Customer lifetime value from the two fitted models, and the vectorised scorer.
 *
 * Convention (lifetimes' `customer_lifetime_value`, the one most readers will check us against):
 *   CLV = g · Σ_{i=1..H} (E[Y(i·M)] − E[Y((i−1)·M)]) · E[M] / (1+d)^i
 * with E[Y] the conditional expected purchases given (x, t_x, T), E[M] the Gamma-Gamma
 * conditional mean spend, d the discount rate per month, H months, g the gross margin rate and
 * M one month in the model's time unit: 4.345 weeks (lifetimes' freq="W"). For a model in days
 * M is 4.345 · 7 = 30.415 days rather than lifetimes' 30, so the same shop scored in days or in
 * weeks gets the same value. With g = 1 and weeks this is lifetimes' number exactly.
 *
 * "If won back" is the same sum with the customer alive now, i.e. E[Y | alive] in place of E[Y].
 * Since E[Y] = P(alive) · E[Y | alive], CLV as is = P(alive) · CLV if won back, and the value of
 * winning back is (1 − P(alive)) · CLV if won back.
 */
import { aliveProbability as pAlive, PurchaseParams, purchasesIfAlive as expectedPurchasesIfAlive } from './purchaseModel';
import { expectedSpend, GammaGammaParams } from './gammaGamma';
import { groupRows } from './grouping';
import { DAYS_PER_UNIT, TimeUnit } from './rfm';

export const WEEKS_PER_MONTH = 4.345;

export function unitsPerMonth(unit: TimeUnit): number {
  return (WEEKS_PER_MONTH * 7) / DAYS_PER_UNIT[unit];
}

export interface ClvOptions {
  unit: TimeUnit;
  /** H, the horizon in months; default 12. */
  months?: number;
  /** d, per month; default 0.01 (lifetimes' default, about 12.7% a year). */
  discountRate?: number;
  /** g, gross margin rate in [0, 1]; default 1, i.e. revenue. */
  margin?: number;
}

export interface Clv {
  asIs: number;
  ifWon: number;
  valueOfWinBack: number;
}

/** Σ_i ΔE[Y | alive] / (1+d)^i over the horizon: depends on x and T only, so it is shared. */
export function discountedPurchasesIfAlive(params: PurchaseParams, x: number, T: number, options: ClvOptions): number {
  const month = unitsPerMonth(options.unit);
  const months = options.months ?? 12;
  const growth = 1 + (options.discountRate ?? 0.01);
  let [total, previous, discount] = [0, 0, 1];
  for (let i = 1; i <= months; i++) {
    const cumulative = expectedPurchasesIfAlive(params, i * month, x, T);
    discount /= growth;
    total += (cumulative - previous) * discount;
    previous = cumulative;
  }
  return total;
}

export interface ValueModel {
  /** The purchase model: BG/NBD, or Pareto/NBD for a model fitted with `--model pareto-nbd`. */
  bgnbd: PurchaseParams;
  gammaGamma: GammaGammaParams;
}

/** One customer's CLV as is, if won back, and the difference. */
export function customerLifetimeValue(
  model: ValueModel,
  customer: { x: number; tx: number; T: number; monetary: number },
  options: ClvOptions,
): Clv {
  const { x, tx, T, monetary } = customer;
  const perPurchase = expectedSpend(model.gammaGamma, x, monetary) * (options.margin ?? 1);
  const ifWon = discountedPurchasesIfAlive(model.bgnbd, x, T, options) * perPurchase;
  const alive = pAlive(model.bgnbd, x, tx, T);
  return { asIs: alive * ifWon, ifWon, valueOfWinBack: (1 - alive) * ifWon };
}

export interface ScoreOptions extends ClvOptions {
  /** Expected purchases are counted over the next `horizon` time units; default 52 weeks. */
  horizon?: number;
}

export interface CustomerColumns {
  readonly length: number;
  readonly x: Float64Array;
  readonly tx: Float64Array;
  readonly T: Float64Array;
  readonly monetary: Float64Array;
}

/** Per-customer scores, index-aligned with the summary. */
export interface Scores {
  readonly length: number;
  readonly pAlive: Float64Array;
  readonly expectedPurchases: Float64Array;
  /** Expected value of one future purchase (Gamma-Gamma conditional mean), before margin. */
  readonly expectedSpend: Float64Array;
  readonly clvAsIs: Float64Array;
  readonly clvIfWon: Float64Array;
  readonly valueOfWinBack: Float64Array;
  /** Distinct (x, T) pairs the hypergeometric work was done for. */
  readonly patterns: number;
}

/**
 * Scores every customer. The costly part (the 2F1 series for the horizon and each month) needs
 * only (x, T) — see expectedPurchasesIfAlive — so it runs once per distinct pair, which is
 * coarser than (x, t_x, T) and so shares more; P(alive) and E[M] are a few flops per customer.
 */
export function scoreAll(customers: CustomerColumns, model: ValueModel, options: ScoreOptions): Scores {
  if (!(model.gammaGamma.q > 1)) {
    throw new RangeError(`Gamma-Gamma q = ${model.gammaGamma.q} <= 1: the expected spend is infinite`);
  }
  const n = customers.length;
  const horizon = options.horizon ?? (52 * 7) / DAYS_PER_UNIT[options.unit];
  const margin = options.margin ?? 1;
  const pairs = groupRows([customers.x, customers.T], n);
  const pairAhead = new Float64Array(pairs.count);
  const pairDiscounted = new Float64Array(pairs.count);
  for (let g = 0; g < pairs.count; g++) {
    const row = pairs.firstRow[g];
    const [x, T] = [customers.x[row], customers.T[row]];
    pairAhead[g] = expectedPurchasesIfAlive(model.bgnbd, horizon, x, T);
    pairDiscounted[g] = discountedPurchasesIfAlive(model.bgnbd, x, T, options);
  }
  const scores = {
    length: n,
    pAlive: new Float64Array(n),
    expectedPurchases: new Float64Array(n),
    expectedSpend: new Float64Array(n),
    clvAsIs: new Float64Array(n),
    clvIfWon: new Float64Array(n),
    valueOfWinBack: new Float64Array(n),
    patterns: pairs.count,
  };
  for (let i = 0; i < n; i++) {
    const g = pairs.groupOf[i];
    const x = customers.x[i];
    const alive = pAlive(model.bgnbd, x, customers.tx[i], customers.T[i]);
    const spend = expectedSpend(model.gammaGamma, x, customers.monetary[i]);
    const ifWon = pairDiscounted[g] * spend * margin;
    scores.pAlive[i] = alive;
    scores.expectedPurchases[i] = alive * pairAhead[g];
    scores.expectedSpend[i] = spend;
    scores.clvIfWon[i] = ifWon;
    scores.clvAsIs[i] = alive * ifWon;
    scores.valueOfWinBack[i] = (1 - alive) * ifWon;
  }
  return scores;
}
