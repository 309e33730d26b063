/**
 * What a run changed, measured against its holdout (DESIGN.md, "Measuring ROI honestly"). Pure:
 * the report's SQL hands in totals per group, this turns them into the owner's figures.
 *
 * - incremental reactivation rate = treated rate − holdout rate, Newcombe's 95% interval;
 * - incremental margin = (mean margin per treated − mean per held-out customer) × treated, Welch's
 *   95% interval scaled the same way;
 * - ROI = (incremental margin − send cost) / (incentive cost + send cost): the incentive is already
 *   inside the revenue the orders record (they are net of discounts), so it is a cost in the
 *   denominator and never subtracted a second time;
 * - cost per incremental win-back = (incentive cost + send cost) / incremental reactivations.
 * A figure that cannot be computed (no holdout, no win-back, nothing spent) is null.
 */
import { Interval, Moments, newcombeDifference, normalQuantile, welchDifference } from './intervals';
import { currencyExponent, formatMoney, minorToMoney, Money, moneyFromStatistic } from './money';

/** One group's outcome in the attribution window; revenue per customer in minor units. */
export interface GroupOutcome {
  customers: number;
  reactivated: number;
  /** Σ over the group's customers of their net revenue in the window (minor units). */
  revenueMinor: number;
  /** Σ of each customer's net revenue squared (minor units², float): for the spread. */
  revenueSquares: number;
}

export interface RoiInputs {
  currency: string;
  /** Gross margin rate applied to net revenue. */
  marginRate: number;
  treated: GroupOutcome;
  holdout: GroupOutcome;
  /** Discounts given on redeemed codes (minor units): already inside revenue. */
  incentiveMinor: number;
  /** SEND_COST × emails sent. */
  sendCost: Money;
}

export interface MoneyEstimate {
  estimate: Money | null;
  lo: Money | null;
  hi: Money | null;
}

export interface RoiFigures {
  incrementalRate: { estimate: number | null; lo: number | null; hi: number | null };
  incrementalMargin: MoneyEstimate;
  /** (treated rate − holdout rate) × treated: the win-backs the campaign caused. */
  incrementalReactivations: number | null;
  roi: number | null;
  costPerWinBack: Money | null;
}

const NONE = { estimate: null, lo: null, hi: null };

export function roiFigures(input: RoiInputs): RoiFigures {
  const { treated, holdout, currency } = input;
  const measurable = treated.customers > 0 && holdout.customers > 0;
  const rate = measurable ? newcombeDifference(treated.reactivated, treated.customers, holdout.reactivated, holdout.customers) : null;
  const margin = measurable ? incrementalMargin(input) : NONE;
  const costs = minorToMoney(input.incentiveMinor, currency).plus(input.sendCost);
  const incrementalReactivations = rate ? rate.estimate * treated.customers : null;
  let roi: number | null = null;
  if (margin.estimate && costs.gt(0)) roi = margin.estimate.minus(input.sendCost).div(costs).toDecimalPlaces(4).toNumber();
  const costPerWinBack = incrementalReactivations !== null && incrementalReactivations > 1e-9 ? roundMoney(costs.div(moneyFromStatistic(incrementalReactivations)), currency) : null;
  return {
    incrementalRate: rate ? { estimate: rate.estimate, lo: rate.lo, hi: rate.hi } : NONE,
    incrementalMargin: margin,
    incrementalReactivations,
    roi,
    costPerWinBack,
  };
}

/** g × (sumT − sumH × nT / nH) exactly in decimal; the interval from Welch in float. */
function incrementalMargin(input: RoiInputs): MoneyEstimate {
  const { treated: t, holdout: h, marginRate: g, currency } = input;
  const minor = new Money(t.revenueMinor).minus(new Money(h.revenueMinor).mul(t.customers).div(h.customers)).mul(moneyFromStatistic(g));
  const estimate = roundMoney(minor.div(new Money(10).pow(currencyExponent(currency))), currency);
  const interval = welchDifference(moments(t), moments(h));
  if (!interval) return { estimate, lo: null, hi: null };
  const scale = (v: number) => roundMoney(moneyFromStatistic(v * g * t.customers).div(new Money(10).pow(currencyExponent(currency))), currency);
  return { estimate, lo: scale(interval.lo), hi: scale(interval.hi) };
}

function moments(g: GroupOutcome): Moments {
  return { n: g.customers, sum: g.revenueMinor, sumOfSquares: g.revenueSquares };
}

function roundMoney(m: Money, currency: string): Money {
  return new Money(formatMoney(m, currency));
}

/**
 * The smallest lift in reactivation rate (a fraction) a two-sided test at `alpha` detects with
 * `power`, for these group sizes and the holdout's expected baseline rate: the usual sample-size
 * formula for two proportions, solved for the difference by fixed-point iteration. Null without
 * two groups; 1 − baseline (or more) means no lift is detectable at all.
 */
