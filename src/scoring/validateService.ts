/**
 * `rekindle validate`: fit the purchase model on the orders up to a calibration end, predict
 * each customer's purchases from then to the last order day, and compare with what they did.
 * The per-frequency table is the check every BTYD paper shows: customers grouped by their
 * calibration repeat purchases (0, 1, ... 6, 7+), mean predicted against mean actual.
 * Nothing is stored: validating must not replace the model `score` uses.
 */
import { InputError } from '../domain/errors';
import { groupRows } from '../domain/grouping';
import { aliveProbability, PurchaseModelKind, PurchaseParams, purchasesIfAlive } from '../domain/purchaseModel';
import { CustomerSummary, dayNumber, holdoutPurchases, isoDay, TimeUnit } from '../domain/rfm';
import { purchaseModelWarnings, spendIndependenceWarnings, Warning } from './diagnostics';
import { calibrationWindow, ModelServices, round, rounded } from './fitService';
import { BgNbdOutput, fitPurchaseModel, ParetoNbdOutput, PurchaseFit, purchaseOutput, Uncertainty } from './purchaseFits';
import { COUNTED_ORDER } from './purchaseLog';

export interface ValidateOptions {
  /** Default: the first two thirds of the order history train, the last third is the holdout. */
  calibrationEnd?: string;
  timeUnit?: TimeUnit;
  /** Purchase models to fit and compare on the same holdout; default BG/NBD alone. */
  models?: PurchaseModelKind[];
}

/** How the calibration end was chosen: given by the caller, or the last third of the days held out. */
export type Split = 'given' | 'last-third';

/** One purchase model on the holdout. */
export type ModelCheck = { model: PurchaseModelKind } & (Omit<BgNbdOutput, keyof Uncertainty<'r'>> | Omit<ParetoNbdOutput, keyof Uncertainty<'r'>>) & {
  totals: { predicted: number; actual: number };
  byFrequency: FrequencyRow[];
  /** Mean over customers of (predicted − actual holdout purchases)²: how well it ranks individuals. */
  meanSquaredError: number;
};

export interface FrequencyRow {
  /** Repeat purchases in the calibration window: "0" .. "6", "7+". */
  frequency: string;
  customers: number;
  /** Mean purchases per customer in the holdout, predicted and as they happened. */
  predicted: number;
  actual: number;
}

export interface Validation {
  /** First counted order day: where the calibration window starts. */
  dataFrom: string;
  calibrationEnd: string;
  split: Split;
  holdoutEnd: string;
  timeUnit: TimeUnit;
  /** Length of the holdout in the time unit. */
  holdoutLength: number;
  customers: number;
  repeatCustomers: number;
  /** Present when BG/NBD is among the models; `totals` and `byFrequency` are the first model's. */
  bgnbd?: { r: number; alpha: number; a: number; b: number; logLikelihood: number; converged: boolean };
  /** Repeat purchases in the holdout, summed over all customers. */
  totals: { predicted: number; actual: number };
  byFrequency: FrequencyRow[];
  warnings: Warning[];
  /** Every model asked for, on the same holdout. */
  models: ModelCheck[];
  /** With two models: the one with the smaller meanSquaredError. */
  better: PurchaseModelKind | null;
}

export const TOP_FREQUENCY = 7;

export async function validateModel(services: ModelServices, options: ValidateOptions): Promise<Validation> {
  const split: Split = options.calibrationEnd === undefined ? 'last-third' : 'given';
  const window = await calibrationWindow(services, { ...options, calibrationEnd: options.calibrationEnd ?? (await lastThirdSplit(services)) }, true);
  const { summary, calibrationEnd, loaded } = window;
  const holdoutEnd = loaded.lastDay as string;
  if (holdoutEnd <= calibrationEnd) {
    throw new InputError(`${calibrationEnd} leaves no holdout: the last order is on ${holdoutEnd}; pick an earlier calibration end`, { field: 'calibration end' });
  }
  const actual = holdoutPurchases(loaded.log, summary, holdoutEnd);
  const fits = (options.models ?? ['bgnbd']).map((kind) => fitPurchaseModel(kind, summary));
  const checks = fits.map((fit) => checkModel(fit, summary, actual));
  const bgnbd = fits.find((fit) => fit.kind === 'bgnbd');
  const [{ totals, byFrequency }] = checks;
  const better = checks.length < 2 ? null : checks.reduce((p, q) => (q.meanSquaredError < p.meanSquaredError ? q : p)).model;
  return {
    dataFrom: loaded.firstDay as string,
    calibrationEnd,
    split,
    holdoutEnd,
    timeUnit: summary.unit,
    holdoutLength: round(actual.duration, 4),
    customers: summary.length,
    repeatCustomers: window.repeatCustomers,
    ...(bgnbd?.kind === 'bgnbd' ? { bgnbd: { ...rounded(bgnbd.params), logLikelihood: round(bgnbd.logLikelihood, 4), converged: bgnbd.converged } } : {}),
    totals,
    byFrequency,
    warnings: [...window.warnings, ...fits.flatMap((fit) => purchaseModelWarnings(fit, fit.kind)), ...spendIndependenceWarnings(summary)],
    models: checks,
    better,
  };
}

