/**
 * Maximum-likelihood fit of the BG/NBD model. The likelihood is summed over distinct
 * (x, t_x, T) patterns weighted by their customer count, and within a pass every term that
 * depends on x alone (the gamma functions), on T alone or on t_x alone is computed once per
 * distinct value: what remains per pattern is one exp and one log1p. The optimizer works on
 * (ln r, ln α, ln a, ln b) with the analytic gradient.
 */
import { BgNbdParams } from './bgnbd';
import { groupRows, keyColumn } from './grouping';
import type { ParameterUncertainty } from './hessian';
import type { FitReport, Objective } from './optimize';
import { fitOnRescaledTime } from './purchaseFit';
import { digamma, lnGamma } from './specialFunctions';

export interface FrequencyRecency {
  readonly length: number;
  readonly x: Float64Array;
  readonly tx: Float64Array;
  readonly T: Float64Array;
}

export interface BgNbdFit extends FitReport {
  params: BgNbdParams;
  customers: number;
  /** Distinct (x, t_x, T) patterns the likelihood was summed over. */
  patterns: number;
  /** Standard errors, covariance and 95% intervals of (r, α, a, b), in that order. */
  uncertainty: ParameterUncertainty;
}

export interface BgNbdFitOptions {
  /** Starting points; by default three spread around the data's purchase rate. */
  starts?: ReadonlyArray<BgNbdParams>;
  maxIterations?: number;
  /** Compute the standard errors (default); off only to time the fit without them. */
  uncertainty?: boolean;
}

export function fitBgNbd(data: FrequencyRecency, options: BgNbdFitOptions = {}): BgNbdFit {
  const starts = (options.starts ?? defaultStarts(data)).map((p) => [p.r, p.alpha, p.a, p.b]);
  const group = (d: FrequencyRecency, scale: number) => {
    const patterns = toPatterns(d, scale);
    return { objective: bgnbdObjective(patterns), total: patterns.total, purchases: patterns.purchases, count: patterns.count };
  };
  const { values, ...fit } = fitOnRescaledTime(data, group, starts, [1], options);
  const [r, alpha, a, b] = values;
  return { ...fit, params: { r, alpha, a, b } };
}

/** The summed (not averaged) log-likelihood of a whole customer base. */
export function bgnbdTotalLogLikelihood(params: BgNbdParams, data: FrequencyRecency): number {
  const patterns = toPatterns(data, 1);
  const theta = Float64Array.from([params.r, params.alpha, params.a, params.b], Math.log);
  return -bgnbdObjective(patterns)(theta, new Float64Array(4)) * patterns.total;
}

function defaultStarts(data: FrequencyRecency): BgNbdParams[] {
  let [purchases, exposure] = [0, 0];
  for (let i = 0; i < data.length; i++) [purchases, exposure] = [purchases + data.x[i], exposure + data.T[i]];
  const rate = purchases > 0 && exposure > 0 ? purchases / exposure : 1;
  return [
    { r: 1, alpha: 1 / rate, a: 1, b: 1 },
    { r: 0.3, alpha: 0.3 / rate, a: 0.5, b: 3 },
    { r: 3, alpha: 3 / rate, a: 2, b: 8 },
  ];
}

/**
 * Distinct patterns. Sums that only need T (every customer's "still alive" term) are weighted
 * per distinct T; the per-pattern arrays hold only customers with repeat purchases.
 */
interface Patterns {
  total: number;
  /** Σ x over customers. */
  purchases: number;
  count: number;
  xs: Float64Array;
  xWeight: Float64Array;
  Ts: Float64Array;
  /** Per distinct T: customers, and the sum of their x. */
  TWeight: Float64Array;
  TWeightX: Float64Array;
  txs: Float64Array;
  xIndex: Int32Array;
  TIndex: Int32Array;
  txIndex: Int32Array;
  weight: Float64Array;
}

/** Groups the customers; times are divided by `scale`. */
function toPatterns(data: FrequencyRecency, scale: number): Patterns {
  const groups = groupRows([data.x, data.tx, data.T], data.length);
  const [x, tx, T] = [data.x, data.tx, data.T].map((column) => keyColumn(groups, column));
  if (scale !== 1) [tx, T].forEach((column) => column.forEach((v, i) => (column[i] = v / scale)));
  const [byX, byT, byTx] = [x, T, tx].map((column) => groupRows([column], groups.count));
  const xWeight = new Float64Array(byX.count);
  const [TWeight, TWeightX] = [new Float64Array(byT.count), new Float64Array(byT.count)];
  let [repeats, purchases] = [0, 0];
  for (let p = 0; p < groups.count; p++) {
    const w = groups.size[p];
    purchases += w * x[p];
    xWeight[byX.groupOf[p]] += w;
    TWeight[byT.groupOf[p]] += w;
    TWeightX[byT.groupOf[p]] += w * x[p];
    if (x[p] > 0) repeats++;
  }
  const repeat = new Int32Array(repeats);
  for (let p = 0, i = 0; p < groups.count; p++) if (x[p] > 0) repeat[i++] = p;
  return {
    total: data.length,
    purchases,
    count: groups.count,
    xs: keyColumn(byX, x),
    xWeight,
    Ts: keyColumn(byT, T),
    TWeight,
    TWeightX,
    txs: keyColumn(byTx, tx),
    xIndex: Int32Array.from(repeat, (p) => byX.groupOf[p]),
    TIndex: Int32Array.from(repeat, (p) => byT.groupOf[p]),
    txIndex: Int32Array.from(repeat, (p) => byTx.groupOf[p]),
    weight: Float64Array.from(repeat, (p) => groups.size[p]),
  };
}

