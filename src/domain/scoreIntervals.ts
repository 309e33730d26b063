/**
 * Per-customer 90% intervals for P(alive), expected purchases, CLV as is, CLV if won back and
 * the value of winning back (issue 14): parameter uncertainty carried through to each customer
 * by PARAMETER_DRAWS draws of the parameters from their asymptotic normal on the log scale.
 * What the intervals cover, and what they do not (one customer's own future randomness), is
 * in docs/scoring.md.
 *
 * Speed: a million customers times a few hundred draws is too much for the 2F1 series behind
 * the purchase model, so the draws move those figures along their slope in ln θ, taken once
 * per distinct (x, T) by forward differences: ln E[Y | alive] and ln of the discounted
 * purchases. They are smooth and nearly log-linear over a parameter interval, so the ends
 * move by a few percent of the interval's width at most (test/unit/domain/scoreIntervals.test.ts
 * compares with exact evaluation on the CDNOW sample). The BG/NBD P(alive) is exact for every
 * draw (a few logs, tabled per draw and per distinct time), as is the Gamma-Gamma expected
 * spend; the Pareto/NBD P(alive), a series too, takes the slope of its log-odds per (x, t_x, T).
 */
import type { CustomerColumns, ScoreOptions, ValueModel } from './clv';
import { discountedPurchasesIfAlive } from './clv';
import { groupRows } from './grouping';
import { aliveFromLogOdds } from './bgnbd';
import { drawLogOffsets, drawStream, PARAMETER_DRAWS, purchaseFromVector, purchaseVector, spendVector } from './parameterDraws';
import { deadLogOdds, isParetoNbd, PurchaseParams, purchasesIfAlive } from './purchaseModel';
import { DAYS_PER_UNIT } from './rfm';

export const INTERVAL_LEVEL = 0.9;

/** The five figures with an interval, in the order they are stored and shown. */
export const INTERVAL_FIGURES = ['pAlive', 'expectedPurchases', 'clvAsIs', 'clvIfWon', 'valueOfWinBack'] as const;
export type IntervalFigure = (typeof INTERVAL_FIGURES)[number];

/** Lower and upper ends per customer, index-aligned with the summary. */
export type ScoreIntervals = Record<IntervalFigure, { low: Float64Array; high: Float64Array }>;

/** The covariance of ln θ of each model, in parameter order (parameterDraws.ts). */
export interface LogCovariances {
  purchase: number[][];
  spend: number[][];
}

/** Forward-difference step in ln θ: 1e-4 relative, far above rounding, far below any se. */
const STEP = 1e-4;

/**
 * Undefined when a covariance is not positive definite: then no interval can be honest.
 * `customers` must be the same columns scoreAll scored.
 */
