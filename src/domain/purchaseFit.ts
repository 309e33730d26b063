/**
 * What the purchase-model fits (BG/NBD, Pareto/NBD) share: time rescaled to the customers' mean
 * age so the box means the same in days or weeks, the starts compared on a sample of a large
 * shop, the log-likelihood put back into the data's time unit, and the parameter uncertainty.
 */
import type { FrequencyRecency } from './bgnbdFit';
import { pickRows, sampleRows } from './grouping';
import { fitUncertainty, ParameterUncertainty } from './hessian';
import { FitReport, minimizeFromStarts, Objective } from './optimize';

/** A grouped likelihood: −(mean log-likelihood) over `total` customers in `count` patterns. */
export interface GroupedLikelihood {
  objective: Objective;
  total: number;
  /** Σ x over customers. */
  purchases: number;
  count: number;
}

export interface RescaledFit extends FitReport {
  /** The parameters in the data's time unit, in the order of the starts. */
  values: number[];
  customers: number;
  patterns: number;
  uncertainty: ParameterUncertainty;
}

/**
 * The box for the parameters after time is rescaled: beyond 1e-6..1e6 the data cannot pin a
 * parameter down, e.g. a, b when nobody ever drops out, or r when nobody ever comes back.
 */
const LOG_BOUND = Math.log(1e6);

/** Above this many customers the starts are compared on a sample of this size (see optimize.ts). */
export const SCREENING_SAMPLE = 50_000;

/**
 * Fits `group`'s likelihood from `starts` (in the data's time unit); `inTime` lists the
 * parameters measured in time units (scales such as α), which are divided by the mean age.
 */
export function fitOnRescaledTime(
  data: FrequencyRecency,
  group: (data: FrequencyRecency, scale: number) => GroupedLikelihood,
  starts: ReadonlyArray<number[]>,
  inTime: number[],
  options: { maxIterations?: number; uncertainty?: boolean } = {},
): RescaledFit {
  if (data.length === 0) throw new RangeError('the purchase model needs at least one customer');
  const scale = timeScale(data);
  const rescale = (values: number[], by: number) => values.map((v, i) => (inTime.includes(i) ? v * by : v));
  const all = group(data, scale);
  const sample = data.length > 2 * SCREENING_SAMPLE ? group(sampleOf(data), scale).objective : undefined;
  const logStarts = starts.map((start) => rescale(start, 1 / scale).map(Math.log));
  const bounds = { lower: -LOG_BOUND, upper: LOG_BOUND, maxIterations: options.maxIterations };
  const { best, ...report } = minimizeFromStarts(all.objective, logStarts, bounds, sample);
  const values = rescale(Array.from(best.theta, Math.exp), scale);
  return {
    ...report,
    values,
    // Undo the rescaling: each purchase's density picks up 1/scale.
    logLikelihood: -best.value * all.total - all.purchases * Math.log(scale),
    customers: data.length,
    patterns: all.count,
    // Rescaling shifts ln α by a constant, which leaves the Hessian in log space unchanged.
    uncertainty: fitUncertainty(all.objective, best, all.total, values, options.uncertainty),
  };
}

function timeScale(data: FrequencyRecency): number {
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum += data.T[i];
  return sum > 0 ? sum / data.length : 1;
}

function sampleOf(data: FrequencyRecency): FrequencyRecency {
  const rows = sampleRows(data.length, SCREENING_SAMPLE);
  return { length: rows.length, x: pickRows(data.x, rows), tx: pickRows(data.tx, rows), T: pickRows(data.T, rows) };
}