export function minimumDetectableLift(treated: number, holdout: number, baseline: number, alpha = 0.05, power = 0.8): number | null {
  if (treated <= 0 || holdout <= 0 || !(baseline >= 0 && baseline < 1)) return null;
  const za = normalQuantile(1 - alpha / 2);
  const zb = normalQuantile(power);
  const p0 = baseline;
  let lift = (za + zb) * Math.sqrt(Math.max(p0 * (1 - p0), 1e-9) * (1 / treated + 1 / holdout));
  for (let i = 0; i < 100; i++) {
    const p1 = Math.min(p0 + lift, 1);
    const pooled = (treated * p1 + holdout * p0) / (treated + holdout);
    const next = za * Math.sqrt(pooled * (1 - pooled) * (1 / treated + 1 / holdout)) + zb * Math.sqrt((p1 * (1 - p1)) / treated + (p0 * (1 - p0)) / holdout);
    if (Math.abs(next - lift) < 1e-10) return next;
    lift = next;
  }
  return lift;
}

/** The lift at which the campaign pays for itself: costs / (treated × margin per win-back). */
export function breakEvenLift(costs: Money, treated: number, marginPerWinBack: Money): number | null {
  if (treated <= 0 || !marginPerWinBack.gt(0)) return null;
  return costs.div(marginPerWinBack.mul(treated)).toNumber();
}

export interface HoldoutAdvice {
  /** At 80% power and α = 0.05; null without a holdout. */
  minimumDetectableLift: number | null;
  /** Set when the holdout cannot tell the lift that would pay for the campaign from chance. */
  warning: string | null;
}

/**
 * Before launch: can this holdout tell a lift worth the budget from chance? `baseline` is the
 * share expected to come back on their own (the model's), `breakEvenLift` the lift at which the
 * campaign pays for itself. When it cannot, the smallest whole-percent holdout share that could.
 */
export function holdoutAdvice(p: { treated: number; holdout: number; baseline: number; breakEvenLift: number | null }): HoldoutAdvice {
  if (p.holdout === 0) return { minimumDetectableLift: null, warning: 'nobody is held out: what the campaign changes cannot be measured' };
  const mdl = minimumDetectableLift(p.treated, p.holdout, p.baseline);
  if (mdl === null || p.breakEvenLift === null || mdl <= p.breakEvenLift) return { minimumDetectableLift: mdl, warning: null };
  const audience = p.treated + p.holdout;
  let needed: number | null = null;
  for (let percent = 1; percent <= 50 && needed === null; percent++) {
    const held = Math.round((audience * percent) / 100);
    const lift = minimumDetectableLift(audience - held, held, p.baseline);
    if (lift !== null && lift <= p.breakEvenLift) needed = percent;
  }
  const advice = needed === null ? 'Even holding out half the audience would not.' : `Holding out ${needed}% would detect it.`;
  return {
    minimumDetectableLift: mdl,
    warning:
      `the holdout of ${p.holdout} customers can only detect a lift of ${points(mdl)} or more, but the campaign pays for itself at ${points(p.breakEvenLift)}: ` +
      `a result in between will look like chance. ${advice}`,
  };
}

export interface CaveatFacts {
  treated: number;
  holdout: number;
  /** Held-out customers who came back: the margin interval rests on their spends. */
  holdoutReactivated: number;
  /** From the holdout's size and its observed (or expected) rate. */
  minimumDetectableLift: number | null;
  incrementalRate: { lo: number | null; hi: number | null };
  windowOpen: boolean;
  windowTo: string;
  orderImportsSinceLaunch: number;
  opened: number;
  /** Codes redeemed at checkout whose order has not been imported. */
  redeemedWithoutOrder: number;
}

/** Below this many held-out comebacks Welch's interval covered under 93% in simulation (test/unit/domain/intervalCoverage.test.ts). */
const FEW_COMEBACKS = 30;

const points = (fraction: number) => `${Math.round(fraction * 1000) / 10} points`;

/** How sure the numbers are, in words an owner reads. */
export function caveats(f: CaveatFacts): string[] {
  const out: string[] = [];
  if (f.windowOpen) out.push(`preliminary: the attribution window is open until ${f.windowTo}; orders placed until then still count and may change every figure`);
  if (f.orderImportsSinceLaunch === 0) out.push('no orders have been imported since launch: import the shop\'s latest orders (or connect the order webhook) before reading this report');
  if (f.holdout === 0) out.push('nobody was held out: what the campaign changed cannot be measured, so the incremental figures, ROI and cost per win-back are empty');
  else if (f.minimumDetectableLift !== null && f.minimumDetectableLift > 0.05) {
    out.push(`the holdout has ${f.holdout} customers: too few to tell a 5-point lift from chance (the smallest lift it reliably detects is ${points(f.minimumDetectableLift)})`);
  }
  if (f.holdout > 0 && f.holdoutReactivated < FEW_COMEBACKS) {
    out.push(`only ${f.holdoutReactivated} held-out customer${f.holdoutReactivated === 1 ? '' : 's'} came back: the incremental margin's interval is rougher than its 95% says (simulations put it nearer 90%)`);
  }
  const { lo, hi } = f.incrementalRate;
  if (lo !== null && hi !== null && lo <= 0 && hi >= 0) out.push('the incremental reactivation rate\'s 95% interval includes zero: the campaign may have changed nothing');
  if (f.opened > 0) out.push('opens are shown but unreliable: mail privacy proxies open every message, so no figure here uses them');
  if (f.redeemedWithoutOrder > 0) {
    out.push(`${f.redeemedWithoutOrder} code${f.redeemedWithoutOrder === 1 ? ' was' : 's were'} redeemed at checkout on an order not imported yet: its revenue is missing until it is`);
  }
  return out;
}
