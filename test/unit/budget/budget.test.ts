import { computeBudget, decideOffer, makeGoodFor } from '../../../src/domain/budget';
import { eur, ladder, lateOrder, policy } from './builders';

const spend = eur('48.20');
const decide = (value: string, overrides = {}, harm = undefined as ReturnType<typeof lateOrder> | undefined) =>
  decideOffer({ customerId: 'c1', valueOfWinBack: eur(value), expectedSpend: spend, harm }, ladder(), policy(overrides));

describe('computeBudget: each binding rule, by hand', () => {
  it('value: 36.68 × 30% = 11.004, below CAC 25 and cap 20, rounds down to 11.00', () => {
    const budget = computeBudget(eur('36.68'), policy());
    expect(budget.amount.toFixed(2)).toBe('11.00');
    expect(budget.valueTimesShare.toString()).toBe('11.004');
    expect(budget.rule).toBe('value');
  });

  it('cac: 200 × 30% = 60 is worth more than a new customer (25), with a cap of 40', () => {
    const budget = computeBudget(eur('200'), policy({ perCustomerCap: eur('40') }));
    expect(budget.amount.toFixed(2)).toBe('25.00');
    expect(budget.rule).toBe('cac');
  });

  it('cap: 200 × 30% = 60 and CAC 25, but the policy caps one customer at 20', () => {
    const budget = computeBudget(eur('200'), policy());
    expect(budget.amount.toFixed(2)).toBe('20.00');
    expect(budget.rule).toBe('cap');
  });

  it('no cap configured: CAC is the last limit', () => {
    expect(computeBudget(eur('1000'), policy({ perCustomerCap: undefined })).rule).toBe('cac');
  });

  it('zero: a customer worth nothing, or worth less than one cent after the share', () => {
    for (const value of ['0', '-12.5', '0.03']) {
      const budget = computeBudget(eur(value), policy());
      expect([budget.amount.toFixed(2), budget.rule]).toEqual(['0.00', 'zero']);
    }
  });

  it('a CAC of zero binds as cac, not as a worthless customer', () => {
    expect(computeBudget(eur('50'), policy({ cac: eur('0') })).rule).toBe('cac');
  });

  it('on a tie the customer’s own value is named', () => {
    expect(computeBudget(eur('100'), policy({ share: 0.25, cac: eur('25'), perCustomerCap: eur('25') })).rule).toBe('value');
  });

  it('rounds down to the minor unit: 9.99999 → 9.99 EUR, 500.45 → 500 JPY, 1.2345 → 1.234 KWD', () => {
    expect(computeBudget(eur('33.3333'), policy()).amount.toFixed(2)).toBe('9.99');
    const jpy = policy({ currency: 'JPY', share: 0.5, cac: eur('3000'), perCustomerCap: undefined });
    expect(computeBudget(eur('1000.9'), jpy).amount.toString()).toBe('500');
    const kwd = policy({ currency: 'KWD', share: 0.5, cac: eur('30'), perCustomerCap: undefined });
    expect(computeBudget(eur('2.469'), kwd).amount.toString()).toBe('1.234');
  });

  it('refuses a share outside 0..1 and negative limits', () => {
    expect(() => computeBudget(eur('1'), policy({ share: 1.5 }))).toThrow(RangeError);
    expect(() => computeBudget(eur('1'), policy({ cac: eur('-1') }))).toThrow(RangeError);
    expect(() => computeBudget(eur('1'), policy({ perCustomerCap: eur('-1') }))).toThrow(RangeError);
  });
});

