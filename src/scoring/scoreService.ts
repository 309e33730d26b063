/**
 * `rekindle score`: every customer's P(alive), expected purchases and spend, CLV as is and if
 * won back, the value of winning them back, the budget and the offer, computed with the newest
 * stored model from the orders up to an as-of day, and stored under that model version.
 */
import { summarize, TimeUnit } from '../domain/rfm';
import type { Database } from '../db/database';
import type { Progress } from '../progress';
import { list } from '../db/sqlDialect';
import { currencyExponent } from '../domain/money';
import type { AdviceSteps } from '../domain/explain';
import type { Warning } from './diagnostics';
import type { ModelServices } from './fitService';
import { openHarms } from './harms';
import { minorToText, statisticToMinor } from './minorUnits';
import { latestModel, StoredModel } from './modelStore';
import { loadPurchaseLog } from './purchaseLog';
import { storeScores } from './scoreStore';
import { BudgetBasis, ScoreTable, scoreTable } from './scoreTable';
import { recordScoreOverview } from './scoreOverview';
import { DRAW_SEED, logCovariance, PARAMETER_DRAWS, purchaseVector, spendVector } from '../domain/parameterDraws';
import { INTERVAL_LEVEL, LogCovariances, ScoreIntervals } from '../domain/scoreIntervals';
import { budgetPolicy, calendarDay, numberIn, offerLadder } from './settings';

/** Numbers may arrive as text (flags, query strings): each is checked, and named when wrong. */
export interface ScoreRequest {
  /** Orders up to this day count; default the model's calibration end. */
  asOf?: string;
  /** Expected purchases are counted over this many time units; default 52 weeks (364 days). */
  horizon?: number | string;
  /** CLV horizon in months; default config.value.months. */
  months?: number | string;
  /** Per month; default config.value.discountRate. */
  discountRate?: number | string;
  /** Gross margin rate; default config.value.margin. */
  margin?: number | string;
  /** Per-customer 90% intervals (default on); off for the plain figures alone. */
  intervals?: boolean;
  /** Told each phase (reading, scoring, deciding, storing) as it starts. */
  progress?: Progress;
}

export interface ScoreSettings {
  modelVersion: number;
  asOf: string;
  currency: string;
  timeUnit: TimeUnit;
  horizon: number;
  months: number;
  discountRate: number;
  margin: number;
  /** The model's caveats: they hold for every number scored with it. */
  warnings: Warning[];
}

export interface ScoreRun extends ScoreSettings {
  /** What the per-customer intervals are, or null when there are none (`--no-intervals`, or a model without a covariance). */
  intervals: IntervalNote | null;
  /** What the budgets were sized on (BUDGET_BASIS; `lower` needs the intervals). */
  budgetBasis: BudgetBasis;
  table: ScoreTable;
}

export interface IntervalNote {
  level: number;
  draws: number;
  seed: number;
  covers: string;
}

export const INTERVAL_NOTE: IntervalNote = {
  level: INTERVAL_LEVEL,
  draws: PARAMETER_DRAWS,
  seed: DRAW_SEED,
  covers: "the fitted parameters' uncertainty, not the randomness of one customer's own future purchases",
};

/** The log-scale covariances of a stored model, or undefined when it has none (fitted before issue 14, or not identified). */
export function modelCovariances(model: StoredModel): LogCovariances | undefined {
  const purchase = logCovariance(purchaseVector(model.bgnbd), model.bgnbd.covariance);
  const spend = logCovariance(spendVector(model.gammaGamma), model.gammaGamma.covariance);
  return purchase && spend && { purchase, spend };
}

/** Ten years (520 weeks) at most: the series behind E[Y(t)] still converge fast there. */
const MAX_HORIZON_DAYS = 3640;

export function scoreSettings(model: StoredModel, request: ScoreRequest, value: ModelServices['config']['value']): ScoreSettings {
  const perDay = model.timeUnit === 'week' ? 1 / 7 : 1;
  const horizon = request.horizon ?? 364 * perDay;
  return {
    modelVersion: model.version,
    asOf: request.asOf === undefined ? model.calibrationEnd : calendarDay(request.asOf, 'as-of'),
    currency: model.currency,
    timeUnit: model.timeUnit,
    horizon: numberIn(horizon, 'horizon', { min: 0, max: MAX_HORIZON_DAYS * perDay, above: true }),
    months: numberIn(request.months ?? value.months, 'months', { min: 1, max: 120, whole: true }),
    discountRate: numberIn(request.discountRate ?? value.discountRate, 'discount', { min: 0, max: 1 }),
    margin: numberIn(request.margin ?? value.margin, 'margin', { min: 0, max: 1 }),
    warnings: model.warnings,
  };
}

/** Scores every customer with a purchase by the as-of day and stores the scores. */
export async function scoreCustomers(services: ModelServices, request: ScoreRequest = {}): Promise<ScoreRun> {
  const { db, config } = services;
  const model = await latestModel(db, config.shop.currency);
  const settings = scoreSettings(model, request, config.value);
  const progress = request.progress;
  progress?.('reading orders');
  const loaded = await loadPurchaseLog(db, { currency: settings.currency, through: settings.asOf });
  const policy = budgetPolicy(config);
  progress?.(`scoring ${loaded.customerIds.length.toLocaleString('en')} customers`);
  const table = await scoreTable({
    summary: summarize(loaded.log, { calibrationEnd: settings.asOf, unit: settings.timeUnit }),
    logCustomerIds: loaded.customerIds,
    model: { bgnbd: model.bgnbd, gammaGamma: model.gammaGamma },
    options: { unit: settings.timeUnit, horizon: settings.horizon, months: settings.months, discountRate: settings.discountRate, margin: settings.margin },
    policy,
    ladder: offerLadder(config),
    harms: await openHarms(db, policy),
    covariances: request.intervals === false ? undefined : modelCovariances(model),
    budgetBasis: config.value.budgetBasis,
    progress,
  });
  const key = { modelVersion: model.version, asOf: settings.asOf, scoredAt: services.clock().toISOString() };
  await storeScores(db, table, key, progress);
  await recordScoreOverview(db, config, table, key);
  return { ...settings, intervals: table.intervals ? INTERVAL_NOTE : null, budgetBasis: table.budgetBasis, table };
}

