/**
 * What the demo's simulated customers do after a launch, decided up front from a seed. Everyone
 * enrolled, treated or held out, buys "anyway" with their own baseline probability (the fitted
 * model's P(at least one purchase in the window)); a treated customer who would not have bought
 * is won back with a known extra probability. So the true effect of the campaign on the
 * reactivation rate is known exactly, and the report's estimate of it can be checked.
 */
import { formatMoney, moneyFromStatistic } from './money';
import { mixSeeds, mulberry32, standardNormal } from './random';

export interface SimulatedCustomer {
  customerId: number;
  holdout: boolean;
  /** Whether their enrolment carries an offer (a code to redeem). */
  hasOffer: boolean;
  /** P(at least one purchase in the window) if the campaign did nothing. */
  baseline: number;
  /** The model's expected value of their next order, in the run's currency. */
  expectedSpend: number;
}

export interface SimulationSettings {
  seed: number;
  /** P(won back | treated and would not have bought anyway). */
  extraProbability: number;
  /** The attribution window: every simulated order falls inside it. */
  windowDays: number;
  currency: string;
}

export interface CustomerPlan {
  customerId: number;
  holdout: boolean;
  hasOffer: boolean;
  /** Days after launch of the order this customer places whatever we do; null: none in the window. */
  baselineOrderAfterDays: number | null;
  /** Treated only: the campaign wins them back; they follow the offer email's link and order. */
  wonBack: boolean;
  /** Treated only: their mail client loads the emails' images (the open pixel). */
  opens: boolean;
  /** How long after the offer email arrives a won-back customer acts on it. */
  respondAfterDays: number;
  /** Whether a customer who buys anyway, after the offer email, uses its code. */
  usesCodeAnyway: boolean;
  /** The order's amount before any discount: their expected spend with some spread, at least MIN_ORDER. */
  amount: string;
}

export interface SimulationPlan {
  customers: CustomerPlan[];
  /** extra × mean(1 − baseline) over the audience: the reactivation rate the campaign adds. */
  trueUplift: number;
}

const OPEN_SHARE = 0.35;
const CODE_USE_ANYWAY = 0.5;
/** Spread of order amounts around the expected spend (log-normal, mean kept). */
const AMOUNT_SIGMA = 0.4;
/**
 * No order is smaller than this: above the demo ladder's largest fixed credit (10.00), so no
 * order is paid in full by its code, which would make it a zero-amount order that counts for nobody.
 */
const MIN_ORDER = 15;
/** Orders fall in [EDGE_DAYS, window − EDGE_DAYS]: clear of the launch instant and the window's end. */
const EDGE_DAYS = 0.5;

export function planCustomers(audience: readonly SimulatedCustomer[], settings: SimulationSettings): SimulationPlan {
  const sorted = [...audience].sort((a, b) => a.customerId - b.customerId);
  const customers = sorted.map((c) => planOne(c, settings));
  const notBuyingAnyway = sorted.reduce((sum, c) => sum + (1 - c.baseline), 0);
  return { customers, trueUplift: sorted.length ? (settings.extraProbability * notBuyingAnyway) / sorted.length : 0 };
}

/** Each customer draws from a stream of their own, always the same number of draws in the same order. */
function planOne(c: SimulatedCustomer, s: SimulationSettings): CustomerPlan {
  const random = mulberry32(mixSeeds(s.seed, c.customerId));
  const buysAnyway = random() < c.baseline;
  const when = random();
  const wonBack = random() < s.extraProbability;
  const opens = random() < OPEN_SHARE;
  const respond = random();
  const usesCode = random() < CODE_USE_ANYWAY;
  const spread = Math.exp(AMOUNT_SIGMA * standardNormal(random) - (AMOUNT_SIGMA * AMOUNT_SIGMA) / 2);
  const treated = !c.holdout;
  // Someone who buys anyway is reactivated already; the campaign can only add the others.
  const won = treated && !buysAnyway && wonBack;
  return {
    customerId: c.customerId,
    holdout: c.holdout,
    hasOffer: c.hasOffer,
    baselineOrderAfterDays: buysAnyway ? EDGE_DAYS + when * (s.windowDays - 2 * EDGE_DAYS) : null,
    wonBack: won,
    opens: treated && (opens || won),
    respondAfterDays: 0.1 + respond * 4.8,
    usesCodeAnyway: treated && c.hasOffer && usesCode,
    amount: formatMoney(moneyFromStatistic(Math.max(MIN_ORDER, c.expectedSpend * spread)), s.currency),
  };
}
