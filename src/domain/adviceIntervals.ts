/**
 * The offer advisor's words for the per-customer 90% intervals and the two budgets (issue 14):
 * "worth 42.10 USD to win back (90% interval 31.80 to 55.40 USD)", and which budget applies
 * under BUDGET_BASIS. Pure; money crosses from floats once, through moneyFromStatistic.
 */
import { BudgetPolicy, computeBudget } from './budget';
import { formatMoney, moneyFromStatistic } from './money';

export type BudgetBasis = 'estimate' | 'lower';

/** [low, high] of each figure, as floats from scoreIntervals. */
export interface CustomerIntervals {
  pAlive: [number, number];
  expectedPurchases: [number, number];
  clvAsIs: [number, number];
  clvIfWon: [number, number];
  valueOfWinBack: [number, number];
}

/** As JSON shows them: probabilities and purchases as numbers, money as decimal strings. */
export interface IntervalsView {
  level: number;
  pAlive: [number, number];
  expectedPurchases: [number, number];
  clvAsIs: [string, string];
  clvIfWon: [string, string];
  valueOfWinBack: [string, string];
}

/** Both budgets, and which one the offer was sized on; `lower` is null without an interval. */
export interface BudgetsView {
  basis: BudgetBasis;
  estimate: string;
  lower: string | null;
}

export function intervalsView(intervals: CustomerIntervals, level: number, currency: string): IntervalsView {
  const money = ([low, high]: [number, number]): [string, string] => [formatMoney(moneyFromStatistic(low), currency), formatMoney(moneyFromStatistic(high), currency)];
  const round4 = ([low, high]: [number, number]): [number, number] => [Math.round(low * 1e4) / 1e4, Math.round(high * 1e4) / 1e4];
  return {
    level,
    pAlive: round4(intervals.pAlive),
    expectedPurchases: round4(intervals.expectedPurchases),
    clvAsIs: money(intervals.clvAsIs),
    clvIfWon: money(intervals.clvIfWon),
    valueOfWinBack: money(intervals.valueOfWinBack),
  };
}

/** The value the budget rule uses: the estimate, or the lower end when asked for and known. */
export function budgetValue(estimate: number, intervals: CustomerIntervals | undefined, basis: BudgetBasis): { value: number; basis: BudgetBasis } {
  return basis === 'lower' && intervals !== undefined ? { value: intervals.valueOfWinBack[0], basis } : { value: estimate, basis: 'estimate' };
}

export function budgetsView(estimate: number, intervals: CustomerIntervals | undefined, basis: BudgetBasis, policy: BudgetPolicy): BudgetsView {
  const budget = (value: number) => formatMoney(computeBudget(moneyFromStatistic(value), policy).amount, policy.currency);
  return { basis, estimate: budget(estimate), lower: intervals === undefined ? null : budget(intervals.valueOfWinBack[0]) };
}

/** " (90% interval 31.80 to 55.40 USD)", or nothing without an interval. */
export function intervalWords(view: IntervalsView | undefined, figure: 'clvAsIs' | 'clvIfWon' | 'valueOfWinBack', currency: string): string {
  if (view === undefined) return '';
  const [low, high] = view[figure];
  return ` (${Math.round(view.level * 100)}% interval ${low} to ${high} ${currency})`;
}

/** What support staff read about the two budgets. */
export function budgetBasisSentence(budgets: BudgetsView, currency: string): string | undefined {
  if (budgets.lower === null) return undefined;
  if (budgets.basis === 'lower') {
    return `We size offers on the cautious end of that interval: the budget is ${budgets.lower} ${currency}, where the estimate alone would allow ${budgets.estimate} ${currency}.`;
  }
  return `On the cautious end of that interval the budget would be ${budgets.lower} ${currency}; we size offers on the estimate (BUDGET_BASIS=estimate).`;
}
