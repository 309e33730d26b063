/**
 * `rekindle fit`: fits the purchase (BG/NBD, or Pareto/NBD) and spend (Gamma-Gamma) models to the shop's
 * orders up to a calibration end, stores them as a new model version, and reports every
 * parameter with the caveats that belong to it.
 */
import { ConflictError } from '../domain/errors';
import { fitGammaGamma, GammaGammaFit } from '../domain/gammaGamma';
import type { PurchaseModelKind } from '../domain/purchaseModel';
import { CustomerSummary, dayNumber, summarize, TimeUnit } from '../domain/rfm';
import type { Services } from '../wiring';
import { dataWarnings, defaultHorizonDays, purchaseModelWarnings, spendModelWarnings, Warning } from './diagnostics';
import { FitSummary, saveModel } from './modelStore';
import { BgNbdOutput, fitPurchaseModel, ParetoNbdOutput, PurchaseFit, purchaseOutput, round, rounded, Uncertainty, uncertaintyOutput } from './purchaseFits';
import { LoadedLog, loadPurchaseLog, ordersInOtherCurrencies } from './purchaseLog';
import { calendarDay } from './settings';

export type ModelServices = Pick<Services, 'db' | 'config' | 'clock'>;

export interface FitOptions {
  /** Last day of the calibration window, inclusive; default the last order day. */
  calibrationEnd?: string;
  timeUnit?: TimeUnit;
  /** The purchase model; default BG/NBD. */
  model?: PurchaseModelKind;
}

interface FitOutputCommon {
  gammaGamma: Record<'p' | 'q' | 'gamma', number> & { logLikelihood: number; converged: boolean } & Uncertainty<'p' | 'q' | 'gamma'>;
  customers: number;
  repeatCustomers: number;
  calibrationEnd: string;
  timeUnit: TimeUnit;
  modelVersion: number;
  warnings: Warning[];
  /** Which purchase model was fitted, and so which of `bgnbd` / `paretoNbd` is there. */
  purchaseModel: PurchaseModelKind;
}

/** What `fit --json` prints: these keys exactly, plus the caveats. */
export type BgNbdFitOutput = { bgnbd: BgNbdOutput } & FitOutputCommon;
export type ParetoNbdFitOutput = { paretoNbd: ParetoNbdOutput } & FitOutputCommon;
export type FitOutput = BgNbdFitOutput | ParetoNbdFitOutput;

export async function fitModels(services: ModelServices, options?: FitOptions & { model?: 'bgnbd' }): Promise<BgNbdFitOutput>;
export async function fitModels(services: ModelServices, options: FitOptions): Promise<FitOutput>;
export async function fitModels(services: ModelServices, options: FitOptions = {}): Promise<FitOutput> {
  const window = await calibrationWindow(services, options);
  const { summary, repeatCustomers } = window;
  const purchase = fitPurchaseModel(options.model ?? 'bgnbd', summary);
  const spend = fitSpend(summary);
  const warnings = [...window.warnings, ...purchaseModelWarnings(purchase, purchase.kind), ...spendModelWarnings(spend, summary)];
  const model = await saveModel(services.db, {
    fittedAt: services.clock().toISOString(),
    calibrationEnd: window.calibrationEnd,
    timeUnit: summary.unit,
    currency: services.config.shop.currency,
    // The column keeps its name; the parameters' names say which model it holds (purchaseModel.ts).
    bgnbd: { ...purchase.params, ...fitSummary(purchase, purchase.customers) },
    gammaGamma: { ...spend.params, ...fitSummary(spend, spend.customers) },
    warnings,
    customers: summary.length,
    repeatCustomers,
    dataFrom: window.loaded.firstDay,
  });
  const { p, q, gamma } = spend.params;
  return {
    ...purchaseOutput(purchase),
    gammaGamma: {
      ...rounded({ p, q, gamma }), logLikelihood: round(spend.logLikelihood, 4), converged: spend.converged,
      ...uncertaintyOutput(['p', 'q', 'gamma'], spend.uncertainty),
    },
    customers: summary.length,
    repeatCustomers,
    calibrationEnd: window.calibrationEnd,
    timeUnit: summary.unit,
    modelVersion: model.version,
    warnings,
    purchaseModel: purchase.kind,
  };
}

export interface CalibrationWindow {
  /** Orders up to the holdout end when one is asked for, else up to the calibration end. */
  loaded: LoadedLog;
  summary: CustomerSummary;
  calibrationEnd: string;
  repeatCustomers: number;
  /** Caveats about the data itself (size, history, currencies), before any fit. */
  warnings: Warning[];
}

/**
 * The shop's orders summarized for a fit, refusing when there is nothing to learn from.
 * `keepLaterOrders` loads orders after the calibration end too (validate compares with them).
 */
export async function calibrationWindow(services: ModelServices, options: FitOptions, keepLaterOrders = false): Promise<CalibrationWindow> {
  const { db, config } = services;
  const currency = config.shop.currency;
  const given = options.calibrationEnd === undefined ? undefined : calendarDay(options.calibrationEnd, 'calibration end');
  const through = keepLaterOrders ? undefined : given;
  const loaded = await loadPurchaseLog(db, { currency, through });
  const calibrationEnd = given ?? loaded.lastDay;
  if (calibrationEnd === null || loaded.firstDay === null || loaded.firstDay > calibrationEnd) {
    const when = given === undefined ? '' : ` on or before ${given}`;
    throw new ConflictError(`there are no ${currency} orders${when} to fit the models on: import orders first`);
  }
  const summary = summarize(loaded.log, { calibrationEnd, unit: options.timeUnit ?? 'week' });
  let repeatCustomers = 0;
  for (let i = 0; i < summary.length; i++) if (summary.x[i] > 0) repeatCustomers++;
  if (repeatCustomers === 0) {
    throw new ConflictError(
      `none of the ${summary.length} customers bought on two different days by ${calibrationEnd}: the models learn from repeat purchases, so there is nothing to fit yet`,
    );
  }
  const warnings = dataWarnings({
    summary,
    repeatCustomers,
    historyDays: dayNumber(calibrationEnd) - dayNumber(loaded.firstDay),
    horizonDays: defaultHorizonDays(config.value.months),
    currency,
    leftOut: await ordersInOtherCurrencies(db, currency, given),
  });
  return { loaded, summary, calibrationEnd, repeatCustomers, warnings };
}

function fitSpend(summary: CustomerSummary): GammaGammaFit {
  try {
    return fitGammaGamma(summary);
  } catch (error) {
    // Repeat customers exist, so this is "all their repeat purchases were free".
    throw new ConflictError(`the spend model cannot be fitted: ${(error as Error).message}`);
  }
}

function fitSummary(fit: PurchaseFit | GammaGammaFit, customers: number): FitSummary {
  const { logLikelihood, converged, hitBound, iterations, starts, agreeingStarts } = fit;
  const { standardErrors, covariance } = fit.uncertainty;
  return { logLikelihood, converged, hitBound, iterations, starts, agreeingStarts, customers, standardErrors, covariance };
}

/** validate and the tests round as fit does. */
export { round, rounded };
export type { Uncertainty };
