/**
 * The offer advisor: every input and step of one customer's budget and offer, as data for JSON
 * and as plain sentences for support staff, with what they may not promise and a script for the
 * tough questions (staffScript.ts). Pure: the statistics arrive as floats and cross into money once, here.
 */
import { BindingRule, BudgetPolicy, Harm, NoOfferReason, OfferDecision, RejectReason, RejectedRung, Treatment, decideOffer } from './budget';
import { Money, formatMoney, moneyFromStatistic } from './money';
import { INTERVAL_LEVEL } from './scoreIntervals';
import { CostedRung, OfferKind, OfferLadder } from './offers';
import { mayNotPromise, toughQuestions } from './staffScript';
import { BudgetBasis, budgetBasisSentence, BudgetsView, budgetsView, budgetValue, CustomerIntervals, intervalsView, IntervalsView, intervalWords } from './adviceIntervals';

export interface CustomerFacts {
  id: string;
  name?: string;
  /** `YYYY-MM-DD`, shop time zone. */
  firstOrderDay?: string;
  lastOrderDay?: string;
  orders?: number;
  favouriteProducts?: readonly string[];
}

/** Float64 outputs of the models; the money among them is margin-weighted and discounted. */
export interface CustomerStatistics {
  pAlive: number;
  expectedPurchases: number;
  expectedSpend: number;
  clvAsIs: number;
  clvIfWon: number;
  valueOfWinBack: number;
}

export interface AdviceInput {
  customer: CustomerFacts;
  statistics: CustomerStatistics;
  /** Words for the windows, e.g. `{ purchases: 'the next 52 weeks', clv: 'the next 12 months' }`. */
  horizon: { purchases: string; clv: string };
  policy: BudgetPolicy;
  ladder: OfferLadder;
  harm?: Harm;
  /** The customer's 90% intervals (scoreIntervals), when the model has a covariance. */
  intervals?: CustomerIntervals;
  /** BUDGET_BASIS: size the budget on the estimate (default) or the interval's lower end. */
  budgetBasis?: BudgetBasis;
}

export interface OfferView {
  id: string;
  kind: OfferKind;
  label: string;
  pRedeem: number;
  costIfRedeemed: string;
  expectedCost: string;
}

export interface RejectedView extends OfferView {
  reason: RejectReason;
  why: string;
}

export interface AdviceSteps {
  pAlive: number;
  expectedPurchases: number;
  expectedSpend: string;
  clvAsIs: string;
  clvIfWon: string;
  valueOfWinBack: string;
  share: number;
  valueTimesShare: string;
  cac: string;
  cap: string | null;
  budget: string;
  boundBy: BindingRule;
  makeGood: { incidentId: string; whatHappened: string; owed: string; amount: string; limitedByCap: boolean } | null;
  /** What the offer may cost in expectation: the budget, or the make-good when it is larger. */
  ceiling: string;
  /** What valueTimesShare was taken of: the estimate, or the lower end of its 90% interval. */
  budgetBasis: BudgetBasis;
}

export interface Advice {
  customer: CustomerFacts;
  currency: string;
  statistics: CustomerStatistics;
  steps: AdviceSteps;
  treatment: Treatment;
  offer: OfferView | null;
  noOfferReason: NoOfferReason | null;
  rejected: RejectedView[];
  sentences: string[];
  mayNotPromise: string[];
  toughQuestions: { question: string; answer: string }[];
  /** 90% intervals (parameter uncertainty only); null when the model has no covariance. */
  intervals: IntervalsView | null;
  /** The budget on the estimate and on the interval's lower end, and which one applies. */
  budgets: BudgetsView;
}

export function explainAdvice(input: AdviceInput): Advice {
  const { statistics: stats, policy } = input;
  const basis = budgetValue(stats.valueOfWinBack, input.intervals, input.budgetBasis ?? 'estimate');
  const valueOfWinBack = moneyFromStatistic(basis.value);
  const expectedSpend = moneyFromStatistic(stats.expectedSpend);
  const decision = decideOffer({ customerId: input.customer.id, valueOfWinBack, expectedSpend, harm: input.harm }, input.ladder, policy);
  const intervals = input.intervals && intervalsView(input.intervals, INTERVAL_LEVEL, policy.currency);
  const budgets = budgetsView(stats.valueOfWinBack, input.intervals, basis.basis, policy);
  const say = new Speaker(input, decision, intervals, budgets);
  return {
    customer: input.customer,
    currency: policy.currency,
    statistics: stats,
    steps: steps(input, decision, say, basis.basis),
    treatment: decision.treatment,
    offer: decision.offer && say.offerView(decision.offer),
    noOfferReason: decision.noOfferReason,
    rejected: decision.rejected.map((rejected) => ({ ...say.offerView(rejected.rung), reason: rejected.reason, why: say.why(rejected) })),
    sentences: say.sentences(),
    mayNotPromise: mayNotPromise(decision, say.who, (amount) => say.amount(amount)),
    toughQuestions: toughQuestions(decision),
    intervals: intervals ?? null,
    budgets,
  };
}

