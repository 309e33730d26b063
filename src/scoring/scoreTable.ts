/**
 * Every customer's score in columns: the model's statistics from scoreAll, and the budget and
 * offer (decisions.ts) kept as a few numbers per customer.
 *
 * No I/O: the score service loads, the score store writes, the benchmark calls this directly.
 */
import type { BudgetPolicy, Harm } from '../domain/budget';
import { scoreAll, ScoreOptions, Scores, ValueModel } from '../domain/clv';
import { LogCovariances, ScoreIntervals, scoreIntervals } from '../domain/scoreIntervals';
import type { OfferLadder } from '../domain/offers';
import type { Progress } from '../progress';
import { CustomerSummary, DAYS_PER_UNIT } from '../domain/rfm';
import { decideAll } from './decisionWorker';
import type { Decisions } from './decisions';

export { RULES, TREATMENTS } from './decisions';

export interface ScoreTable extends Readonly<Decisions> {
  readonly length: number;
  readonly currency: string;
  /** Database id per row, ascending. */
  readonly customerId: Int32Array;
  readonly summary: CustomerSummary;
  readonly scores: Scores;
  /** Day number of the last purchase on or before the as-of day. */
  readonly lastDay: Int32Array;
  /** The 90% intervals; undefined when not asked for or the model has no covariance. */
  readonly intervals?: ScoreIntervals;
  /** What the budgets were sized on: `lower` only where there is an interval. */
  readonly budgetBasis: BudgetBasis;
}

/** BUDGET_BASIS: the value of winning back, or the lower end of its 90% interval. */
export type BudgetBasis = 'estimate' | 'lower';

export interface TableInput {
  summary: CustomerSummary;
  /** Database id of each purchase-log customer (summary.customer indexes it). */
  logCustomerIds: Int32Array;
  model: ValueModel;
  options: ScoreOptions;
  policy: BudgetPolicy;
  ladder: OfferLadder;
  /** Harms of open incidents by customer id. */
  harms: ReadonlyMap<number, Harm>;
  /** The models' log-scale covariances, when intervals are wanted and the model has them. */
  covariances?: LogCovariances;
  budgetBasis?: BudgetBasis;
  /** Customers from which the decisions are shared out to worker threads (default PARALLEL_FROM). */
  parallelFrom?: number;
  progress?: Progress;
}

export async function scoreTable(input: TableInput): Promise<ScoreTable> {
  const { summary, policy } = input;
  const n = summary.length;
  const scores = scoreAll(summary, input.model, input.options);
  const customerId = new Int32Array(n);
  const lastDay = new Int32Array(n);
  const perUnit = DAYS_PER_UNIT[summary.unit];
  for (let i = 0; i < n; i++) {
    customerId[i] = input.logCustomerIds[summary.customer[i]];
    lastDay[i] = summary.firstDay[i] + Math.round(summary.tx[i] * perUnit);
  }
  if (input.covariances) input.progress?.('drawing 90% intervals');
  const intervals = input.covariances && scoreIntervals(summary, input.model, input.covariances, input.options);
  const budgetBasis = input.budgetBasis === 'lower' && intervals ? 'lower' : 'estimate';
  const valueOfWinBack = budgetBasis === 'lower' ? (intervals as ScoreIntervals).valueOfWinBack.low : scores.valueOfWinBack;
  input.progress?.('choosing budgets and offers');
  const decisions = await decideAll({ policy, ladder: input.ladder, harms: input.harms, customerId, valueOfWinBack, expectedSpend: scores.expectedSpend }, input.parallelFrom);
  return { length: n, currency: policy.currency, customerId, summary, scores, lastDay, intervals, budgetBasis, ...decisions };
}