export function scoreIntervals(customers: CustomerColumns, model: ValueModel, covariances: LogCovariances, options: ScoreOptions): ScoreIntervals | undefined {
  const random = drawStream();
  const theta = purchaseVector(model.bgnbd);
  const purchaseDraws = drawLogOffsets(theta, covariances.purchase, random);
  const spendDraws = drawLogOffsets(spendVector(model.gammaGamma), covariances.spend, random, PARAMETER_DRAWS, ([, q]) => q > 1);
  if (purchaseDraws === undefined || spendDraws === undefined) return undefined;
  const delta = purchaseDraws.offsets;
  const n = customers.length;
  const draws = PARAMETER_DRAWS;
  const k = theta.length;
  const horizon = options.horizon ?? (52 * 7) / DAYS_PER_UNIT[options.unit];
  const margin = options.margin ?? 1;
  const nudged = theta.map((_, j) => purchaseFromVector(model.bgnbd, theta.map((t, i) => (i === j ? t * Math.exp(STEP) : t))));
  const slope = (base: number, at: (p: PurchaseParams) => number, out: Float64Array, offset: number) => {
    for (let j = 0; j < k; j++) out[offset + j] = (at(nudged[j]) - base) / STEP;
  };

  const odds = deadOdds(customers, model.bgnbd, purchaseDraws.params, delta, slope);
  // Expected spend per draw is A + B·m, with A, B depending on x only.
  const spend = spendDraws.params;
  const xIndex = new Map<number, number>();
  const spendA: number[] = [];
  const spendB: number[] = [];
  const spendFor = (x: number): number => {
    let at = xIndex.get(x);
    if (at === undefined) {
      at = xIndex.size;
      xIndex.set(x, at);
      for (const [p, q, gamma] of spend) {
        const denominator = p * x + q - 1;
        spendA.push((p * gamma) / denominator);
        spendB.push((p * x) / denominator);
      }
    }
    return at * draws;
  };

  const ends = intervalEnds(draws, INTERVAL_LEVEL);
  const out = Object.fromEntries(INTERVAL_FIGURES.map((f) => [f, { low: new Float64Array(n), high: new Float64Array(n) }])) as ScoreIntervals;
  const values = INTERVAL_FIGURES.map(() => new Float64Array(draws));
  const [pa, ey, asIs, ifWon, value] = values;
  const discounted = new Float64Array(draws);
  const ahead = new Float64Array(draws);
  const pairSlope = new Float64Array(2 * k);
  const pairs = groupRows([customers.x, customers.T], n);
  const order = rowsByGroup(pairs.groupOf, pairs.count);
  for (let g = 0, at = 0; g < pairs.count; g++) {
    const first = pairs.firstRow[g];
    const [x, T] = [customers.x[first], customers.T[first]];
    const lnDiscounted = Math.log(discountedPurchasesIfAlive(model.bgnbd, x, T, options));
    const lnAhead = Math.log(purchasesIfAlive(model.bgnbd, horizon, x, T));
    slope(lnDiscounted, (p) => Math.log(discountedPurchasesIfAlive(p, x, T, options)), pairSlope, 0);
    slope(lnAhead, (p) => Math.log(purchasesIfAlive(p, horizon, x, T)), pairSlope, k);
    for (let d = 0; d < draws; d++) {
      let [sd, sa] = [lnDiscounted, lnAhead];
      for (let j = 0; j < k; j++) {
        sd += pairSlope[j] * delta[d * k + j];
        sa += pairSlope[k + j] * delta[d * k + j];
      }
      discounted[d] = Math.exp(sd) * margin;
      ahead[d] = Math.exp(sa);
    }
    const spendAt = spendFor(x);
    for (const end = at + pairs.size[g]; at < end; at++) {
      const i = order[at];
      // Without a repeat purchase, P(alive) = 1 and the spend is the population's: every
      // customer of the pair has the first one's intervals.
      if (x === 0 && at > end - pairs.size[g]) {
        const like = order[end - pairs.size[g]];
        for (const figure of INTERVAL_FIGURES) [out[figure].low[i], out[figure].high[i]] = [out[figure].low[like], out[figure].high[like]];
        continue;
      }
      const m = customers.monetary[i];
      odds(i, pa);
      for (let d = 0; d < draws; d++) {
        const alive = pa[d];
        const won = discounted[d] * (spendA[spendAt + d] + spendB[spendAt + d] * m);
        ey[d] = alive * ahead[d];
        ifWon[d] = won;
        asIs[d] = alive * won;
        value[d] = won - alive * won;
      }
      INTERVAL_FIGURES.forEach((figure, f) => ends(values[f], out[figure], i));
    }
  }
  return out;
}

type Slope = (base: number, at: (p: PurchaseParams) => number, out: Float64Array, offset: number) => void;

/** Fills P(alive) at every draw for customer i. */
type AliveAtDraws = (i: number, out: Float64Array) => void;

function deadOdds(customers: CustomerColumns, model: PurchaseParams, drawn: number[][], delta: Float64Array, slope: Slope): AliveAtDraws {
  return isParetoNbd(model) ? paretoOdds(customers, model, delta, slope) : bgnbdOdds(customers, drawn);
}

/**
 * ln a − ln(b+x−1) + (r+x)(ln(α+T) − ln(α+t_x)) at each draw, with the logs tabled per draw
 * and per distinct x and time: a customer costs a few flops per draw.
 */
function bgnbdOdds(customers: CustomerColumns, drawn: number[][]): AliveAtDraws {
  const draws = drawn.length;
  const lnA = Float64Array.from(drawn, ([, , a]) => Math.log(a));
  const table = (key: Map<number, number>, values: number[], value: number, of: (params: number[]) => number): number => {
    let at = key.get(value);
    if (at === undefined) {
      at = key.size * draws;
      key.set(value, at);
      for (const params of drawn) values.push(Math.log(of(params)));
    }
    return at;
  };
  const [times, xs] = [new Map<number, number>(), new Map<number, number>()];
  const [lnTime, lnBx]: number[][] = [[], []];
  return (i, out) => {
    const x = customers.x[i];
    if (x === 0) return void out.fill(1);
    const T = table(times, lnTime, customers.T[i], ([, alpha]) => alpha + customers.T[i]);
    const tx = table(times, lnTime, customers.tx[i], ([, alpha]) => alpha + customers.tx[i]);
    const bx = table(xs, lnBx, x, ([, , , b]) => b + x - 1);
    for (let d = 0; d < draws; d++) {
      out[d] = aliveFromLogOdds(lnA[d] - lnBx[bx + d] + (drawn[d][0] + x) * (lnTime[T + d] - lnTime[tx + d]));
    }
  };
}