/** The statistics as the offer advisor shows them too. */
type Statistics = Pick<AdviceSteps, 'pAlive' | 'expectedPurchases' | 'expectedSpend' | 'clvAsIs' | 'clvIfWon' | 'valueOfWinBack'>;

/** One line of `score --json` / `--csv`: money as decimal strings in the shop currency. */
export interface ScoreRow extends Statistics, IntervalEnds {
  customerId: number;
  email: string | null;
  x: number;
  tx: number;
  T: number;
  monetary: string;
  budget: string;
  offer: string | null;
}

/** Each figure's 90% interval as two keys after the others (null without intervals); money as decimal strings. */
export interface IntervalEnds {
  pAliveLow: number | null;
  pAliveHigh: number | null;
  expectedPurchasesLow: number | null;
  expectedPurchasesHigh: number | null;
  clvAsIsLow: string | null;
  clvAsIsHigh: string | null;
  clvIfWonLow: string | null;
  clvIfWonHigh: string | null;
  valueOfWinBackLow: string | null;
  valueOfWinBackHigh: string | null;
}

export const SCORE_COLUMNS: readonly (keyof ScoreRow)[] = [
  'customerId', 'email', 'x', 'tx', 'T', 'monetary', 'pAlive', 'expectedPurchases', 'expectedSpend',
  'clvAsIs', 'clvIfWon', 'valueOfWinBack', 'budget', 'offer',
  'pAliveLow', 'pAliveHigh', 'expectedPurchasesLow', 'expectedPurchasesHigh', 'clvAsIsLow', 'clvAsIsHigh',
  'clvIfWonLow', 'clvIfWonHigh', 'valueOfWinBackLow', 'valueOfWinBackHigh',
];

const NO_ENDS: IntervalEnds = {
  pAliveLow: null, pAliveHigh: null, expectedPurchasesLow: null, expectedPurchasesHigh: null, clvAsIsLow: null, clvAsIsHigh: null,
  clvIfWonLow: null, clvIfWonHigh: null, valueOfWinBackLow: null, valueOfWinBackHigh: null,
};

/** Row i's interval ends as `score --json` shows them. */
export function intervalEnds(intervals: ScoreIntervals | undefined, i: number, money: (value: number) => string): IntervalEnds {
  if (intervals === undefined) return NO_ENDS;
  const { pAlive, expectedPurchases, clvAsIs, clvIfWon, valueOfWinBack } = intervals;
  return {
    pAliveLow: round4(pAlive.low[i]), pAliveHigh: round4(pAlive.high[i]),
    expectedPurchasesLow: round4(expectedPurchases.low[i]), expectedPurchasesHigh: round4(expectedPurchases.high[i]),
    clvAsIsLow: money(clvAsIs.low[i]), clvAsIsHigh: money(clvAsIs.high[i]),
    clvIfWonLow: money(clvIfWon.low[i]), clvIfWonHigh: money(clvIfWon.high[i]),
    valueOfWinBackLow: money(valueOfWinBack.low[i]), valueOfWinBackHigh: money(valueOfWinBack.high[i]),
  };
}

const EMAIL_PAGE = 5000;

/** The run's rows in customer id order, emails read a page at a time so output streams. */
export async function* scoreRows(db: Database, run: ScoreRun): AsyncGenerator<ScoreRow> {
  const { table } = run;
  const exponent = currencyExponent(run.currency);
  const money = (value: number) => minorToText(statisticToMinor(value, run.currency, exponent), exponent);
  const { summary, scores } = table;
  for (let from = 0; from < table.length; from += EMAIL_PAGE) {
    const to = Math.min(from + EMAIL_PAGE, table.length);
    const emails = await emailsOf(db, table.customerId.subarray(from, to));
    for (let i = from; i < to; i++) {
      const offer = table.offer[i];
      yield {
        customerId: table.customerId[i],
        email: emails.get(table.customerId[i]) ?? null,
        x: summary.x[i],
        tx: round4(summary.tx[i]),
        T: round4(summary.T[i]),
        monetary: money(summary.monetary[i]),
        pAlive: round4(scores.pAlive[i]),
        expectedPurchases: round4(scores.expectedPurchases[i]),
        expectedSpend: money(scores.expectedSpend[i]),
        clvAsIs: money(scores.clvAsIs[i]),
        clvIfWon: money(scores.clvIfWon[i]),
        valueOfWinBack: money(scores.valueOfWinBack[i]),
        budget: minorToText(table.budgetMinor[i], exponent),
        offer: offer === -1 ? null : table.offerIds[offer],
        ...intervalEnds(table.intervals, i, money),
      };
    }
  }
}

async function emailsOf(db: Database, ids: Int32Array): Promise<Map<number, string | null>> {
  if (ids.length === 0) return new Map();
  const rows: { id: number; email: string | null }[] = await db.reader.query(
    `SELECT id, email FROM customers WHERE id IN (${list(db.dialect, ids.length)})`,
    Array.from(ids),
  );
  return new Map(rows.map((row) => [Number(row.id), row.email]));
}

/** Four decimals: P(alive) to a hundredth of a percent, times to a fraction of a day in weeks. */
const round4 = (value: number): number => Math.round(value * 1e4) / 1e4;
