/**
 * The offer advisor for one customer (`rekindle explain`, GET /api/customers/:id/advice): the
 * facts of their history, the model's inputs and outputs, each step to the budget, the rule
 * that bound it, the offer and why richer ones were not made, in words for support staff.
 * The numbers are the ones `score` computes for the same model, day and settings.
 */
import { scoreAll } from '../domain/clv';
import { NotFoundError } from '../domain/errors';
import { currencyExponent } from '../domain/money';
import { Advice, AdviceSteps, explainAdvice } from '../domain/explain';
import { summarize } from '../domain/rfm';
import { customerFacts, findCustomer } from './customerFacts';
import type { Warning } from './diagnostics';
import type { ModelServices } from './fitService';
import { openHarms } from './harms';
import { latestModel } from './modelStore';
import { minorToText, statisticToMinor } from './minorUnits';
import { loadPurchaseLog } from './purchaseLog';
import { modelCovariances, ScoreRequest, scoreSettings } from './scoreService';
import { INTERVAL_FIGURES, scoreIntervals } from '../domain/scoreIntervals';
import type { CustomerIntervals } from '../domain/adviceIntervals';
import { budgetPolicy, offerLadder } from './settings';

/** The model's statistics as JSON shows them: money as decimal strings in the shop currency, as in `score --json`. */
export type StatisticsView = Pick<AdviceSteps, 'pAlive' | 'expectedPurchases' | 'expectedSpend' | 'clvAsIs' | 'clvIfWon' | 'valueOfWinBack'>;

export interface CustomerAdvice extends Omit<Advice, 'statistics'> {
  statistics: StatisticsView;
  modelVersion: number;
  asOf: string;
  timeUnit: 'week' | 'day';
  /** The customer summary the model saw, in the time unit; monetary (average spend) is money. */
  inputs: { x: number; tx: number; T: number; monetary: string };
  settings: { horizon: number; months: number; discountRate: number; margin: number };
  /** The model's caveats: they hold for every number above. */
  caveats: Warning[];
}

/** `customer` as support staff name them: an email, the shop's customer id, or id:NUMBER. */
export async function adviseCustomer(services: ModelServices, customer: string, request: ScoreRequest = {}): Promise<CustomerAdvice> {
  const { db, config } = services;
  const model = await latestModel(db, config.shop.currency);
  const settings = scoreSettings(model, request, config.value);
  const { asOf, currency, timeUnit } = settings;
  const row = await findCustomer(db, customer);
  const loaded = await loadPurchaseLog(db, { currency, through: asOf, customerIds: [row.id] });
  const summary = summarize(loaded.log, { calibrationEnd: asOf, unit: timeUnit });
  if (summary.length === 0) {
    throw new NotFoundError(`customer ${row.id} has no kept ${currency} orders on or before ${asOf}, so the model has nothing to score them on`);
  }
  const { horizon, months, discountRate, margin } = settings;
  const scores = scoreAll(summary, model, { unit: timeUnit, horizon, months, discountRate, margin });
  const policy = budgetPolicy(config);
  const covariances = modelCovariances(model);
  const ends = covariances && scoreIntervals(summary, model, covariances, { unit: timeUnit, horizon, months, discountRate, margin });
  const intervals = ends && (Object.fromEntries(INTERVAL_FIGURES.map((f) => [f, [ends[f].low[0], ends[f].high[0]]])) as unknown as CustomerIntervals);
  const statistics = {
    pAlive: scores.pAlive[0],
    expectedPurchases: scores.expectedPurchases[0],
    expectedSpend: scores.expectedSpend[0],
    clvAsIs: scores.clvAsIs[0],
    clvIfWon: scores.clvIfWon[0],
    valueOfWinBack: scores.valueOfWinBack[0],
  };
  const advice = explainAdvice({
    customer: await customerFacts(db, row, asOf),
    statistics,
    horizon: { purchases: `the next ${horizon} ${timeUnit}${horizon === 1 ? '' : 's'}`, clv: `the next ${months} month${months === 1 ? '' : 's'}` },
    policy,
    ladder: offerLadder(config),
    harm: (await openHarms(db, policy, [row.id])).get(row.id),
    intervals,
    budgetBasis: config.value.budgetBasis,
  });
  const money = (value: number) => minorToText(statisticToMinor(value, currency), currencyExponent(currency));
  return {
    ...advice,
    statistics: {
      pAlive: statistics.pAlive,
      expectedPurchases: statistics.expectedPurchases,
      expectedSpend: money(statistics.expectedSpend),
      clvAsIs: money(statistics.clvAsIs),
      clvIfWon: money(statistics.clvIfWon),
      valueOfWinBack: money(statistics.valueOfWinBack),
    },
    modelVersion: model.version,
    asOf,
    timeUnit,
    inputs: { x: summary.x[0], tx: summary.tx[0], T: summary.T[0], monetary: money(summary.monetary[0]) },
    settings: { horizon, months, discountRate, margin },
    caveats: model.warnings,
  };
}
