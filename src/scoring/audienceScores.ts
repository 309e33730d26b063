/**
 * Scores for a campaign launch (src/campaigns/launch.ts): the stored scores of the newest model
 * as of a day, computed and stored first if there are none yet. Reading them back from
 * `customer_scores`, rather than from a fresh computation, means a preview and a launch on the
 * same model and day see the same numbers, and the enrolments can name the model version.
 */
import type { BindingRule, Treatment } from '../domain/budget';
import { minorToMoney, Money, moneyFromStatistic } from '../domain/money';
import type { Progress } from '../progress';
import type { Warning } from './diagnostics';
import type { ModelServices } from './fitService';
import { latestModel } from './modelStore';
import { hasScores, readScores, StoredScoreRow } from './scoreStore';
import { scoreCustomers } from './scoreService';
import { calendarDay } from './settings';

/** What an audience rule can look at before the money is built: plain numbers. */
export interface AudienceCandidate {
  /** customers.id */
  customerId: number;
  /** Repeat purchases (purchase days after the first) up to the as-of day. */
  x: number;
  pAlive: number;
  /** Last purchase day on or before the as-of day, `YYYY-MM-DD` in the shop time zone. */
  lastOrderDay: string;
}

export interface AudienceScore extends AudienceCandidate {
  /** Expected purchases over the score's horizon (52 weeks by default). */
  expectedPurchases: number;
  /** E[M], the expected value of one next order, before margin: what percent-off rungs are priced on. */
  expectedSpend: Money;
  /** CLV if won back − CLV as is, margin-weighted, rounded to the minor unit as stored. */
  valueOfWinBack: Money;
  /** The lower end of its 90% interval (BUDGET_BASIS=lower); null when the scores have none. */
  valueOfWinBackLow: Money | null;
  clvIfWon: Money;
  /** min(value × share, CAC, cap) under the shop's policy; a make-good owed shows in `offerId` (`make-good:<incident>`), not here. */
  budget: Money;
  budgetRule: BindingRule;
  /** Decided with the shop's default ladder (OFFER_LADDER or the built-in one), not a campaign's. */
  treatment: Treatment;
  offerId: string | null;
}

export interface AudienceScores {
  modelVersion: number;
  asOf: string;
  currency: string;
  timeUnit: 'week' | 'day';
  /** The model's caveats; show them next to any number built on these scores. */
  warnings: Warning[];
  /** Ascending customer id. */
  scores: AudienceScore[];
}

export interface AudienceOptions {
  /** Default: the newest model's calibration end, as for `rekindle score`. Pass the shop's today for a live launch. */
  asOf?: string;
  /** Keeps only the customers it returns true for, before any money is built (memory at 1M customers). */
  filter?: (candidate: AudienceCandidate) => boolean;
  /** Recompute and store even if scores for this model and day exist (e.g. after a late import). */
  refresh?: boolean;
  /** Told the scoring's phases, when scores have to be computed first. */
  progress?: Progress;
}

/**
 * The newest model's scores as of a day, for every customer who bought by then (or those
 * `filter` keeps). Scores are computed with the configured horizon, months, discount and margin
 * and stored under (model version, as-of) when missing; existing ones are reused as they are.
 * A campaign with its own ladder should decide its offer from `valueOfWinBack` and
 * `expectedSpend` with decideOffer (src/domain/budget.ts) and keep `modelVersion` on its run.
 * Refuses with a ConflictError when no model has been fitted ("run `rekindle fit` first").
 */
export async function latestScores(services: ModelServices, options: AudienceOptions = {}): Promise<AudienceScores> {
  const { db, config } = services;
  const model = await latestModel(db, config.shop.currency);
  const asOf = options.asOf === undefined ? model.calibrationEnd : calendarDay(options.asOf, 'as-of');
  if (options.refresh || !(await hasScores(db, model.version, asOf))) await scoreCustomers(services, { asOf, progress: options.progress });
  const scores: AudienceScore[] = [];
  for await (const page of readScores(db, model.version, asOf)) {
    for (const row of page) {
      const candidate = { customerId: Number(row.customer_id), x: row.x, pAlive: row.p_alive, lastOrderDay: row.last_order_day };
      if (options.filter && !options.filter(candidate)) continue;
      scores.push(toScore(candidate, row, model.currency));
    }
  }
  return { modelVersion: model.version, asOf, currency: model.currency, timeUnit: model.timeUnit, warnings: model.warnings, scores };
}

function toScore(candidate: AudienceCandidate, row: StoredScoreRow, currency: string): AudienceScore {
  return {
    ...candidate,
    expectedPurchases: row.expected_purchases,
    expectedSpend: moneyFromStatistic(row.expected_spend),
    valueOfWinBack: minorToMoney(Number(row.value_minor), currency),
    valueOfWinBackLow: row.value_low_minor === null ? null : minorToMoney(Number(row.value_low_minor), currency),
    clvIfWon: minorToMoney(Number(row.clv_if_won_minor), currency),
    budget: minorToMoney(Number(row.budget_minor), currency),
    budgetRule: row.budget_rule as BindingRule,
    treatment: row.treatment as Treatment,
    offerId: row.offer_id,
  };
}
