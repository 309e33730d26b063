/**
 * The win-back budget: what it is worth investing to win one lapsed customer back, the offer
 * that fits it, the make-good owed to a customer we harmed, and a campaign's total cap shared
 * out by expected return. Pure: no I/O, money in decimal.js.
 *
 * Rounding: the budget is rounded DOWN to the currency's minor unit (never promise more than the
 * ceiling); a make-good is rounded UP (an apology is never a cent short). Expected costs stay
 * unrounded when compared with either; since both sit on the minor-unit grid, showing an
 * expected cost rounded up gives the same verdict as the exact comparison.
 */
import type Decimal from 'decimal.js';
import { Money, currencyExponent, formatMoney } from './money';
import { CostedRung, FixedCreditRung, OfferLadder, rankLadder } from './offers';

const ZERO = new Money(0);

/** Which limit set the budget; 'zero' when winning the customer back is worth nothing. */
export type BindingRule = 'value' | 'cac' | 'cap' | 'zero';
/** What a customer worth nothing gets: a nostalgia email without an offer, or no email at all. */
export type ZeroValuePolicy = 'nostalgia-only' | 'exclude';

export interface BudgetPolicy {
  /** ISO 4217 code of the shop currency: the minor unit budgets round to. */
  readonly currency: string;
  /** Fraction of the value of winning back the shop is willing to invest, 0 ≤ share ≤ 1. */
  readonly share: number;
  /** What acquiring a comparable new customer costs. */
  readonly cac: Money;
  readonly perCustomerCap?: Money;
  readonly zeroValue: ZeroValuePolicy;
  /**
   * Whether the per-customer cap also limits a make-good. Off by default: the cap bounds what we
   * invest in winning someone back, the make-good repairs harm we did, and the articles are
   * clear that the apology is for the customer, not the bottom line. A shop that must give its
   * frontline staff one hard limit on any promise turns it on; the advisor then says so.
   */
  readonly makeGoodWithinCap: boolean;
}

export interface Budget {
  /** min(value × share, CAC, cap), never negative, rounded down to the minor unit. */
  amount: Money;
  rule: BindingRule;
  /** Value of winning back (negative counted as zero) × share, unrounded. */
  valueTimesShare: Money;
}

export function computeBudget(valueOfWinBack: Money, policy: BudgetPolicy): Budget {
  const valueTimesShare = valueOfWinBack.isNeg() ? ZERO : valueOfWinBack.mul(shareOf(policy));
  let rule: BindingRule = 'value';
  let limit = valueTimesShare;
  // Strict comparisons: on a tie the customer's own value is named, the most specific reason.
  if (policy.cac.lt(limit)) [rule, limit] = ['cac', policy.cac];
  const cap = policy.perCustomerCap;
  if (cap !== undefined && cap.lt(limit)) [rule, limit] = ['cap', cap];
  const amount = roundToMinor(limit, policy.currency, Money.ROUND_DOWN);
  return { amount, rule: rule === 'value' && amount.isZero() ? 'zero' : rule, valueTimesShare };
}

/** Checked and converted once per policy object: scoring asks for every customer. */
const shares = new WeakMap<BudgetPolicy, Money>();

function shareOf(policy: BudgetPolicy): Money {
  let share = shares.get(policy);
  if (share === undefined) {
    if (!(policy.share >= 0 && policy.share <= 1)) throw new RangeError(`share ${policy.share} must be between 0 and 1`);
    if (policy.cac.isNeg()) throw new RangeError('CAC must not be negative');
    if (policy.perCustomerCap?.isNeg()) throw new RangeError('per-customer cap must not be negative');
    share = new Money(policy.share);
    shares.set(policy, share);
  }
  return share;
}

function roundToMinor(amount: Money, currency: string, rounding: Decimal.Rounding): Money {
  return amount.toDecimalPlaces(currencyExponent(currency), rounding);
}

export type MakeGoodRule = { kind: 'amount'; amount: Money } | { kind: 'percent_of_harm'; percent: number };

/** How an incident harmed this customer. */
export interface Harm {
  incidentId: string;
  /** In the business's words, e.g. "your order of 12 March arrived nine days late". */
  whatHappened: string;
  /** The amount the harm is measured in (an overcharge, a late order's total); needed for percent_of_harm. */
  harmedAmount?: Money;
  makeGood: MakeGoodRule;
}

export interface MakeGood {
  incidentId: string;
  /** What the incident defines, rounded up to the minor unit. */
  owed: Money;
  /** What this customer gets at least: `owed`, or the cap when policy puts make-goods within it. */
  amount: Money;
  limitedByCap: boolean;
}