function steps(input: AdviceInput, decision: OfferDecision, say: Speaker, budgetBasis: BudgetBasis): AdviceSteps {
  const { statistics: stats, policy } = input;
  const makeGood = decision.makeGood;
  return {
    pAlive: stats.pAlive,
    expectedPurchases: stats.expectedPurchases,
    expectedSpend: say.money(moneyFromStatistic(stats.expectedSpend)),
    clvAsIs: say.money(moneyFromStatistic(stats.clvAsIs)),
    clvIfWon: say.money(moneyFromStatistic(stats.clvIfWon)),
    valueOfWinBack: say.money(moneyFromStatistic(stats.valueOfWinBack)),
    share: policy.share,
    valueTimesShare: say.money(decision.budget.valueTimesShare),
    cac: say.money(policy.cac),
    cap: policy.perCustomerCap === undefined ? null : say.money(policy.perCustomerCap),
    budget: say.money(decision.budget.amount),
    boundBy: decision.budget.rule,
    makeGood: makeGood && {
      incidentId: makeGood.incidentId,
      whatHappened: (input.harm as Harm).whatHappened,
      owed: say.money(makeGood.owed),
      amount: say.money(makeGood.amount),
      limitedByCap: makeGood.limitedByCap,
    },
    ceiling: say.money(decision.ceiling),
    budgetBasis,
  };
}

function percent(p: number): string {
  return p > 0 && p < 0.01 ? 'less than 1%' : `${Math.round(p * 100)}%`;
}

/** Sentences for support staff: the customer by name, "they" after that, money with its currency. */
class Speaker {
  readonly who: string;
  private readonly Who: string;
  private readonly currency: string;

  constructor(
    private readonly input: AdviceInput,
    private readonly decision: OfferDecision,
    private readonly intervals: IntervalsView | undefined,
    private readonly budgets: BudgetsView,
  ) {
    this.who = input.customer.name ?? 'this customer';
    this.Who = input.customer.name ?? 'This customer';
    this.currency = input.policy.currency;
  }

  money(amount: Money): string {
    return formatMoney(amount, this.currency);
  }

  /** Rounded up, so a cost that exceeds a budget never looks equal to it. */
  private cost(amount: Money): string {
    return `${formatMoney(amount, this.currency, Money.ROUND_UP)} ${this.currency}`;
  }

  amount(amount: Money): string {
    return `${this.money(amount)} ${this.currency}`;
  }

  offerView(costed: CostedRung): OfferView {
    const { id, kind, label, pRedeem } = costed.rung;
    const round = (amount: Money) => formatMoney(amount, this.currency, Money.ROUND_UP);
    return { id, kind, label, pRedeem, costIfRedeemed: round(costed.costIfRedeemed), expectedCost: round(costed.expectedCost) };
  }

  why({ rung, reason }: RejectedRung): string {
    const label = `"${rung.rung.label}"`;
    switch (reason) {
      case 'over-budget':
        return `${label} was not offered: a ${percent(rung.rung.pRedeem)} chance of costing us ${this.cost(rung.costIfRedeemed)} is an expected ${this.cost(rung.expectedCost)}, more than the ${this.amount(this.decision.ceiling)} it is worth investing.`;
      case 'below-make-good':
        return `${label} fits the budget, but at ${this.cost(rung.costIfRedeemed)} it is worth less than the make-good we owe, so the make-good credit replaces it.`;
      case 'zero-value':
        return `${label} was not offered: by the numbers, winning ${this.who} back is not worth investing in.`;
    }
  }

