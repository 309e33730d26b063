/**
 * The caveats printed next to a fit's numbers, so that none is read without them. Each says
 * what was found, in numbers, and what it means for the scores.
 *
 * Thresholds, and why:
 * - 1,000 customers, 500 repeat customers: refitting bootstrap resamples of the CDNOW sample
 *   (2,357 customers, 946 repeat) at smaller sizes, r and α varied by 9% and 17% (one standard
 *   deviation) at 1,000 customers and by 16% and 26% at 500, a and b by 40% and more; the
 *   Gamma-Gamma p varied by 40% at ~400 repeat customers and by 16% at CDNOW's 946. Below these
 *   sizes the parameters, and every P(alive) and CLV built on them, are rough.
 * - history shorter than the prediction horizon: the model never saw a customer for as long as
 *   it is asked to predict, so the prediction is an extrapolation.
 * - customers watched for less than two typical gaps between purchases: a silence that short
 *   cannot tell a customer who left from one who has not needed to buy yet.
 * - fewer than 50 repeat customers (issue 14): the parameters' 95% intervals then span an order
 *   of magnitude or more, so the warning says so instead of the milder one above.
 * - |corr(x, m_x)| > 0.3: Gamma-Gamma assumes spend per purchase is independent of how often
 *   customers buy; 0.3 is the usual line between a weak and a moderate correlation (CDNOW: 0.11).
 */
import { unitsPerMonth } from '../domain/clv';
import { frequencySpendCorrelation, GammaGammaFit } from '../domain/gammaGamma';
import type { FitReport } from '../domain/optimize';
import { PurchaseModelKind, purchaseModelName } from '../domain/purchaseModel';
import { CustomerSummary, DAYS_PER_UNIT } from '../domain/rfm';
import type { LeftOut } from './purchaseLog';

export interface Warning {
  code: string;
  message: string;
}

export const THRESHOLDS = { customers: 1000, repeatCustomers: 500, fewestRepeatCustomers: 50, correlation: 0.3, gapsWatched: 2 } as const;

export interface DataFacts {
  summary: CustomerSummary;
  repeatCustomers: number;
  /** Days from the first order in the data to the calibration end. */
  historyDays: number;
  /** The longest window scores predict over by default: 52 weeks, or the CLV months. */
  horizonDays: number;
  currency: string;
  leftOut: LeftOut[];
}

export function dataWarnings(facts: DataFacts): Warning[] {
  const { summary, repeatCustomers } = facts;
  const warnings: Warning[] = [];
  if (summary.length < THRESHOLDS.customers) {
    warnings.push({
      code: 'few-customers',
      message: `Only ${count(summary.length)} customers: with fewer than ${count(THRESHOLDS.customers)} the purchase model's parameters are uncertain by 10-30% or more, so treat P(alive) and CLV as rough.`,
    });
  }
  if (repeatCustomers < THRESHOLDS.fewestRepeatCustomers) {
    warnings.push({
      code: 'too-few-repeat-customers',
      message: `Only ${count(repeatCustomers)} customers bought more than once: with fewer than ${THRESHOLDS.fewestRepeatCustomers} both models are close to guesses (see how wide the 95% intervals of \`fit\` are), so treat every P(alive), expected spend and CLV as a rough guide.`,
    });
  } else if (repeatCustomers < THRESHOLDS.repeatCustomers) {
    warnings.push({
      code: 'few-repeat-customers',
      message: `Only ${count(repeatCustomers)} customers bought more than once: with fewer than ${count(THRESHOLDS.repeatCustomers)} the spend model leans on little evidence, so expected spend and CLV are rough.`,
    });
  }
  if (facts.historyDays < facts.horizonDays) {
    warnings.push({
      code: 'short-history',
      message: `The orders cover ${weeks(facts.historyDays)} weeks, less than the ${weeks(facts.horizonDays)} weeks scores predict over: those predictions extrapolate beyond anything the data has shown.`,
    });
  }
  warnings.push(...youngCustomers(summary));
  const leftOut = facts.leftOut.filter((c) => c.orders > 0);
  if (leftOut.length > 0) {
    const total = leftOut.reduce((sum, c) => sum + c.orders, 0);
    const each = leftOut.map((c) => `${c.currency} ${count(c.orders)}`).join(', ');
    warnings.push({
      code: 'other-currencies',
      message: `${count(total)} orders in other currencies (${each}) are left out: the models see ${facts.currency} orders only, and currencies are never added together.`,
    });
  }
  return warnings;
}