/** The Pareto/NBD log-odds move along their slope in ln θ, taken once per distinct (x, t_x, T). */
function paretoOdds(customers: CustomerColumns, model: PurchaseParams, delta: Float64Array, slope: Slope): AliveAtDraws {
  const k = 4;
  const draws = delta.length / k;
  const patterns = groupRows([customers.x, customers.tx, customers.T], customers.length);
  const odds = new Float64Array(patterns.count);
  const oddsSlope = new Float64Array(patterns.count * k);
  for (let g = 0; g < patterns.count; g++) {
    const row = patterns.firstRow[g];
    const [x, tx, T] = [customers.x[row], customers.tx[row], customers.T[row]];
    odds[g] = deadLogOdds(model, x, tx, T);
    // A last purchase at T leaves no time to have died in: log-odds −∞, alive at every draw.
    if (Number.isFinite(odds[g])) slope(odds[g], (p) => deadLogOdds(p, x, tx, T), oddsSlope, g * k);
  }
  return (i, out) => {
    const g = patterns.groupOf[i];
    if (!Number.isFinite(odds[g])) return void out.fill(aliveFromLogOdds(odds[g]));
    for (let d = 0; d < draws; d++) {
      let lo = odds[g];
      for (let j = 0; j < k; j++) lo += oddsSlope[g * k + j] * delta[d * k + j];
      out[d] = aliveFromLogOdds(lo);
    }
  };
}

/** Row indices ordered by group (a counting sort): each group's rows together, in row order. */
function rowsByGroup(groupOf: Int32Array, count: number): Int32Array {
  const start = new Int32Array(count + 1);
  for (let i = 0; i < groupOf.length; i++) start[groupOf[i] + 1]++;
  for (let g = 0; g < count; g++) start[g + 1] += start[g];
  const order = new Int32Array(groupOf.length);
  for (let i = 0; i < groupOf.length; i++) order[start[groupOf[i]]++] = i;
  return order;
}

/**
 * Writes the interval of `values` into row i of `into`: the type-7 quantiles at (1 ∓ level)/2,
 * as `quantile` gives them, from the few smallest and largest values kept in one pass (insertion
 * into two short sorted lists) — a third of the work of two selections, for every customer.
 */
export function intervalEnds(draws: number, level: number): (values: Float64Array, into: { low: Float64Array; high: Float64Array }, i: number) => void {
  const h = (draws - 1) * ((1 - level) / 2);
  const below = Math.floor(h);
  const fraction = h - below;
  const keep = below + 2;
  const small = new Float64Array(keep);
  const large = new Float64Array(keep);
  return (values, into, i) => {
    let filled = 0;
    for (let d = 0; d < values.length; d++) {
      const v = values[d];
      if (filled < keep) {
        let k = filled++;
        for (; k > 0 && small[k - 1] > v; k--) small[k] = small[k - 1];
        small[k] = v;
        k = filled - 1;
        for (; k > 0 && large[k - 1] < v; k--) large[k] = large[k - 1];
        large[k] = v;
        continue;
      }
      if (v < small[keep - 1]) {
        let k = keep - 1;
        for (; k > 0 && small[k - 1] > v; k--) small[k] = small[k - 1];
        small[k] = v;
      }
      if (v > large[keep - 1]) {
        let k = keep - 1;
        for (; k > 0 && large[k - 1] < v; k--) large[k] = large[k - 1];
        large[k] = v;
      }
    }
    into.low[i] = small[below] + fraction * (small[below + 1] - small[below]);
    into.high[i] = large[below] - fraction * (large[below] - large[below + 1]);
  };
}

/**
 * The p-quantile (type 7, linear between order statistics, as R and numpy by default), by two
 * partial selections; reorders `values`. The definition intervalEnds is checked against.
 */
export function quantile(values: Float64Array, p: number): number {
  const h = (values.length - 1) * (p < 0.5 ? p : 1 - p);
  const lower = Math.floor(h);
  const fraction = h - lower;
  if (p < 0.5) {
    const above = select(values, lower + 1);
    let below = -Infinity;
    for (let i = 0; i <= lower; i++) if (values[i] > below) below = values[i];
    return below + fraction * (above - below);
  }
  const n = values.length;
  const below = select(values, n - 2 - lower);
  let above = Infinity;
  for (let i = n - 1 - lower; i < n; i++) if (values[i] < above) above = values[i];
  return above - fraction * (above - below);
}

/** Hoare's selection: puts the k-th smallest at k, smaller ones before it, larger after; returns it. */
function select(a: Float64Array, k: number): number {
  let [left, right] = [0, a.length - 1];
  while (right > left) {
    const pivot = a[(left + right) >> 1];
    let [i, j] = [left, right];
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return a[k];
}