export function makeGoodFor(harm: Harm, policy: BudgetPolicy): MakeGood {
  const rule = harm.makeGood;
  if (rule.kind === 'percent_of_harm' && harm.harmedAmount === undefined) {
    throw new RangeError(`incident ${harm.incidentId}: a percent make-good needs the harmed amount`);
  }
  const raw = rule.kind === 'amount' ? rule.amount : (harm.harmedAmount as Money).mul(rule.percent).div(100);
  const owed = roundToMinor(raw.isNeg() ? ZERO : raw, policy.currency, Money.ROUND_UP);
  const cap = policy.makeGoodWithinCap ? policy.perCustomerCap : undefined;
  const limitedByCap = cap !== undefined && cap.lt(owed);
  const amount = limitedByCap ? roundToMinor(cap, policy.currency, Money.ROUND_DOWN) : owed;
  return { incidentId: harm.incidentId, owed, amount, limitedByCap };
}

/** 'offer': mail with the offer; 'nostalgia-only': mail without an offer; 'excluded': no mail. */
export type Treatment = 'offer' | 'nostalgia-only' | 'excluded';
export type NoOfferReason = 'zero-value' | 'no-rung-fits';
export type RejectReason = 'over-budget' | 'below-make-good' | 'zero-value';

export interface RejectedRung {
  rung: CostedRung;
  reason: RejectReason;
}

export interface OfferInput {
  customerId: string;
  valueOfWinBack: Money;
  /** Expected spend on the next order, E[M]. */
  expectedSpend: Money;
  harm?: Harm;
}

export interface OfferDecision {
  customerId: string;
  valueOfWinBack: Money;
  budget: Budget;
  makeGood: MakeGood | null;
  /** The most the offer may cost in expectation: the budget, raised to the make-good if owed. */
  ceiling: Money;
  treatment: Treatment;
  /** The chosen rung; for a harmed customer whose fitting rung is worth less, the make-good credit. */
  offer: CostedRung | null;
  noOfferReason: NoOfferReason | null;
  /** Rungs richer than the offer (and, when the make-good replaced it, the rung it replaced). */
  rejected: RejectedRung[];
}

export function decideOffer(input: OfferInput, ladder: OfferLadder, policy: BudgetPolicy): OfferDecision {
  if (input.expectedSpend.isNeg()) throw new RangeError(`customer ${input.customerId}: expected spend is negative`);
  const budget = computeBudget(input.valueOfWinBack, policy);
  const makeGood = input.harm ? makeGoodFor(input.harm, policy) : null;
  const owed = makeGood !== null && makeGood.amount.gt(0) ? makeGood : null;
  const ceiling = owed ? Money.max(budget.amount, owed.amount) : budget.amount;
  const ranked = rankLadder(ladder, input.expectedSpend);
  const choice =
    owed === null && budget.rule === 'zero'
      ? worthNothing(ranked, policy)
      : chooseRung(ranked, ceiling, owed && makeGoodCredit(owed, input.harm as Harm, policy));
  // Spelled out, not spread: scoring builds one of these per customer, and spreads cost more.
  const { treatment, offer, noOfferReason, rejected } = choice;
  const { customerId, valueOfWinBack } = input;
  return { customerId, valueOfWinBack, budget, makeGood, ceiling, treatment, offer, noOfferReason, rejected };
}

type Choice = Pick<OfferDecision, 'treatment' | 'offer' | 'noOfferReason' | 'rejected'>;

function worthNothing(ranked: CostedRung[], policy: BudgetPolicy): Choice {
  const rejected = ranked.map((rung): RejectedRung => ({ rung, reason: 'zero-value' }));
  const treatment = policy.zeroValue === 'exclude' ? 'excluded' : 'nostalgia-only';
  return { treatment, offer: null, noOfferReason: 'zero-value', rejected };
}

/** The richest rung within the ceiling; the make-good credit instead when that rung is worth less. */
function chooseRung(ranked: CostedRung[], ceiling: Money, makeGood: CostedRung | null): Choice {
  const fits = ranked.findIndex((costed) => costed.expectedCost.lte(ceiling));
  const chosen = fits === -1 ? null : ranked[fits];
  const rejected = ranked
    .slice(0, fits === -1 ? ranked.length : fits)
    .map((rung): RejectedRung => ({ rung, reason: 'over-budget' }));
  if (makeGood !== null && (chosen === null || chosen.costIfRedeemed.lt(makeGood.costIfRedeemed))) {
    if (chosen !== null) rejected.push({ rung: chosen, reason: 'below-make-good' });
    return { treatment: 'offer', offer: makeGood, noOfferReason: null, rejected };
  }
  if (chosen === null) return { treatment: 'nostalgia-only', offer: null, noOfferReason: 'no-rung-fits', rejected };
  return { treatment: 'offer', offer: chosen, noOfferReason: null, rejected };
}

