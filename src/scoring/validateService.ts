/**
 * `rekindle validate`: fit the purchase model on the orders up to a calibration end, predict
 * each customer's purchases from then to the last order day, and compare with what they did.
 * The per-frequency table is the check every BTYD paper shows: customers grouped by their
 * calibration repeat purchases (0, 1, ... 6, 7+), mean predicted against mean actual.
 * Nothing is stored: validating must not replace the model `score` uses.
 */
import { expectedPurchasesIfAlive, pAlive } from '../domain/bgnbd';
import { BgNbdFit, fitBgNbd } from '../domain/bgnbdFit';
import { InputError } from '../domain/errors';
import { groupRows } from '../domain/grouping';
import { CustomerSummary, dayNumber, holdoutPurchases, isoDay, TimeUnit } from '../domain/rfm';
import { purchaseModelWarnings, Warning } from './diagnostics';
import { calibrationWindow, ModelServices, round, rounded } from './fitService';
import { COUNTED_ORDER } from './purchaseLog';

export interface ValidateOptions {
  /** Default: the first two thirds of the order history train, the last third is the holdout. */
  calibrationEnd?: string;
  timeUnit?: TimeUnit;
}

/** How the calibration end was chosen: given by the caller, or the last third of the days held out. */
export type Split = 'given' | 'last-third';

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
  bgnbd: { r: number; alpha: number; a: number; b: number; logLikelihood: number; converged: boolean };
  /** Repeat purchases in the holdout, summed over all customers. */
  totals: { predicted: number; actual: number };
  byFrequency: FrequencyRow[];
  warnings: Warning[];
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
  const fit = fitBgNbd(summary);
  const actual = holdoutPurchases(loaded.log, summary, holdoutEnd);
  const predicted = predictHoldout(fit, summary, actual.duration);
  const byFrequency = frequencyTable(summary, predicted, actual.purchases);
  const { r, alpha, a, b } = fit.params;
  return {
    dataFrom: loaded.firstDay as string,
    calibrationEnd,
    split,
    holdoutEnd,
    timeUnit: summary.unit,
    holdoutLength: round(actual.duration, 4),
    customers: summary.length,
    repeatCustomers: window.repeatCustomers,
    bgnbd: { ...rounded({ r, alpha, a, b }), logLikelihood: round(fit.logLikelihood, 4), converged: fit.converged },
    totals: { predicted: round(sum(predicted), 2), actual: sum(actual.purchases) },
    byFrequency,
    warnings: [...window.warnings, ...purchaseModelWarnings(fit)],
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

/** E[Y(t) | x, t_x, T] per customer; the series part once per distinct (x, T), as in scoreAll. */
function predictHoldout(fit: BgNbdFit, summary: CustomerSummary, duration: number): Float64Array {
  const pairs = groupRows([summary.x, summary.T], summary.length);
  const ahead = new Float64Array(pairs.count);
  for (let g = 0; g < pairs.count; g++) {
    const row = pairs.firstRow[g];
    ahead[g] = expectedPurchasesIfAlive(fit.params, duration, summary.x[row], summary.T[row]);
  }
  const predicted = new Float64Array(summary.length);
  for (let i = 0; i < summary.length; i++) {
    predicted[i] = pAlive(fit.params, summary.x[i], summary.tx[i], summary.T[i]) * ahead[pairs.groupOf[i]];
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