  sentences(): string[] {
    const { statistics: stats, horizon, policy } = this.input;
    const { budget } = this.decision;
    const valueOfWinBack = moneyFromStatistic(stats.valueOfWinBack);
    const c = this.currency;
    const worth = valueOfWinBack.gt(0)
      ? `Winning them back is worth ${this.amount(valueOfWinBack)}${intervalWords(this.intervals, 'valueOfWinBack', c)}.`
      : 'Winning them back would add nothing.';
    const basis = budgetBasisSentence(this.budgets, c);
    const capText = policy.perCustomerCap === undefined ? '' : `, and our policy allows at most ${this.amount(policy.perCustomerCap)} for any one customer`;
    return [
      ...this.history(),
      `The model gives a ${percent(stats.pAlive)} chance that ${this.who} still buys from us; as things stand we expect ${stats.expectedPurchases.toFixed(2)} more orders in ${horizon.purchases}, of about ${this.amount(moneyFromStatistic(stats.expectedSpend))} each.`,
      `Left as is, ${this.who} brings us ${this.amount(moneyFromStatistic(stats.clvAsIs))}${intervalWords(this.intervals, 'clvAsIs', c)} in margin over ${horizon.clv}; won back, ${this.amount(moneyFromStatistic(stats.clvIfWon))}${intervalWords(this.intervals, 'clvIfWon', c)}. ${worth}`,
      ...(basis === undefined ? [] : [basis]),
      `We invest up to ${percent(policy.share)} of that to win a customer back (${this.amount(budget.valueTimesShare)}); acquiring a new customer costs us ${this.amount(policy.cac)}${capText}.`,
      this.bindingSentence(),
      ...this.makeGoodSentences(),
      this.offerSentence(),
      // One "not worth investing in" is enough; repeating it per rung adds nothing.
      ...this.decision.rejected.filter((r) => r.reason !== 'zero-value').map((r) => this.why(r)),
    ];
  }

  private history(): string[] {
    const { firstOrderDay, lastOrderDay, orders, favouriteProducts } = this.input.customer;
    const facts = [
      firstOrderDay && `has been a customer since ${firstOrderDay}`,
      orders !== undefined && `ordered ${orders} time${orders === 1 ? '' : 's'}`,
      lastOrderDay && `last ordered on ${lastOrderDay}`,
    ].filter((fact): fact is string => typeof fact === 'string');
    const lines = facts.length > 0 ? [`${this.Who} ${facts.join(', ')}.`] : [];
    if (favouriteProducts && favouriteProducts.length > 0) lines.push(`Favourites: ${favouriteProducts.join(', ')}.`);
    return lines;
  }

  private bindingSentence(): string {
    const budget = this.amount(this.decision.budget.amount);
    const cac = this.amount(this.input.policy.cac);
    switch (this.decision.budget.rule) {
      case 'value':
        return `So it is worth investing up to ${budget} to win ${this.who} back, compared with ${cac} to acquire a new customer.`;
      case 'cac':
        return `So the budget is ${budget}: winning ${this.who} back is worth at least what a new customer costs (${cac}), and we never pay more than that.`;
      case 'cap':
        return `So the budget is ${budget}, the most our policy allows for any one customer, though winning ${this.who} back would be worth more.`;
      case 'zero':
        return `So the budget is ${budget}: by the numbers, winning ${this.who} back is not worth investing in.`;
    }
  }

  private makeGoodSentences(): string[] {
    const makeGood = this.decision.makeGood;
    if (makeGood === null) return [];
    const lines = [
      `We let ${this.who} down: "${(this.input.harm as Harm).whatHappened}". Whatever their value, we owe them at least ${this.amount(makeGood.owed)} to make up for it: the apology is for them, not for our bottom line.`,
    ];
    if (makeGood.limitedByCap) {
      lines.push(`Our policy caps a make-good at ${this.amount(makeGood.amount)} per customer; a manager decides about the remaining ${this.amount(makeGood.owed.minus(makeGood.amount))}.`);
    }
    if (this.decision.ceiling.gt(this.decision.budget.amount)) {
      lines.push(`That raises what the offer may cost, in expectation, to ${this.amount(this.decision.ceiling)}.`);
    }
    return lines;
  }

  private offerSentence(): string {
    const { offer, treatment } = this.decision;
    const mail = treatment === 'excluded' ? 'we do not email them' : `${this.who} gets our "we miss you" email without an offer`;
    if (offer === null) {
      if (this.decision.noOfferReason === 'zero-value') return `There is no offer: ${mail}.`;
      if (this.input.ladder.length === 0) return `This campaign makes no offers: ${mail}.`;
      return `Even the smallest offer would cost more than that in expectation, so there is no offer: ${mail}.`;
    }
    if (offer.position === -1) return `Offer: ${offer.rung.label}. It is owed, so we plan for all of it being used.`;
    return `Offer: "${offer.rung.label}". If redeemed it costs us about ${this.cost(offer.costIfRedeemed)}; with a ${percent(offer.rung.pRedeem)} chance of that, we expect ${this.cost(offer.expectedCost)}, within the limit of ${this.amount(this.decision.ceiling)}.`;
  }
}
