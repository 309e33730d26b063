/**
 * Gamma-Gamma spend model (Fader, Hardie & Lee 2005 "RFM and CLV"; Fader & Hardie 2013 note):
 * each purchase's value is Gamma(p, ν), ν ~ Gamma(q, γ) across customers. Fitted on customers
 * with at least one repeat purchase, from x and their mean repeat spend m_x.
 */
import { fitUncertainty, ParameterUncertainty } from './hessian';
import { FitReport, minimizeFromStarts, Objective } from './optimize';
import { groupRows, keyColumn, pickRows, sampleRows } from './grouping';
import { digamma, lnGamma } from './specialFunctions';

export interface GammaGammaParams {
  p: number;
  q: number;
  /** Scale of the spend heterogeneity, in money units. */
  gamma: number;
}

export interface FrequencySpend {
  readonly length: number;
  readonly x: Float64Array;
  readonly monetary: Float64Array;
}

export interface GammaGammaFit extends FitReport {
  params: GammaGammaParams;
  /** Customers the fit used: x >= 1 with a positive mean spend. */
  customers: number;
  /** Standard errors, covariance and 95% intervals of (p, q, γ), in that order. */
  uncertainty: ParameterUncertainty;
}

/** ln L(p, q, γ | x, m_x) for one customer with x >= 1 and m_x > 0. */
export function gammaGammaLogLikelihood(params: GammaGammaParams, x: number, m: number): number {
  const { p, q, gamma } = params;
  return (
    lnGamma(p * x + q) - lnGamma(p * x) - lnGamma(q) + q * Math.log(gamma) +
    (p * x - 1) * Math.log(m) + p * x * Math.log(x) - (p * x + q) * Math.log(gamma + m * x)
  );
}

/**
 * E[M | x, m_x] = p(γ + m_x x) / (p x + q - 1): a weighted mean of the customer's own average
 * and the population mean pγ/(q-1). With x = 0 it is the population mean. Infinite when q <= 1.
 */
export function expectedSpend(params: GammaGammaParams, x: number, m: number): number {
  const { p, q, gamma } = params;
  const denominator = p * x + q - 1;
  return denominator > 0 ? (p * (gamma + m * x)) / denominator : Infinity;
}

/**
 * Pearson correlation of x and m_x among repeat customers. The model assumes spend is
 * independent of frequency; a clearly non-zero value says its spend predictions are suspect.
 */
export function frequencySpendCorrelation(data: FrequencySpend): number {
  let [n, sx, sm, sxx, smm, sxm] = [0, 0, 0, 0, 0, 0];
  for (let i = 0; i < data.length; i++) {
    const [x, m] = [data.x[i], data.monetary[i]];
    if (x < 1) continue;
    [n, sx, sm] = [n + 1, sx + x, sm + m];
    [sxx, smm, sxm] = [sxx + x * x, smm + m * m, sxm + x * m];
  }
  const covariance = sxm - (sx * sm) / n;
  const spread = Math.sqrt((sxx - (sx * sx) / n) * (smm - (sm * sm) / n));
  return n > 1 && spread > 0 ? covariance / spread : NaN;
}

/** Above this many spenders the starts are compared on a sample of this size (see optimize.ts). */
const SCREENING_SAMPLE = 50_000;

/** Spend is rescaled to its mean before fitting, so the box 1e-6..1e6 means the same in any currency. */
const LOG_BOUND = Math.log(1e6);

