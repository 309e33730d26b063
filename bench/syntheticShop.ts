/**
 * Synthetic shops drawn from known BG/NBD and Gamma-Gamma parameters, for the fit benchmark
 * and the interval-coverage checks: the summaries are simulated directly, not read from a
 * database.
 */
import { BgNbdParams } from '../src/domain/bgnbd';
import { GammaGammaParams } from '../src/domain/gammaGamma';

export const DAYS = 3 * 365;
export const TRUE_BGNBD: BgNbdParams = { r: 0.25, alpha: 4, a: 0.8, b: 2.5 };
export const TRUE_SPEND: GammaGammaParams = { p: 6, q: 4, gamma: 15 };
/**
 * A shop whose customers have varied histories (issue 16): most buy again, many often, so
 * nearly every customer has their own (x, t_x, T) and something to win back — the shape that
 * makes scoring work per customer, where TRUE_BGNBD's shop is half one-time buyers.
 */
export const VARIED_BGNBD: BgNbdParams = { r: 0.9, alpha: 6, a: 0.7, b: 3 };

/** mulberry32: small, fast, seeded; 2^32 distinct draws is plenty for a simulation. */
function uniforms(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
}

/** Gamma(shape, rate) by Marsaglia & Tsang, boosted for shape < 1. */
function gammaSampler(uniform: () => number): (shape: number, rate: number) => number {
  const normal = (): number => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const draw = (shape: number, rate: number): number => {
    if (shape < 1) return draw(shape + 1, rate) * Math.pow(uniform(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const z = normal();
      const v = (1 + c * z) ** 3;
      if (v > 0 && Math.log(uniform()) < 0.5 * z * z + d - d * v + d * Math.log(v)) return (d * v) / rate;
    }
  };
  return draw;
}

export interface SyntheticSummary {
  length: number;
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  monetary: Float64Array;
}

/**
 * Each customer's first purchase falls on a uniform day of the three years; repeat purchases
 * follow a Poisson process in weeks, stamped to the day, and after each one the customer drops
 * out with probability p. Every simulated purchase counts, also a second one on the same day:
 * merging those (the RFM rule for real shops) drops ~1% of purchases, all from the heaviest
 * buyers, and moves α by ~5% — a property of the data definition, not of the fit under test.
 */
export function syntheticShop(customers: number, seed: number, bgnbd = TRUE_BGNBD, spend = TRUE_SPEND): SyntheticSummary {
  const uniform = uniforms(seed);
  const gamma = gammaSampler(uniform);
  const columns = [0, 0, 0, 0].map(() => new Float64Array(customers));
  const [x, tx, T, monetary] = columns;
  for (let c = 0; c < customers; c++) {
    const ageDays = Math.floor(uniform() * DAYS);
    const rate = gamma(bgnbd.r, bgnbd.alpha);
    const beforeDropOut = gamma(bgnbd.a, 1);
    const p = beforeDropOut / (beforeDropOut + gamma(bgnbd.b, 1));
    const spendRate = gamma(spend.q, spend.gamma);
    let [repeats, lastDay, spent] = [0, 0, 0];
    for (let weeks = -Math.log(uniform()) / rate; ; weeks += -Math.log(uniform()) / rate) {
      const day = Math.round(weeks * 7);
      if (day > ageDays) break;
      [repeats, lastDay, spent] = [repeats + 1, day, spent + gamma(spend.p, spendRate)];
      if (uniform() < p) break;
    }
    [x[c], tx[c], T[c], monetary[c]] = [repeats, lastDay / 7, ageDays / 7, repeats > 0 ? spent / repeats : 0];
  }
  return { length: customers, x, tx, T, monetary };
}
