/** CLV values computed independently with scipy, following lifetimes' customer_lifetime_value. */
import fc from 'fast-check';
import { BgNbdParams } from '../../../src/domain/bgnbd';
import { customerLifetimeValue, scoreAll, unitsPerMonth, ValueModel } from '../../../src/domain/clv';

const model: ValueModel = {
  bgnbd: { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 },
  gammaGamma: { p: 6.2496, q: 3.7442, gamma: 15.4435 },
};
const customers = [
  // x, t_x, T, m_x, CLV as is over 12 months at d = 1% (lifetimes' convention, margin 1)
  [0, 0, 38.86, 0, 8.344301990563375],
  [2, 30.43, 38.86, 22.35, 36.27806188135078],
  [7, 35.0, 38.0, 40.0, 214.9780319961137],
  [1, 1.0, 30.0, 15.0, 6.94970809532609],
];

function close(actual: number, expected: number, relative = 1e-9): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.max(1, Math.abs(expected)));
}

describe('customer lifetime value', () => {
  it.each(customers)('matches the common convention for x=%p t_x=%p T=%p m=%p', (x, tx, T, monetary, expected) => {
    const value = customerLifetimeValue(model, { x, tx, T, monetary }, { unit: 'week' });
    close(value.asIs, expected);
    expect(value.ifWon).toBeGreaterThanOrEqual(value.asIs);
    close(value.valueOfWinBack, value.ifWon - value.asIs);
  });

  it('scales with the gross margin', () => {
    const customer = { x: 2, tx: 30.43, T: 38.86, monetary: 22.35 };
    const full = customerLifetimeValue(model, customer, { unit: 'week' });
    const margin = customerLifetimeValue(model, customer, { unit: 'week', margin: 0.3 });
    close(margin.asIs, 0.3 * full.asIs);
  });

  it('gives the same value whether the shop is modelled in weeks or in days', () => {
    expect(unitsPerMonth('week')).toBe(4.345);
    close(unitsPerMonth('day'), 30.415);
    const bgnbdInDays: BgNbdParams = { ...(model.bgnbd as BgNbdParams), alpha: model.bgnbd.alpha * 7 };
    const weeks = customerLifetimeValue(model, { x: 2, tx: 30.43, T: 38.86, monetary: 22.35 }, { unit: 'week' });
    const days = customerLifetimeValue({ ...model, bgnbd: bgnbdInDays }, { x: 2, tx: 30.43 * 7, T: 38.86 * 7, monetary: 22.35 }, { unit: 'day' });
    close(days.asIs, weeks.asIs);
    close(days.ifWon, weeks.ifWon);
  });
});

describe('scoreAll', () => {
  const columns = {
    length: customers.length + 1,
    x: Float64Array.from([...customers.map((c) => c[0]), 2]),
    tx: Float64Array.from([...customers.map((c) => c[1]), 10]),
    T: Float64Array.from([...customers.map((c) => c[2]), 38.86]),
    monetary: Float64Array.from([...customers.map((c) => c[3]), 22.35]),
  };

  it('agrees with the one-customer functions and shares work across equal (x, T)', () => {
    const scores = scoreAll(columns, model, { unit: 'week', horizon: 39 });
    expect(scores.patterns).toBe(4);
    customers.forEach((c, i) => close(scores.clvAsIs[i], c[4]));
    close(scores.expectedPurchases[1], 1.2259226579870348);
    for (let i = 0; i < columns.length; i++) {
      const one = customerLifetimeValue(model, { x: columns.x[i], tx: columns.tx[i], T: columns.T[i], monetary: columns.monetary[i] }, { unit: 'week' });
      close(scores.clvIfWon[i], one.ifWon, 1e-12);
      close(scores.valueOfWinBack[i], one.valueOfWinBack, 1e-12);
    }
    expect(scores.pAlive[4]).toBeLessThan(scores.pAlive[1]);
  });

  it('refuses a spend model whose mean is infinite', () => {
    expect(() => scoreAll(columns, { ...model, gammaGamma: { p: 1, q: 1, gamma: 1 } }, { unit: 'week' })).toThrow(RangeError);
  });

  it('never values a customer more as is than won back', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 60 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 200, noNaN: true }),
      fc.double({ min: 0.01, max: 500, noNaN: true }),
      (x, share, T, m) => {
        const one = { length: 1, x: Float64Array.of(x), tx: Float64Array.of(x === 0 ? 0 : share * T), T: Float64Array.of(T), monetary: Float64Array.of(x === 0 ? 0 : m) };
        const s = scoreAll(one, model, { unit: 'week' });
        return s.clvIfWon[0] >= s.clvAsIs[0] && s.clvAsIs[0] >= 0 && s.valueOfWinBack[0] >= 0;
      },
    ));
  });
});
