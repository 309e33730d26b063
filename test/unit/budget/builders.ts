import fc from 'fast-check';
import { BudgetPolicy, Harm } from '../../../src/domain/budget';
import { Money, minorToMoney, moneyFromStatistic } from '../../../src/domain/money';
import { OfferLadder, OfferRung } from '../../../src/domain/offers';

export const eur = (amount: string | number): Money => new Money(amount);

export function policy(overrides: Partial<BudgetPolicy> = {}): BudgetPolicy {
  return {
    currency: 'EUR',
    share: 0.3,
    cac: eur('25'),
    perCustomerCap: eur('20'),
    zeroValue: 'nostalgia-only',
    makeGoodWithinCap: false,
    ...overrides,
  };
}

/** Priced on an expected order of 48.20: credit 3.50, 15% off 2.169, shipping 1.225, gift 1.20. */
export function ladder(): OfferLadder {
  return [
    { kind: 'free_shipping', id: 'ship', label: 'Free shipping on your next order', pRedeem: 0.25, shippingCost: eur('4.90') },
    { kind: 'percent_off', id: 'p15', label: '15% off your next order', pRedeem: 0.3, percent: 15, maxDiscount: eur('10') },
    { kind: 'fixed_credit', id: 'c10', label: '10.00 EUR off your next order', pRedeem: 0.35, amount: eur('10') },
    { kind: 'gift', id: 'gift', label: 'A bag of our new roast', pRedeem: 0.2, giftCost: eur('6') },
  ];
}

export function lateOrder(overrides: Partial<Harm> = {}): Harm {
  return {
    incidentId: 'inc-1',
    whatHappened: 'your order of 12 March arrived nine days late, and we never told you why',
    harmedAmount: eur('12'),
    makeGood: { kind: 'percent_of_harm', percent: 100 },
    ...overrides,
  };
}

/** Cents, so generated amounts sit on the EUR grid the way configured amounts do. */
export const arbAmount = (maxCents = 1_000_000): fc.Arbitrary<Money> =>
  fc.integer({ min: 0, max: maxCents }).map((cents) => minorToMoney(cents, 'EUR'));

/** Values as the models produce them: floats, sometimes negative, through the one door. */
export const arbValue: fc.Arbitrary<Money> = fc
  .double({ min: -500, max: 100_000, noNaN: true, noDefaultInfinity: true })
  .map(moneyFromStatistic);

export const arbPolicy: fc.Arbitrary<BudgetPolicy> = fc.record({
  currency: fc.constantFrom('EUR', 'JPY', 'KWD'),
  share: fc.double({ min: 0, max: 1, noNaN: true }),
  cac: arbAmount(),
  perCustomerCap: fc.option(arbAmount(), { nil: undefined }),
  zeroValue: fc.constantFrom('nostalgia-only' as const, 'exclude' as const),
  makeGoodWithinCap: fc.boolean(),
});

const arbRate = fc.double({ min: 0.01, max: 1, noNaN: true });

export const arbRung: fc.Arbitrary<OfferRung> = fc.oneof(
  fc.record({ percent: fc.integer({ min: 1, max: 100 }), max: fc.option(arbAmount(5_000), { nil: undefined }), pRedeem: arbRate })
    .map(({ percent, max, pRedeem }): OfferRung => ({ kind: 'percent_off', id: '', label: `${percent}% off`, pRedeem, percent, ...(max ? { maxDiscount: max } : {}) })),
  fc.record({ amount: arbAmount(10_000), pRedeem: arbRate })
    .map(({ amount, pRedeem }): OfferRung => ({ kind: 'fixed_credit', id: '', label: 'credit', pRedeem, amount })),
  fc.record({ cost: arbAmount(2_000), pRedeem: arbRate })
    .map(({ cost, pRedeem }): OfferRung => ({ kind: 'free_shipping', id: '', label: 'shipping', pRedeem, shippingCost: cost })),
  fc.record({ cost: arbAmount(3_000), pRedeem: arbRate })
    .map(({ cost, pRedeem }): OfferRung => ({ kind: 'gift', id: '', label: 'gift', pRedeem, giftCost: cost })),
);

export const arbLadder: fc.Arbitrary<OfferLadder> = fc
  .array(arbRung, { maxLength: 6 })
  .map((rungs) => rungs.map((rung, i) => ({ ...rung, id: `r${i}` })));
