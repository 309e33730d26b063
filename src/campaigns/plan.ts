/**
 * Who gets what in a launch: the audience rule, the holdout, each customer's budget and offer,
 * and the campaign cap. Pure over its inputs, so `preview` and `launch` compute the same plan.
 */
import { allocateCampaignBudget, BudgetPolicy, computeBudget, decideOffer, Harm, OfferDecision } from '../domain/budget';
import { InputError } from '../domain/errors';
import { isHeldOut } from '../domain/holdout';
import { Money, minorToMoney } from '../domain/money';
import type { CostedRung, OfferRung } from '../domain/offers';
import { offerLabel } from '../mail/recipient';
import type { Config } from '../config';
import type { Candidate } from './audience';
import type { Campaign } from './loader';

export interface ScoreFacts {
  pAlive: number;
  valueOfWinBack: Money;
  /** The lower end of its 90% interval; null or absent when the scores have none. */
  valueOfWinBackLow?: Money | null;
  expectedSpend: Money;
}

export interface IncidentFacts {
  id: number;
  whatHappened: string;
  harm: Harm['makeGood'];
}

export interface PlanInput {
  campaign: Campaign;
  candidates: readonly Candidate[];
  /** Per customer id; required by win-back campaigns (budgets come from the value of winning back). */
  scores?: ReadonlyMap<number, ScoreFacts>;
  incident?: IncidentFacts;
  now: Date;
  today: string;
  currency: string;
  value: Config['value'];
}

export type EnrolmentTreatment = 'offer' | 'nostalgia-only' | 'make-good';

export interface PlannedEnrolment {
  candidate: Candidate;
  holdout: boolean;
  treatment: EnrolmentTreatment;
  budget: Money;
  offer: CostedRung | null;
  valueOfWinBack: Money;
  /** P(redeem) × value of winning back, for treated customers with an offer. */
  expectedMargin: Money;
}

export interface CampaignPlan {
  enrolments: PlannedEnrolment[];
  treated: number;
  holdout: number;
  budgetTotal: Money;
  expectedCost: Money;
  expectedIncrementalMargin: Money;
  offerExpiresAt: Date;
  /** Customers who could be emailed at all (address, consent, affected by the incident). */
  considered: number;
  /** Of those, the ones the audience rule matched (before a zero-value exclusion). */
  matched: number;
  /** What the budgets were sized on: `lower` only when asked for and every score has an interval. */
  budgetBasis: 'estimate' | 'lower';
  /** The treated customers' budgets summed on each basis; `lower` null without intervals. */
  budgetTotals: { estimate: Money; lower: Money | null };
}

const ZERO = new Money(0);
const DAY_MS = 86_400_000;

/** When offers made at `now` end: the one thing in a plan that moves with the minute rather than the day. */
export function offerExpiry(campaign: Campaign, now: Date): Date {
  return new Date(now.getTime() + campaign.offers.expiresAfterDays * DAY_MS);
}

export function policyFor(campaign: Campaign, currency: string, value: Config['value']): BudgetPolicy {
  const b = campaign.budget;
  const cap = b.customerCap ?? value.customerCap;
  return {
    currency,
    share: b.share ?? value.share,
    cac: new Money(b.cac ?? value.cac),
    perCustomerCap: cap === undefined ? undefined : new Money(cap),
    zeroValue: campaign.offers.zeroValue,
    makeGoodWithinCap: value.makeGoodWithinCap,
  };
}

/** The campaign's budget.basis, else BUDGET_BASIS; `lower` needs every score's interval, else the estimate. */
function budgetBasisFor(campaign: Campaign, input: PlanInput): 'estimate' | 'lower' {
  const wanted = campaign.budget.basis ?? input.value.budgetBasis;
  return wanted === 'lower' && hasIntervals(input.scores) ? 'lower' : 'estimate';
}

function hasIntervals(scores: ReadonlyMap<number, ScoreFacts> | undefined): boolean {
  if (scores === undefined || scores.size === 0) return false;
  for (const score of scores.values()) if (score.valueOfWinBackLow == null) return false;
  return true;
}