/**
 * The day two thirds of the way from the first to the last counted order: long enough a
 * calibration to fit on, long enough a holdout to compare with. Without orders, the calibration
 * window's own refusal ("import orders first") is the clearer message, so the last day stands in.
 */
async function lastThirdSplit(services: ModelServices): Promise<string | undefined> {
  const [row] = await services.db.reader.query(
    `SELECT MIN(ordered_day) AS first, MAX(ordered_day) AS last FROM orders WHERE currency = ${services.db.dialect.param(0)} AND ${COUNTED_ORDER}`,
    [services.config.shop.currency],
  );
  if (!row?.first) return undefined;
  const first = dayNumber(row.first);
  return isoDay(first + Math.round(((dayNumber(row.last) - first) * 2) / 3));
}

function checkModel(fit: PurchaseFit, summary: CustomerSummary, actual: { duration: number; purchases: Float64Array }): ModelCheck {
  const predicted = predictHoldout(fit.params, summary, actual.duration);
  const { standardErrors: _se, covariance: _c, intervals: _i, ...shown } = Object.values(purchaseOutput(fit))[0] as BgNbdOutput | ParetoNbdOutput;
  let squares = 0;
  for (let i = 0; i < summary.length; i++) squares += (predicted[i] - actual.purchases[i]) ** 2;
  return {
    model: fit.kind,
    ...shown,
    totals: { predicted: round(sum(predicted), 2), actual: sum(actual.purchases) },
    byFrequency: frequencyTable(summary, predicted, actual.purchases),
    meanSquaredError: round(squares / summary.length, 6),
  };
}

/** E[Y(t) | x, t_x, T] per customer; the series part once per distinct (x, T), as in scoreAll. */
function predictHoldout(params: PurchaseParams, summary: CustomerSummary, duration: number): Float64Array {
  const pairs = groupRows([summary.x, summary.T], summary.length);
  const ahead = new Float64Array(pairs.count);
  for (let g = 0; g < pairs.count; g++) {
    const row = pairs.firstRow[g];
    ahead[g] = purchasesIfAlive(params, duration, summary.x[row], summary.T[row]);
  }
  const predicted = new Float64Array(summary.length);
  for (let i = 0; i < summary.length; i++) {
    predicted[i] = aliveProbability(params, summary.x[i], summary.tx[i], summary.T[i]) * ahead[pairs.groupOf[i]];
  }
  return predicted;
}

function frequencyTable(summary: CustomerSummary, predicted: Float64Array, actual: Float64Array): FrequencyRow[] {
  const groups = TOP_FREQUENCY + 1;
  const [customers, predictedSum, actualSum] = [new Float64Array(groups), new Float64Array(groups), new Float64Array(groups)];
  for (let i = 0; i < summary.length; i++) {
    const g = Math.min(summary.x[i], TOP_FREQUENCY);
    customers[g]++;
    predictedSum[g] += predicted[i];
    actualSum[g] += actual[i];
  }
  return Array.from(customers, (n, g) => ({
    frequency: g === TOP_FREQUENCY ? `${g}+` : String(g),
    customers: n,
    predicted: n > 0 ? round(predictedSum[g] / n, 4) : 0,
    actual: n > 0 ? round(actualSum[g] / n, 4) : 0,
  }));
}

function sum(values: Float64Array): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return total;
}