describe('decideOffer: the richest rung that fits', () => {
  it('budget 11.00 buys the 10.00 credit (expected 3.50)', () => {
    const decision = decide('36.68');
    expect(decision.offer?.rung.id).toBe('c10');
    expect(decision.rejected).toEqual([]);
  });

  it('budget 3.00 buys 15% off (expected 2.169); the credit (3.50) is rejected as over budget', () => {
    const decision = decide('10');
    expect(decision.budget.amount.toFixed(2)).toBe('3.00');
    expect(decision.offer?.rung.id).toBe('p15');
    expect(decision.offer?.expectedCost.toString()).toBe('2.169');
    expect(decision.rejected.map((r) => [r.rung.rung.id, r.reason])).toEqual([['c10', 'over-budget']]);
  });

  it('budget 1.22 skips free shipping (1.225) for the gift (1.20)', () => {
    const decision = decide('4.0667');
    expect(decision.budget.amount.toFixed(2)).toBe('1.22');
    expect(decision.offer?.rung.id).toBe('gift');
    expect(decision.rejected.map((r) => r.rung.rung.id)).toEqual(['c10', 'p15', 'ship']);
  });

  it('a customer with value whom no rung fits gets the nostalgia email without an offer', () => {
    const decision = decide('3');
    expect([decision.treatment, decision.noOfferReason, decision.offer]).toEqual(['nostalgia-only', 'no-rung-fits', null]);
    expect(decision.rejected).toHaveLength(4);
  });

  it('a zero-value customer gets no offer: nostalgia-only or excluded, per configuration', () => {
    expect(decide('0').treatment).toBe('nostalgia-only');
    const excluded = decide('0', { zeroValue: 'exclude' });
    expect([excluded.treatment, excluded.noOfferReason]).toEqual(['excluded', 'zero-value']);
    expect(excluded.rejected.every((r) => r.reason === 'zero-value')).toBe(true);
  });

  it('percent off is limited by its maximum discount', () => {
    const decision = decideOffer({ customerId: 'c', valueOfWinBack: eur('10'), expectedSpend: eur('200'), harm: undefined }, ladder(), policy());
    const p15 = [decision.offer, ...decision.rejected.map((r) => r.rung)].find((c) => c?.rung.id === 'p15');
    expect(p15?.costIfRedeemed.toString()).toBe('10');
  });
});

describe('incident make-good: a floor whatever the customer is worth', () => {
  it('overrides a zero CLV: the customer we harmed gets the 12.00 make-good, even under "exclude"', () => {
    const decision = decide('0', { zeroValue: 'exclude' }, lateOrder());
    expect(decision.budget.rule).toBe('zero');
    expect(decision.treatment).toBe('offer');
    expect(decision.offer?.rung.id).toBe('make-good:inc-1');
    expect(decision.offer?.costIfRedeemed.toFixed(2)).toBe('12.00');
    expect(decision.ceiling.toFixed(2)).toBe('12.00');
    expect(decision.rejected.find((r) => r.reason === 'below-make-good')?.rung.rung.id).toBe('c10');
  });

  it('overrides a low CLV whose budget buys less than the make-good', () => {
    const decision = decide('10', {}, lateOrder());
    expect(decision.budget.amount.toFixed(2)).toBe('3.00');
    expect(decision.offer?.rung.id).toBe('make-good:inc-1');
  });

  it('keeps a ladder rung that is already worth at least the make-good', () => {
    const decision = decide('0', {}, lateOrder({ harmedAmount: eur('8') }));
    expect(decision.offer?.rung.id).toBe('c10');
  });

  it('rounds a percent make-good up: 50% of 25.01 is 12.51', () => {
    const makeGood = makeGoodFor(lateOrder({ harmedAmount: eur('25.01'), makeGood: { kind: 'percent_of_harm', percent: 50 } }), policy());
    expect(makeGood.owed.toFixed(2)).toBe('12.51');
  });

  it('ignores the per-customer cap unless the policy puts make-goods within it', () => {
    const harm = lateOrder({ makeGood: { kind: 'amount', amount: eur('30') } });
    const free = makeGoodFor(harm, policy());
    expect([free.amount.toFixed(2), free.limitedByCap]).toEqual(['30.00', false]);
    const capped = makeGoodFor(harm, policy({ makeGoodWithinCap: true }));
    expect([capped.owed.toFixed(2), capped.amount.toFixed(2), capped.limitedByCap]).toEqual(['30.00', '20.00', true]);
  });

  it('needs the harmed amount for a percent make-good', () => {
    expect(() => makeGoodFor(lateOrder({ harmedAmount: undefined }), policy())).toThrow(/harmed amount/);
  });
});