export function fitGammaGamma(data: FrequencySpend, options: { starts?: ReadonlyArray<GammaGammaParams>; uncertainty?: boolean } = {}): GammaGammaFit {
  const { x, m } = repeatSpenders(data);
  const n = m.length;
  if (n === 0) throw new RangeError('the spend model needs customers with a repeat purchase; there are none');
  const scale = m.reduce((sum, v) => sum + v, 0) / n;
  m.forEach((v, i) => (m[i] = v / scale));
  // Each default start puts the population mean pγ/(q-1) at the observed mean spend.
  const starts = options.starts ?? [
    { p: 1, q: 2, gamma: scale },
    { p: 4, q: 3, gamma: scale / 2 },
    { p: 10, q: 8, gamma: 0.7 * scale },
  ];
  const rows = n > 2 * SCREENING_SAMPLE ? sampleRows(n, SCREENING_SAMPLE) : undefined;
  const sample = rows && gammaGammaObjective(toSpenders(pickRows(x, rows), pickRows(m, rows)));
  const logStarts = starts.map((s) => [s.p, s.q, s.gamma / scale].map(Math.log));
  const bounds = { lower: -LOG_BOUND, upper: LOG_BOUND };
  const objective = gammaGammaObjective(toSpenders(x, m));
  const { best, ...report } = minimizeFromStarts(objective, logStarts, bounds, sample);
  const [p, q, gamma] = Array.from(best.theta, Math.exp);
  // Undo the rescaling: each customer's density of m picks up 1/scale.
  const logLikelihood = -best.value * n - n * Math.log(scale);
  const uncertainty = fitUncertainty(objective, best, n, [p, q, gamma * scale], options.uncertainty);
  return { ...report, params: { p, q, gamma: gamma * scale }, logLikelihood, customers: n, uncertainty };
}

/** Customers the model applies to: at least one repeat purchase and a positive mean spend. */
function repeatSpenders(data: FrequencySpend): { x: Float64Array; m: Float64Array } {
  let n = 0;
  for (let i = 0; i < data.length; i++) if (data.x[i] >= 1 && data.monetary[i] > 0) n++;
  const [x, m] = [new Float64Array(n), new Float64Array(n)];
  for (let i = 0, j = 0; i < data.length; i++) {
    if (data.x[i] >= 1 && data.monetary[i] > 0) [x[j], m[j++]] = [data.x[i], data.monetary[i]];
  }
  return { x, m };
}

/** The spenders plus the sums that do not depend on the parameters. */
interface Spenders {
  x: Float64Array;
  m: Float64Array;
  xs: Float64Array;
  xWeight: Float64Array;
  sumXLnM: number;
  sumLnM: number;
  sumXLnX: number;
}

function toSpenders(x: Float64Array, m: Float64Array): Spenders {
  const byX = groupRows([x], x.length);
  let [sumXLnM, sumLnM, sumXLnX] = [0, 0, 0];
  for (let i = 0; i < x.length; i++) {
    const lnM = Math.log(m[i]);
    [sumXLnM, sumLnM, sumXLnX] = [sumXLnM + x[i] * lnM, sumLnM + lnM, sumXLnX + x[i] * Math.log(x[i])];
  }
  return { x, m, xs: keyColumn(byX, x), xWeight: byX.size, sumXLnM, sumLnM, sumXLnX };
}

/** -(mean log-likelihood) and its gradient in (ln p, ln q, ln γ); one log per customer. */
function gammaGammaObjective(s: Spenders): Objective {
  const n = s.m.length;
  return (theta, gradient) => {
    const [p, q, gamma] = Array.from(theta, Math.exp);
    let [ll, dp, dq] = [0, 0, 0];
    for (let k = 0; k < s.xs.length; k++) {
      const [x, w] = [s.xs[k], s.xWeight[k]];
      ll += w * (lnGamma(p * x + q) - lnGamma(p * x));
      dp += w * x * (digamma(p * x + q) - digamma(p * x));
      dq += w * digamma(p * x + q);
    }
    let [sumXL, sumL, sumXInv, sumInv] = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      const x = s.x[i];
      const total = gamma + s.m[i] * x;
      const l = Math.log(total);
      sumXL += x * l;
      sumL += l;
      sumXInv += x / total;
      sumInv += 1 / total;
    }
    const lnGammaScale = Math.log(gamma);
    ll += n * (q * lnGammaScale - lnGamma(q)) + p * (s.sumXLnM + s.sumXLnX) - s.sumLnM - p * sumXL - q * sumL;
    dp += s.sumXLnM + s.sumXLnX - sumXL;
    dq += n * (lnGammaScale - digamma(q)) - sumL;
    const dGamma = (n * q) / gamma - p * sumXInv - q * sumInv;
    const scale = -1 / Math.max(1, n);
    [dp * p, dq * q, dGamma * gamma].forEach((g, i) => (gradient[i] = g * scale));
    return ll * scale;
  };
}
