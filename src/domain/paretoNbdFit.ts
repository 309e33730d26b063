/**
 * Maximum-likelihood fit of the Pareto/NBD model (paretoNbd.ts), grouped like the BG/NBD fit:
 * the customers' distinct (x, t_x, T) patterns with counts. The costly part, the hypergeometric
 * series in G(t), depends on (x, t) only, so it runs once per distinct (x, t_x) and (x, T) pair —
 * far fewer than patterns — and each pattern then costs a few exps. The optimizer works on
 * (ln r, ln α, ln s, ln β) with the analytic gradient, from the same series.
 */
import type { FrequencyRecency } from './bgnbdFit';
import { groupRows, keyColumn } from './grouping';
import type { ParameterUncertainty } from './hessian';
import type { FitReport, Objective } from './optimize';
import { fitOnRescaledTime } from './purchaseFit';
import { lnTailIntegral, ParetoNbdParams } from './paretoNbd';
import { digamma, lnGamma } from './specialFunctions';

export interface ParetoNbdFit extends FitReport {
  params: ParetoNbdParams;
  customers: number;
  patterns: number;
  /** Standard errors, covariance and 95% intervals of (r, α, s, β), in that order. */
  uncertainty: ParameterUncertainty;
}

export function fitParetoNbd(data: FrequencyRecency, options: { starts?: ReadonlyArray<ParetoNbdParams>; uncertainty?: boolean } = {}): ParetoNbdFit {
  let [age, purchases] = [0, 0];
  for (let i = 0; i < data.length; i++) [age, purchases] = [age + data.T[i], purchases + data.x[i]];
  const rate = purchases > 0 && age > 0 ? purchases / age : 1;
  const meanAge = age > 0 ? age / data.length : 1;
  // The purchase rate r/α at the data's rate; mean lifetimes β/s spread around the mean age.
  const starts = (options.starts ?? [
    { r: 1, alpha: 1 / rate, s: 1, beta: meanAge },
    { r: 0.5, alpha: 0.5 / rate, s: 0.5, beta: 2 * meanAge },
    { r: 2, alpha: 2 / rate, s: 2, beta: meanAge / 2 },
  ]).map((p) => [p.r, p.alpha, p.s, p.beta]);
  const group = (d: FrequencyRecency, scale: number) => {
    const patterns = toPatterns(d, scale);
    return { objective: paretoObjective(patterns), total: patterns.total, purchases: patterns.purchases, count: patterns.count };
  };
  const { values, ...fit } = fitOnRescaledTime(data, group, starts, [1, 3], options);
  const [r, alpha, s, beta] = values;
  return { ...fit, params: { r, alpha, s, beta } };
}

interface Patterns {
  total: number;
  purchases: number;
  count: number;
  weight: Float64Array;
  /** Per pattern: its distinct-x index, and its (x, t_x) and (x, T) entries. */
  xIndex: Int32Array;
  lastEntry: Int32Array;
  ageEntry: Int32Array;
  xs: Float64Array;
  xWeight: Float64Array;
  /** Distinct (x, t) pairs, t being a t_x or a T. */
  entryX: Float64Array;
  entryT: Float64Array;
}

function toPatterns(data: FrequencyRecency, scale: number): Patterns {
  const groups = groupRows([data.x, data.tx, data.T], data.length);
  const [x, tx, T] = [data.x, data.tx, data.T].map((column) => keyColumn(groups, column));
  const count = groups.count;
  const pairX = new Float64Array(2 * count);
  const pairT = new Float64Array(2 * count);
  pairX.set(x);
  pairX.set(x, count);
  pairT.set(tx.map((v) => v / scale));
  pairT.set(T.map((v) => v / scale), count);
  const entries = groupRows([pairX, pairT], 2 * count);
  const byX = groupRows([x], count);
  const xWeight = new Float64Array(byX.count);
  let purchases = 0;
  for (let p = 0; p < count; p++) {
    xWeight[byX.groupOf[p]] += groups.size[p];
    purchases += groups.size[p] * x[p];
  }
  return {
    total: data.length,
    purchases,
    count,
    weight: groups.size,
    xIndex: byX.groupOf,
    lastEntry: entries.groupOf.slice(0, count),
    ageEntry: entries.groupOf.slice(count),
    xs: keyColumn(byX, x),
    xWeight,
    entryX: keyColumn(entries, pairX),
    entryT: keyColumn(entries, pairT),
  };
}

/** −(mean log-likelihood) and its gradient in log-parameter space. */
function paretoObjective(p: Patterns): Objective {
  const entries = p.entryX.length;
  const lnG = new Float64Array(entries);
  const dG = new Float64Array(4 * entries);
  const scratch = new Float64Array(4);
  return (theta, gradient) => {
    const [r, alpha, s, beta] = Array.from(theta, Math.exp);
    const params = { r, alpha, s, beta };
    for (let e = 0; e < entries; e++) {
      lnG[e] = lnTailIntegral(params, p.entryX[e], p.entryT[e], scratch);
      dG.set(scratch, 4 * e);
    }
    // The x-only head: ln Γ(r+x) − ln Γ(r) + r ln α + s ln β.
    const [lnAlpha, lnBeta, lgR, psiR] = [Math.log(alpha), Math.log(beta), lnGamma(r), digamma(r)];
    let [ll, dr, dAlpha, ds, dBeta] = [0, 0, 0, 0, 0];
    for (let k = 0; k < p.xs.length; k++) {
      const w = p.xWeight[k];
      ll += w * (lnGamma(r + p.xs[k]) - lgR + r * lnAlpha + s * lnBeta);
      dr += w * (digamma(r + p.xs[k]) - psiR + lnAlpha);
      [dAlpha, ds, dBeta] = [dAlpha + (w * r) / alpha, ds + w * lnBeta, dBeta + (w * s) / beta];
    }
    const lnS = Math.log(s);
    for (let i = 0; i < p.count; i++) {
      const [w, e1, e2] = [p.weight[i], p.lastEntry[i], p.ageEntry[i]];
      const [x, T] = [p.entryX[e2], p.entryT[e2]];
      const [lnAT, lnBT] = [Math.log(alpha + T), Math.log(beta + T)];
      const alive = -(r + x) * lnAT - s * lnBT;
      const died = lnS + lnG[e1];
      const m = Math.max(alive, died);
      const [ea, e1m, e2m] = [Math.exp(alive - m), Math.exp(lnG[e1] + lnS - m), Math.exp(lnG[e2] + lnS - m)];
      // e1m − e2m ≥ 0 in exact arithmetic: G falls with t and t_x ≤ T.
      const v = ea + Math.max(0, e1m - e2m);
      const scale = w / v;
      ll += w * (m + Math.log(v));
      dr += scale * (-ea * lnAT + e1m * dG[4 * e1] - e2m * dG[4 * e2]);
      dAlpha += scale * (-ea * (r + x) / (alpha + T) + e1m * dG[4 * e1 + 1] - e2m * dG[4 * e2 + 1]);
      ds += scale * (-ea * lnBT + e1m * dG[4 * e1 + 2] - e2m * dG[4 * e2 + 2] + (e1m - e2m) / s);
      dBeta += scale * (-ea * s / (beta + T) + e1m * dG[4 * e1 + 3] - e2m * dG[4 * e2 + 3]);
    }
    const sign = -1 / p.total;
    [dr * r, dAlpha * alpha, ds * s, dBeta * beta].forEach((g, i) => (gradient[i] = g * sign));
    return ll * sign;
  };
}