/** Mean age T against the mean gap between repeat purchases, both in the summary's unit. */
function youngCustomers(summary: CustomerSummary): Warning[] {
  let [ageSum, gapSum, repeaters] = [0, 0, 0];
  for (let i = 0; i < summary.length; i++) {
    ageSum += summary.T[i];
    if (summary.x[i] > 0) [gapSum, repeaters] = [gapSum + summary.tx[i] / summary.x[i], repeaters + 1];
  }
  if (repeaters === 0 || summary.length === 0) return [];
  const [age, gap] = [ageSum / summary.length, gapSum / repeaters];
  if (age >= THRESHOLDS.gapsWatched * gap) return [];
  const unit = summary.unit;
  return [{
    code: 'young-customers',
    message: `Customers were watched for ${age.toFixed(1)} ${unit}s on average, less than two typical gaps between purchases (${gap.toFixed(1)} ${unit}s): their silence says little yet about who has left.`,
  }];
}

export function purchaseModelWarnings(fit: FitReport, kind: PurchaseModelKind = 'bgnbd'): Warning[] {
  return optimizerWarnings(`purchase model (${purchaseModelName(kind)})`, kind, fit);
}

export function spendModelWarnings(fit: GammaGammaFit, summary: CustomerSummary): Warning[] {
  const warnings = [...optimizerWarnings('spend model (Gamma-Gamma)', 'gamma-gamma', fit), ...spendIndependenceWarnings(summary)];
  if (!(fit.params.q > 1)) {
    warnings.push({
      code: 'infinite-spend',
      message: `The spend model's q = ${fit.params.q.toPrecision(3)} is at most 1, which makes the expected spend infinite: scores cannot be computed with this model.`,
    });
  }
  return warnings;
}

/** The Gamma-Gamma assumption checked on the data alone, so `validate` (no spend fit) says it too. */
export function spendIndependenceWarnings(summary: CustomerSummary): Warning[] {
  const correlation = frequencySpendCorrelation(summary);
  if (!(Math.abs(correlation) > THRESHOLDS.correlation)) return [];
  return [{
    code: 'spend-depends-on-frequency',
    message: `Among repeat customers, how often they buy and how much they spend are correlated (${correlation.toFixed(2)}); the spend model assumes they are not, so expected spend and CLV may be biased.`,
  }];
}

function optimizerWarnings(name: string, code: string, fit: FitReport): Warning[] {
  const warnings: Warning[] = [];
  if (!fit.converged) {
    warnings.push({ code: `${code}-not-converged`, message: `The ${name} fit did not converge: its parameters are not the best fit and may change on the next run.` });
  }
  if (fit.hitBound) {
    warnings.push({
      code: `${code}-at-bound`,
      message: `A ${name} parameter ran to the edge of what the fit allows: the data cannot pin it down (for example nobody ever came back, or nobody ever left).`,
    });
  }
  if (fit.agreeingStarts < fit.starts) {
    warnings.push({
      code: `${code}-starts-disagree`,
      message: `Only ${fit.agreeingStarts} of ${fit.starts} starting points of the ${name} fit reached the same optimum: the likelihood has more than one peak, so the parameters are fragile.`,
    });
  }
  return warnings;
}

/** Scores predict over 52 weeks and the CLV months by default; the longer one, in days. */
export function defaultHorizonDays(months: number): number {
  return Math.max(364, months * unitsPerMonth('day'));
}

const weeks = (days: number): string => (days / DAYS_PER_UNIT.week).toFixed(0);
const count = (n: number): string => n.toLocaleString('en');
