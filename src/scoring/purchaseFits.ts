/**
 * The purchase model `fit` and `validate` are asked for (`--model bgnbd|pareto-nbd`), fitted and
 * shown the same way: parameters to 6 significant digits, the log-likelihood, whether it
 * converged, and the parameter uncertainty.
 */
import { BgNbdFit, fitBgNbd, FrequencyRecency } from '../domain/bgnbdFit';
import { InputError } from '../domain/errors';
import type { ParameterUncertainty } from '../domain/hessian';
import { fitParetoNbd, ParetoNbdFit } from '../domain/paretoNbdFit';
import { PURCHASE_MODELS, PurchaseModelKind } from '../domain/purchaseModel';

/**
 * How sure the fit is of each parameter (issue 14): standard errors and the covariance from the
 * observed information, and 95% intervals on the log scale. null where the data cannot pin a
 * parameter down (JSON has no NaN).
 */
export interface Uncertainty<K extends string> {
  standardErrors: Record<K, number>;
  /** Rows and columns in the order of the parameters above. */
  covariance: number[][];
  intervals: Record<K, [number, number]>;
}

interface FitFacts {
  logLikelihood: number;
  converged: boolean;
}

export type BgNbdOutput = Record<'r' | 'alpha' | 'a' | 'b', number> & FitFacts & Uncertainty<'r' | 'alpha' | 'a' | 'b'>;
export type ParetoNbdOutput = Record<'r' | 'alpha' | 's' | 'beta', number> & FitFacts & Uncertainty<'r' | 'alpha' | 's' | 'beta'>;

export type PurchaseFit = ({ kind: 'bgnbd' } & BgNbdFit) | ({ kind: 'pareto-nbd' } & ParetoNbdFit);

export function fitPurchaseModel(kind: PurchaseModelKind, summary: FrequencyRecency): PurchaseFit {
  return kind === 'bgnbd' ? { kind, ...fitBgNbd(summary) } : { kind, ...fitParetoNbd(summary) };
}

/** The `bgnbd` or `paretoNbd` entry of fit's and validate's JSON. */
export function purchaseOutput(fit: PurchaseFit): { bgnbd: BgNbdOutput } | { paretoNbd: ParetoNbdOutput } {
  const facts = { logLikelihood: round(fit.logLikelihood, 4), converged: fit.converged };
  if (fit.kind === 'bgnbd') {
    const { r, alpha, a, b } = fit.params;
    return { bgnbd: { ...rounded({ r, alpha, a, b }), ...facts, ...uncertaintyOutput(['r', 'alpha', 'a', 'b'], fit.uncertainty) } };
  }
  const { r, alpha, s, beta } = fit.params;
  return { paretoNbd: { ...rounded({ r, alpha, s, beta }), ...facts, ...uncertaintyOutput(['r', 'alpha', 's', 'beta'], fit.uncertainty) } };
}

export function uncertaintyOutput<K extends string>(names: K[], u: ParameterUncertainty): Uncertainty<K> {
  const byName = <V>(values: V[]) => Object.fromEntries(names.map((name, i) => [name, values[i]])) as Record<K, V>;
  return {
    standardErrors: byName(u.standardErrors.map(significant)),
    covariance: u.covariance.map((row) => row.map(significant)),
    intervals: byName(u.intervals.map(([low, high]): [number, number] => [significant(low), significant(high)])),
  };
}

/** `--model a,b`: known model names, each once. */
export function purchaseModelList(text: string, field = '--model'): PurchaseModelKind[] {
  const names = text.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!(PURCHASE_MODELS as readonly string[]).includes(name)) {
      throw new InputError(`"${name}" is not a purchase model; expected ${PURCHASE_MODELS.join(' or ')}`, { field });
    }
  }
  if (new Set(names).size !== names.length) throw new InputError(`"${text}" names a model twice`, { field });
  return names as PurchaseModelKind[];
}

/** 6 significant digits; NaN stays NaN (printed as null). */
const significant = (value: number): number => (Number.isFinite(value) ? Number(value.toPrecision(6)) : NaN);

/** Parameters to 6 significant digits: more than any fit here can claim. */
export function rounded<K extends string>(params: Record<K, number>): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const key of Object.keys(params) as K[]) out[key] = Number(params[key].toPrecision(6));
  return out;
}

export const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;