/** Owed, not hoped for: planned as if always redeemed, so its expected cost is the full amount. */
function makeGoodCredit(makeGood: MakeGood, harm: Harm, policy: BudgetPolicy): CostedRung {
  const amount = makeGood.amount;
  const rung: FixedCreditRung = {
    kind: 'fixed_credit',
    id: `make-good:${harm.incidentId}`,
    label: `A ${formatMoney(amount, policy.currency)} ${policy.currency} credit to make up for what happened`,
    pRedeem: 1,
    amount,
  };
  return { rung, position: -1, costIfRedeemed: amount, expectedCost: amount };
}

/** 'make-good': owed, funded before anyone else; 'over-cap': the cap ran out, nostalgia only. */
export type AllocationOutcome = 'make-good' | 'funded' | 'over-cap' | 'no-offer';

export interface AllocationEntry {
  decision: OfferDecision;
  outcome: AllocationOutcome;
  treatment: Treatment;
  /** pRedeem × value of winning back: the margin the offer is expected to bring back. */
  expectedMargin: Money;
  /** expectedMargin per unit of expected cost; Infinity for an offer that costs nothing. */
  expectedReturn: Money;
}

export interface CampaignAllocation {
  cap: Money;
  /** Make-goods first, then offers by expected return, then customers without an offer. */
  entries: AllocationEntry[];
  makeGoodCost: Money;
  winBackCost: Money;
  /** Cap left after both; zero when make-goods alone exceed it (they are owed regardless). */
  remaining: Money;
}

/**
 * Shares a campaign's total cap on expected offer cost. Make-goods are owed, so they are funded
 * first and in full even past the cap; the rest goes greedily to the best expected return, and
 * an offer that no longer fits leaves its customer nostalgia-only while cheaper ones may still fit.
 * Ties: higher expected margin, then customer id, so a preview and a launch agree.
 */
export function allocateCampaignBudget(decisions: readonly OfferDecision[], cap: Money): CampaignAllocation {
  if (cap.isNeg()) throw new RangeError('campaign cap must not be negative');
  const entries = decisions.map(toKeyed).sort(allocationOrder).map((keyed) => keyed.entry);
  let makeGoodCost = ZERO;
  let spent = ZERO;
  for (const entry of entries) {
    const cost = entry.decision.offer?.expectedCost;
    if (cost === undefined) continue;
    const after = spent.plus(cost);
    if (entry.outcome === 'make-good') makeGoodCost = makeGoodCost.plus(cost);
    else if (after.gt(cap)) {
      entry.outcome = 'over-cap';
      entry.treatment = 'nostalgia-only';
      continue;
    }
    spent = after;
  }
  const remaining = spent.gt(cap) ? ZERO : cap.minus(spent);
  return { cap, entries, makeGoodCost, winBackCost: spent.minus(makeGoodCost), remaining };
}

const INFINITY = new Money(Infinity);
const OUTCOME_ORDER: Readonly<Record<AllocationOutcome, number>> = {
  'make-good': 0,
  funded: 1,
  'over-cap': 1,
  'no-offer': 2,
};

/** Float shadows of the decimals: a million-customer sort compares them first, exactly only on a tie. */
interface Keyed {
  entry: AllocationEntry;
  group: number;
  returnKey: number;
  marginKey: number;
}

function toKeyed(decision: OfferDecision): Keyed {
  const offer = decision.offer;
  const owed = decision.makeGood?.amount.gt(0) === true;
  const outcome: AllocationOutcome = offer === null ? 'no-offer' : owed ? 'make-good' : 'funded';
  const value = decision.valueOfWinBack.isNeg() ? ZERO : decision.valueOfWinBack;
  const expectedMargin = offer ? value.mul(offer.rung.pRedeem) : ZERO;
  const expectedReturn = offer && !offer.expectedCost.isZero() ? expectedMargin.div(offer.expectedCost) : INFINITY;
  const entry = { decision, outcome, treatment: decision.treatment, expectedMargin, expectedReturn };
  return { entry, group: OUTCOME_ORDER[outcome], returnKey: expectedReturn.toNumber(), marginKey: expectedMargin.toNumber() };
}

/**
 * Correctly rounded conversion to float never reverses an order, so floats that differ decide;
 * equal floats fall back to the exact decimals.
 */
function allocationOrder(a: Keyed, b: Keyed): number {
  if (a.group !== b.group) return a.group - b.group;
  if (a.entry.outcome === 'funded') {
    const byReturn = b.returnKey - a.returnKey || b.entry.expectedReturn.comparedTo(a.entry.expectedReturn);
    if (byReturn !== 0) return byReturn;
    const byMargin = b.marginKey - a.marginKey || b.entry.expectedMargin.comparedTo(a.entry.expectedMargin);
    if (byMargin !== 0) return byMargin;
  }
  const x = a.entry.decision.customerId;
  const y = b.entry.decision.customerId;
  return x < y ? -1 : x > y ? 1 : 0;
}
