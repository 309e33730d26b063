/** The demo's simulated customers: a seeded random source, their baseline P(at least one purchase), and the plan. */
import type { BgNbdParams } from '../../../src/domain/bgnbd';
import { pReactivation } from '../../../src/domain/reactivation';
import { mulberry32 } from '../../../src/domain/random';
import { planCustomers, SimulatedCustomer } from '../../../src/domain/customerSimulation';

const published: BgNbdParams = { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 };

describe('mulberry32', () => {
  it('gives the same uniform stream for the same seed, another for another', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const first = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(first);
    expect(Array.from({ length: 5 }, mulberry32(43))).not.toEqual(first);
    // 32-bit resolution: every draw is a whole number of 2^-32.
    expect(Number.isInteger(mulberry32(1)() * 2 ** 32)).toBe(true);
  });

  it('is uniform on [0, 1)', () => {
    const next = mulberry32(7);
    const draws = Array.from({ length: 100_000 }, () => next());
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    const mean = draws.reduce((s, d) => s + d, 0) / draws.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
  });
});

describe('the baseline the simulation draws from: P(at least one purchase in t) under the BG/NBD', () => {
  it('matches a Monte Carlo draw from the posterior of a lapsed customer', () => {
    // x = 1, t_x = 1, T = 30: P(alive) is low; alive customers buy at rate λ ~ Gamma(r+x, α+T).
    const random = mulberry32(11);
    const gamma = (shape: number) => {
      // Marsaglia–Tsang for shape ≥ 1 (r + x = 1.2426 here).
      const d = shape - 1 / 3;
      const c = 1 / Math.sqrt(9 * d);
      for (;;) {
        const n = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
        const v = (1 + c * n) ** 3;
        if (v > 0 && Math.log(1 - random()) < 0.5 * n * n + d - d * v + d * Math.log(v)) return d * v;
      }
    };
    const { r, alpha } = published;
    const alive = 0.2350567676665722;
    let bought = 0;
    const trials = 200_000;
    for (let i = 0; i < trials; i++) {
      if (random() >= alive) continue;
      const rate = gamma(r + 1) / (alpha + 30);
      if (-Math.log(1 - random()) / rate < 4) bought++;
    }
    expect(Math.abs(bought / trials - pReactivation(published, 4, 1, 1, 30))).toBeLessThan(0.004);
  });
});

describe('planCustomers', () => {
  const audience = (n: number, baseline: number): SimulatedCustomer[] =>
    Array.from({ length: n }, (_, i) => ({ customerId: i + 1, holdout: i % 10 === 0, baseline, hasOffer: i % 3 !== 0, expectedSpend: 40 }));

  it('is deterministic in the seed and independent of the order customers come in', () => {
    const customers = audience(200, 0.05);
    const a = planCustomers(customers, { seed: 5, extraProbability: 0.1, windowDays: 30, currency: 'USD' });
    const b = planCustomers([...customers].reverse(), { seed: 5, extraProbability: 0.1, windowDays: 30, currency: 'USD' });
    expect(b.customers).toEqual(a.customers);
    expect(planCustomers(customers, { seed: 6, extraProbability: 0.1, windowDays: 30, currency: 'USD' }).customers).not.toEqual(a.customers);
  });

  it('reactivates held-out customers at the baseline and treated ones at baseline + extra × (1 − baseline)', () => {
    const plan = planCustomers(audience(100_000, 0.06), { seed: 1, extraProbability: 0.1, windowDays: 30, currency: 'USD' });
    expect(plan.trueUplift).toBeCloseTo(0.1 * 0.94, 12);
    const rate = (holdout: boolean) => {
      const group = plan.customers.filter((c) => c.holdout === holdout);
      return group.filter((c) => c.baselineOrderAfterDays !== null || c.wonBack).length / group.length;
    };
    expect(Math.abs(rate(true) - 0.06)).toBeLessThan(0.01);
    expect(Math.abs(rate(false) - (0.06 + 0.094))).toBeLessThan(0.006);
    expect(plan.customers.filter((c) => c.holdout).every((c) => !c.wonBack && !c.opens)).toBe(true);
  });

  it('places every order inside the attribution window with a positive amount', () => {
    const plan = planCustomers(audience(5000, 0.3), { seed: 9, extraProbability: 0.2, windowDays: 30, currency: 'USD' });
    for (const c of plan.customers) {
      if (c.baselineOrderAfterDays !== null) {
        expect(c.baselineOrderAfterDays).toBeGreaterThan(0);
        expect(c.baselineOrderAfterDays).toBeLessThan(30);
      }
      expect(c.respondAfterDays).toBeGreaterThan(0);
      expect(c.respondAfterDays).toBeLessThan(5);
      expect(c.amount).toMatch(/^\d+\.\d\d$/);
      expect(Number(c.amount)).toBeGreaterThanOrEqual(15);
    }
  });
});