export function planCampaign(input: PlanInput): CampaignPlan {
  const { campaign } = input;
  if (campaign.kind === 'winback' && !input.scores?.size) {
    throw new InputError('no customer scores yet: run `rekindle fit` and `rekindle score` first', { field: 'campaign' });
  }
  const policy = policyFor(campaign, input.currency, input.value);
  const basis = budgetBasisFor(campaign, input);
  // Frozen into each enrolment as the customer will read it, amounts in the shop's currency.
  const ladder = campaign.ladder.map((rung) => ({ ...rung, label: offerLabel(rung, input.currency) }) as OfferRung);
  const decided: { candidate: Candidate; decision: OfferDecision; holdout: boolean }[] = [];
  let matched = 0;
  for (const candidate of input.candidates) {
    const score = input.scores?.get(candidate.customerId);
    if (!inAudience(campaign, candidate, score, input.today)) continue;
    matched++;
    const harm = input.incident && harmOf(input.incident, candidate, input.currency);
    const decision = decideOffer(
      { customerId: String(candidate.customerId), valueOfWinBack: (basis === 'lower' ? score?.valueOfWinBackLow : score?.valueOfWinBack) ?? ZERO, expectedSpend: score?.expectedSpend ?? ZERO, harm },
      ladder,
      policy,
    );
    if (decision.treatment === 'excluded') continue;
    decided.push({ candidate, decision, holdout: isHeldOut(campaign.name, candidate.customerId, campaign.holdout) });
  }
  const treatedDecisions = decided.filter((d) => !d.holdout).map((d) => d.decision);
  const cap = campaign.budget.campaignCap === undefined ? undefined : new Money(campaign.budget.campaignCap);
  const allocation = allocateCampaignBudget(treatedDecisions, cap ?? new Money(Infinity));
  const allocated = new Map(allocation.entries.map((e) => [e.decision.customerId, e]));

  const plan: CampaignPlan = {
    enrolments: [], treated: 0, holdout: 0, budgetTotal: ZERO, expectedCost: ZERO, expectedIncrementalMargin: ZERO,
    offerExpiresAt: offerExpiry(campaign, input.now),
    considered: input.candidates.length, matched,
    budgetBasis: basis, budgetTotals: { estimate: ZERO, lower: hasIntervals(input.scores) ? ZERO : null },
  };
  for (const { candidate, decision, holdout } of decided) {
    const entry = allocated.get(decision.customerId);
    const treatment = entry?.treatment ?? decision.treatment;
    const offer = treatment === 'offer' ? decision.offer : null;
    const enrolment: PlannedEnrolment = {
      candidate,
      holdout,
      treatment: offer?.rung.id.startsWith('make-good:') ? 'make-good' : treatment === 'offer' ? 'offer' : 'nostalgia-only',
      budget: decision.ceiling,
      offer,
      valueOfWinBack: decision.valueOfWinBack,
      expectedMargin: offer && entry ? entry.expectedMargin : ZERO,
    };
    plan.enrolments.push(enrolment);
    if (holdout) {
      plan.holdout++;
      continue;
    }
    plan.treated++;
    plan.budgetTotal = plan.budgetTotal.plus(enrolment.budget);
    const score = input.scores?.get(candidate.customerId);
    const totals = plan.budgetTotals;
    // As enrolment.budget is: the budget, raised to a make-good owed.
    const owed = decision.makeGood?.amount ?? ZERO;
    const on = (value: Money | null | undefined) => Money.max(computeBudget(value ?? ZERO, policy).amount, owed);
    totals.estimate = totals.estimate.plus(on(score?.valueOfWinBack));
    if (totals.lower !== null) totals.lower = totals.lower.plus(on(score?.valueOfWinBackLow));
    plan.expectedCost = plan.expectedCost.plus(offer?.expectedCost ?? ZERO);
    plan.expectedIncrementalMargin = plan.expectedIncrementalMargin.plus(enrolment.expectedMargin);
  }
  return plan;
}

/** Why a plan treats nobody, in words a marketer can act on; null when it treats someone. */
export function whyNobody(campaign: Campaign, plan: CampaignPlan): string | null {
  if (plan.treated > 0) return null;
  if (plan.considered === 0) {
    return campaign.kind === 'incident'
      ? 'nobody the incident affected can be emailed'
      : 'no customer can be emailed: none is imported yet, or none has an email address and marketing consent (CONSENT_POLICY)';
  }
  const who = `${plan.considered} customer${plan.considered === 1 ? '' : 's'} who can be emailed`;
  if (plan.matched === 0) return `none of the ${who} matches the audience rule (${audienceRule(campaign)})`;
  if (plan.enrolments.length === 0) return `the audience rule matches ${plan.matched}, but they are worth nothing to win back and offers.zeroValue is "exclude"`;
  return `all ${plan.holdout} customers in the audience fell in the holdout (${Math.round(campaign.holdout * 1000) / 10}%)`;
}

function audienceRule(campaign: Campaign): string {
  const rule = campaign.audience;
  const parts = [
    rule.lastOrderAtLeastDaysAgo !== undefined && `last order at least ${rule.lastOrderAtLeastDaysAgo} days ago`,
    rule.pAliveBelow !== undefined && `P(alive) below ${rule.pAliveBelow}`,
    rule.valueOfWinBackAbove !== undefined && `value of winning back above ${rule.valueOfWinBackAbove}`,
    campaign.kind === 'winback' && 'scored by the latest model',
  ].filter((p): p is string => typeof p === 'string');
  return parts.join(', ');
}

function inAudience(campaign: Campaign, c: Candidate, score: ScoreFacts | undefined, today: string): boolean {
  const rule = campaign.audience;
  if (campaign.kind === 'winback' && !score) return false;
  if (rule.lastOrderAtLeastDaysAgo !== undefined && daysBetween(c.facts.lastOrderDay, today) < rule.lastOrderAtLeastDaysAgo) return false;
  if (rule.pAliveBelow !== undefined && !(score && score.pAlive < rule.pAliveBelow)) return false;
  if (rule.valueOfWinBackAbove !== undefined && !(score && score.valueOfWinBack.gt(rule.valueOfWinBackAbove))) return false;
  return true;
}

function harmOf(incident: IncidentFacts, c: Candidate, currency: string): Harm {
  const harmed = c.harmedMinor === undefined || c.harmedMinor === null ? undefined : minorToMoney(c.harmedMinor, currency);
  return { incidentId: String(incident.id), whatHappened: incident.whatHappened, harmedAmount: harmed, makeGood: incident.harm };
}

export function daysBetween(fromDay: string, toDay: string): number {
  return Math.round((Date.parse(`${toDay}T00:00:00Z`) - Date.parse(`${fromDay}T00:00:00Z`)) / DAY_MS);
}
