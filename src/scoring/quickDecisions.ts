/**
 * decideOffer's answer for one customer without decimal.js, where floats provably give it
 * (issue 16: decimal arithmetic was most of `score` on a shop whose customers mostly have
 * something to win back). The budget rule and the offer choice only compare and round down:
 * value × share against CAC and the cap, then each rung's expected cost against the budget.
 * Computed in float minor units, each comparison is exact unless the two sides are within
 * MARGIN of each other (a float product of 15-digit decimals is off by ~1e-15 relative); then,
 * and for a harmed customer, the caller runs decideOffer. test/unit/scoring/quickDecisions.test.ts
 * compares both on random and tie-adjacent values.
 */
import type { BudgetPolicy } from '../domain/budget';
import { currencyExponent, Money } from '../domain/money';
import type { OfferLadder, OfferRung } from '../domain/offers';
import type { Decisions } from './decisions';

/** Minor units closer than this are treated as a possible tie: decided exactly instead. */
const MARGIN = 1e-6;
/** Beyond this many minor units a double's ulp is no longer far below MARGIN. */
const LIMIT = 1e8;

const RULE = { value: 0, cac: 1, cap: 2, zero: 3 } as const;
const TREATMENT = { offer: 0, 'nostalgia-only': 1, excluded: 2 } as const;

interface QuickRung {
  id: string;
  /** For percent off: percent / 100, pRedeem and the cap on the discount in minor units. */
  percent?: { fraction: number; pRedeem: number; maxMinor: number };
  /** For every other kind: the expected cost in minor units, the same for everyone. */
  fixed?: { expected: number };
}

/** Writes row `row` of `out` and returns true, or returns false when the floats cannot tell. */
export type QuickDecision = (value: number, spend: number, out: Decisions, row: number, offerIndex: Map<string, number>) => boolean;

const scaled = (amount: Money, scale: number): number => amount.mul(scale).toNumber();

export function quickDecider(policy: BudgetPolicy, ladder: OfferLadder): QuickDecision | undefined {
  const scale = 10 ** currencyExponent(policy.currency);
  if (!(policy.share >= 0 && policy.share <= 1) || policy.cac.isNeg() || policy.perCustomerCap?.isNeg()) return undefined;
  const cac = scaled(policy.cac, scale);
  const cap = policy.perCustomerCap === undefined ? Infinity : scaled(policy.perCustomerCap, scale);
  if (cac > LIMIT || (cap !== Infinity && cap > LIMIT)) return undefined;
  // Unequal decimals that round to one float would name a different binding rule.
  if (cap !== Infinity && near(cac, cap) && !policy.cac.eq(policy.perCustomerCap as Money)) return undefined;
  const rungs = ladder.map((rung) => quickRung(rung, scale));
  const expected = new Float64Array(rungs.length);
  const share = policy.share;
  const zeroTreatment = policy.zeroValue === 'exclude' ? TREATMENT.excluded : TREATMENT['nostalgia-only'];

  return (value, spend, out, row, offerIndex) => {
    if (!(spend >= 0) || !Number.isFinite(value)) return false;
    const limit = value <= 0 ? 0 : value * share * scale;
    if (!(limit < LIMIT) || near(limit, cac) || near(limit, cap)) return false;
    let [rule, bound]: [number, number] = [RULE.value, limit];
    if (cac < bound) [rule, bound] = [RULE.cac, cac];
    if (cap < bound) [rule, bound] = [RULE.cap, cap];
    const budget = Math.floor(bound);
    // Near a whole minor unit only CAC and the cap, exact decimals, are exact in floats too.
    if ((bound - budget < MARGIN || budget + 1 - bound < MARGIN) && (rule === RULE.value || bound !== budget)) return false;
    if (rule === RULE.value && budget === 0) rule = RULE.zero;
    out.budgetMinor[row] = budget;
    out.rule[row] = rule;
    if (rule === RULE.zero) {
      out.treatment[row] = zeroTreatment;
      out.offer[row] = -1;
      return true;
    }
    // The richest rung within the budget: the largest expected cost that fits; ties are exact work.
    let chosen = -1;
    for (let k = 0; k < rungs.length; k++) {
      const rung = rungs[k];
      if (rung.fixed) expected[k] = rung.fixed.expected;
      else {
        const { fraction, pRedeem, maxMinor } = rung.percent as NonNullable<QuickRung['percent']>;
        const discount = spend * scale * fraction;
        if (near(discount, maxMinor)) return false;
        expected[k] = Math.min(discount, maxMinor) * pRedeem;
      }
      if (near(expected[k], budget)) return false;
      if (expected[k] > budget) continue;
      if (chosen !== -1 && near(expected[k], expected[chosen])) return false;
      if (chosen === -1 || expected[k] > expected[chosen]) chosen = k;
    }
    if (chosen === -1) {
      out.treatment[row] = TREATMENT['nostalgia-only'];
      out.offer[row] = -1;
      return true;
    }
    const id = rungs[chosen].id;
    let index = offerIndex.get(id);
    if (index === undefined) offerIndex.set(id, (index = out.offerIds.push(id) - 1));
    out.treatment[row] = TREATMENT.offer;
    out.offer[row] = index;
    return true;
  };
}

function near(a: number, b: number): boolean {
  return Math.abs(a - b) < MARGIN;
}

function quickRung(rung: OfferRung, scale: number): QuickRung {
  if (rung.kind === 'percent_off') {
    const maxMinor = rung.maxDiscount === undefined ? Infinity : scaled(rung.maxDiscount, scale);
    return { id: rung.id, percent: { fraction: rung.percent / 100, pRedeem: rung.pRedeem, maxMinor } };
  }
  const cost = rung.kind === 'fixed_credit' ? rung.amount : rung.kind === 'free_shipping' ? rung.shippingCost : rung.giftCost;
  return { id: rung.id, fixed: { expected: scaled(cost.mul(new Money(rung.pRedeem)), scale) } };
}
