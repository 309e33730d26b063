/**
 * Issue 16: decideRows decides most customers in floats (quickDecisions.ts). Every decision must
 * be decideOffer's: compared here row by row on random values and on values placed on and next
 * to every boundary the rule has (value × share at a whole cent, at CAC, at the cap; a rung's
 * expected cost at the budget; a percent discount at its maximum).
 */
import { BudgetPolicy, decideOffer } from '../../../src/domain/budget';
import { moneyFromStatistic } from '../../../src/domain/money';
import { OfferLadder } from '../../../src/domain/offers';
import { mulberry32 } from '../../../src/domain/random';
import { defaultLadder } from '../../../src/scoring/defaultLadder';
import { decideRows, RULES, TREATMENTS } from '../../../src/scoring/decisions';
import { eur, ladder, policy } from '../budget/builders';

function expectSameAsDecideOffer(p: BudgetPolicy, l: OfferLadder, value: Float64Array, spend: Float64Array): void {
  const customerId = Int32Array.from(value, (_, i) => i + 1);
  const out = decideRows({ policy: p, ladder: l, harms: new Map(), customerId, valueOfWinBack: value, expectedSpend: spend });
  const differences: unknown[] = [];
  for (let i = 0; i < value.length; i++) {
    const d = decideOffer({ customerId: String(i + 1), valueOfWinBack: moneyFromStatistic(value[i]), expectedSpend: moneyFromStatistic(spend[i]) }, l, p);
    const got = [out.budgetMinor[i], RULES[out.rule[i]], TREATMENTS[out.treatment[i]], out.offer[i] === -1 ? null : out.offerIds[out.offer[i]]];
    const want = [d.budget.amount.mul(100).toNumber(), d.budget.rule, d.treatment, d.offer?.rung.id ?? null];
    if (JSON.stringify(got) !== JSON.stringify(want)) differences.push({ value: value[i], spend: spend[i], got, want });
  }
  expect(differences).toEqual([]);
}

/** Values on a boundary and one ulp-ish (1e-12 relative) either side. */
function around(targets: number[]): number[] {
  return targets.flatMap((t) => [t, t * (1 + 1e-12), t * (1 - 1e-12), t + 1e-9, t - 1e-9]).filter((v) => v >= 0);
}

describe('budgets and offers in floats agree with decimal.js', () => {
  const random = mulberry32(16);

  it('on random values, with the default ladder and a hand-made one, with and without a cap', () => {
    const n = 20_000;
    const value = Float64Array.from({ length: n }, () => (random() < 0.1 ? 0 : random() * 120) * (random() < 0.5 ? 1 : random()));
    const spend = Float64Array.from({ length: n }, () => random() * 90);
    for (const p of [policy(), policy({ perCustomerCap: undefined, share: 0.5 }), policy({ zeroValue: 'exclude', cac: eur('30.00'), share: 0.5 })]) {
      expectSameAsDecideOffer(p, ladder(), value, spend);
      expectSameAsDecideOffer(p, defaultLadder('EUR', p.cac), value, spend);
    }
  });

  it('on and next to every boundary of the rule', () => {
    const p = policy({ share: 0.3, cac: eur('25'), perCustomerCap: eur('20') });
    // value × 0.3 at whole and half cents, at the cap (20) and CAC (25).
    const cents = Array.from({ length: 80 }, (_, k) => (k * 0.01 + 0.005 * (k % 2)) / 0.3);
    const values = around([...cents, 20 / 0.3, 25 / 0.3, 1 / 0.3, 0.35 / 0.3]);
    // Spends where 15% off costs exactly 10 (its maximum), and where its expected cost (×0.3) hits a cent.
    const spends = around([10 / 0.15, 48.2, ...Array.from({ length: 30 }, (_, k) => (k * 0.01) / 0.045)]);
    const value = Float64Array.from(values.flatMap((v) => spends.map(() => v)));
    const spend = Float64Array.from(values.flatMap(() => spends));
    expectSameAsDecideOffer(p, ladder(), value, spend);
  });
});