interface Scratch {
  rx: Float64Array;
  /** ln a − ln(b+x−1): the x-only part of the "dropped out" log-term. */
  dropHead: Float64Array;
  invB: Float64Array;
  lnT: Float64Array;
  invT: Float64Array;
  lnTx: Float64Array;
  invTx: Float64Array;
}

/** −(mean log-likelihood) and its gradient in log-parameter space. */
function bgnbdObjective(p: Patterns): Objective {
  const scratch: Scratch = {
    rx: new Float64Array(p.xs.length),
    dropHead: new Float64Array(p.xs.length),
    invB: new Float64Array(p.xs.length),
    lnT: new Float64Array(p.Ts.length),
    invT: new Float64Array(p.Ts.length),
    lnTx: new Float64Array(p.txs.length),
    invTx: new Float64Array(p.txs.length),
  };
  return (theta, gradient) => {
    const [r, alpha, a, b] = Array.from(theta, Math.exp);
    const x = xTerms(p, r, alpha, a, b, scratch);
    const t = aliveTerms(p, r, alpha, scratch);
    logsAndInverses(p.txs, alpha, scratch.lnTx, scratch.invTx);
    const d = dropOutTerms(p, scratch);
    const scale = -1 / p.total;
    gradient[0] = (x.dr + t.dr + d.dr) * r * scale;
    gradient[1] = (x.dAlpha + t.dAlpha + d.dAlpha) * alpha * scale;
    gradient[2] = (x.da * a + d.sumU) * scale;
    gradient[3] = (x.db - d.sumUInvB) * b * scale;
    return (x.ll + t.ll + d.ll) * scale;
  };
}

/** Everything that depends on x alone (the gamma functions), once per distinct x. */
function xTerms(p: Patterns, r: number, alpha: number, a: number, b: number, s: Scratch) {
  const lnAlpha = Math.log(alpha);
  const lnA = Math.log(a);
  const [lgR, lgB, lgAB] = [lnGamma(r), lnGamma(b), lnGamma(a + b)];
  const [psiR, psiB, psiAB] = [digamma(r), digamma(b), digamma(a + b)];
  let [ll, dr, dAlpha, da, db] = [0, 0, 0, 0, 0];
  for (let k = 0; k < p.xs.length; k++) {
    const [x, w] = [p.xs[k], p.xWeight[k]];
    const psiABX = digamma(a + b + x);
    ll += w * (lnGamma(r + x) - lgR + r * lnAlpha + lgAB + lnGamma(b + x) - lgB - lnGamma(a + b + x));
    dr += w * (digamma(r + x) - psiR + lnAlpha);
    dAlpha += (w * r) / alpha;
    da += w * (psiAB - psiABX);
    db += w * (psiAB + digamma(b + x) - psiB - psiABX);
    s.rx[k] = r + x;
    s.dropHead[k] = x > 0 ? lnA - Math.log(b + x - 1) : 0;
    s.invB[k] = x > 0 ? 1 / (b + x - 1) : 0;
  }
  return { ll, dr, dAlpha, da, db };
}

/** Every customer's −(r+x) ln(α+T) term, summed per distinct T. */
function aliveTerms(p: Patterns, r: number, alpha: number, s: Scratch) {
  logsAndInverses(p.Ts, alpha, s.lnT, s.invT);
  let [ll, dr, dAlpha] = [0, 0, 0];
  for (let j = 0; j < p.Ts.length; j++) {
    const rxWeight = r * p.TWeight[j] + p.TWeightX[j];
    ll -= rxWeight * s.lnT[j];
    dr -= p.TWeight[j] * s.lnT[j];
    dAlpha -= rxWeight * s.invT[j];
  }
  return { ll, dr, dAlpha };
}

/**
 * The per-pattern part: how much more likely "dropped out after the last purchase" is than
 * "still alive" (d), added as ln(1 + e^d). u is the weight of the drop-out branch.
 */
function dropOutTerms(p: Patterns, s: Scratch) {
  const { xIndex, TIndex, txIndex, weight } = p;
  const { rx, dropHead, invB, lnT, invT, lnTx, invTx } = s;
  let [ll, dr, dAlpha, sumU, sumUInvB] = [0, 0, 0, 0, 0];
  for (let i = 0; i < weight.length; i++) {
    const k = xIndex[i];
    const j = TIndex[i];
    const m = txIndex[i];
    const w = weight[i];
    const rxk = rx[k];
    const d = dropHead[k] + rxk * (lnT[j] - lnTx[m]);
    const e = Math.exp(-Math.abs(d));
    const q = 1 / (1 + e);
    const wu = w * (d > 0 ? q : e * q);
    ll += w * (Math.log1p(e) + (d > 0 ? d : 0));
    dr -= wu * (lnTx[m] - lnT[j]);
    dAlpha -= wu * rxk * (invTx[m] - invT[j]);
    sumU += wu;
    sumUInvB += wu * invB[k];
  }
  return { ll, dr, dAlpha, sumU, sumUInvB };
}

function logsAndInverses(values: Float64Array, alpha: number, ln: Float64Array, inv: Float64Array): void {
  for (let i = 0; i < values.length; i++) {
    ln[i] = Math.log(alpha + values[i]);
    inv[i] = 1 / (alpha + values[i]);
  }
}
