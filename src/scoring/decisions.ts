/**
 * Budget and offer for a run of customers, kept as a few numbers each. An OfferDecision object
 * per customer measured 1.8 GB at a million customers; what survives the loop here is the
 * budget in minor units, the binding rule, the treatment and an index into the distinct offer
 * ids. Pure, so the same code runs on the main thread and in decisionWorker.ts.
 */
import { BindingRule, BudgetPolicy, decideOffer, Harm, OfferDecision, Treatment } from '../domain/budget';
import { currencyExponent, Money, moneyFromStatistic } from '../domain/money';
import type { OfferLadder } from '../domain/offers';
import { quickDecider } from './quickDecisions';

export const RULES: readonly BindingRule[] = ['value', 'cac', 'cap', 'zero'];
export const TREATMENTS: readonly Treatment[] = ['offer', 'nostalgia-only', 'excluded'];

export interface DecisionInput {
  policy: BudgetPolicy;
  ladder: OfferLadder;
  /** Harms of open incidents by customer id. */
  harms: ReadonlyMap<number, Harm>;
  customerId: Int32Array;
  /** Float statistics from scoreAll; they become money through moneyFromStatistic here. */
  valueOfWinBack: Float64Array;
  expectedSpend: Float64Array;
}

export interface Decisions {
  budgetMinor: Float64Array;
  /** Index into RULES. */
  rule: Uint8Array;
  /** Index into TREATMENTS. */
  treatment: Uint8Array;
  /** Index into offerIds; -1 for no offer. */
  offer: Int32Array;
  /** Distinct offer ids: the ladder's rungs and any make-good credits. */
  offerIds: string[];
}

const ZERO = new Money(0);

type Kept = Pick<OfferDecision, 'budget' | 'treatment' | 'offer'>;

/** Decides rows from .. to-1 of the input; the result's row 0 is input row `from`. */
export function decideRows(input: DecisionInput, from = 0, to = input.customerId.length): Decisions {
  const { policy, ladder, harms } = input;
  const n = to - from;
  const out: Decisions = { budgetMinor: new Float64Array(n), rule: new Uint8Array(n), treatment: new Uint8Array(n), offer: new Int32Array(n), offerIds: [] };
  const scale = 10 ** currencyExponent(policy.currency);
  const offerIndex = new Map<string, number>();
  const write = (row: number, decision: Kept) => {
    out.budgetMinor[row] = Math.round(decision.budget.amount.toNumber() * scale);
    out.rule[row] = RULES.indexOf(decision.budget.rule);
    out.treatment[row] = TREATMENTS.indexOf(decision.treatment);
    const id = decision.offer?.rung.id;
    if (id !== undefined && !offerIndex.has(id)) offerIndex.set(id, out.offerIds.push(id) - 1);
    out.offer[row] = id === undefined ? -1 : (offerIndex.get(id) as number);
  };
  // Customers who never bought twice have P(alive) = 1, so nothing to win back: about half of
  // a shop. Without a harm their decision does not depend on anything else (no budget, the
  // zero-value treatment), so decideOffer runs once for all of them.
  let nothingToWinBack: Kept | undefined;
  const quick = quickDecider(policy, ladder);
  for (let i = from; i < to; i++) {
    const customerId = input.customerId[i];
    const value = input.valueOfWinBack[i];
    const harm = harms.get(customerId);
    if (value === 0 && harm === undefined && nothingToWinBack !== undefined) {
      write(i - from, nothingToWinBack);
      continue;
    }
    if (harm === undefined && quick !== undefined && quick(value, input.expectedSpend[i], out, i - from, offerIndex)) continue;
    const valueOfWinBack = value === 0 ? ZERO : moneyFromStatistic(value);
    const expectedSpend = moneyFromStatistic(input.expectedSpend[i]);
    const decision = decideOffer({ customerId: String(customerId), valueOfWinBack, expectedSpend, harm }, ladder, policy);
    if (value === 0 && harm === undefined) nothingToWinBack = decision;
    write(i - from, decision);
  }
  return out;
}

/** Parts decided separately, in row order, as one: offer indices renumbered into one id list. */
export function joinDecisions(parts: readonly Decisions[]): Decisions {
  const n = parts.reduce((sum, part) => sum + part.offer.length, 0);
  const out: Decisions = { budgetMinor: new Float64Array(n), rule: new Uint8Array(n), treatment: new Uint8Array(n), offer: new Int32Array(n), offerIds: [] };
  const index = new Map<string, number>();
  let at = 0;
  for (const part of parts) {
    const renumber = part.offerIds.map((id) => index.get(id) ?? (index.set(id, out.offerIds.push(id) - 1).get(id) as number));
    out.budgetMinor.set(part.budgetMinor, at);
    out.rule.set(part.rule, at);
    out.treatment.set(part.treatment, at);
    for (let i = 0; i < part.offer.length; i++) out.offer[at + i] = part.offer[i] === -1 ? -1 : renumber[part.offer[i]];
    at += part.offer.length;
  }
  return out;
}
