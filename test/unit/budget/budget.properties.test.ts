import fc from 'fast-check';
import { computeBudget, decideOffer } from '../../../src/domain/budget';
import { Money, currencyExponent } from '../../../src/domain/money';
import { arbAmount, arbLadder, arbPolicy, arbValue, lateOrder } from './builders';

describe('budget invariants', () => {
  it('never exceeds CAC, the cap, or value × share; never negative; on the minor-unit grid', () => {
    fc.assert(
      fc.property(arbValue, arbPolicy, (value, policy) => {
        const { amount } = computeBudget(value, policy);
        expect(amount.gte(0)).toBe(true);
        expect(amount.lte(policy.cac)).toBe(true);
        if (policy.perCustomerCap !== undefined) expect(amount.lte(policy.perCustomerCap)).toBe(true);
        expect(amount.lte(Money.max(value, 0).mul(policy.share))).toBe(true);
        expect(amount.decimalPlaces()).toBeLessThanOrEqual(currencyExponent(policy.currency));
      }),
    );
  });

  it('is monotone non-decreasing in the value of winning back', () => {
    fc.assert(
      fc.property(arbValue, arbValue, arbPolicy, (a, b, policy) => {
        const [low, high] = a.lte(b) ? [a, b] : [b, a];
        expect(computeBudget(low, policy).amount.lte(computeBudget(high, policy).amount)).toBe(true);
      }),
    );
  });

  it('names a rule whose limit equals the budget before rounding', () => {
    fc.assert(
      fc.property(arbValue, arbPolicy, (value, policy) => {
        const budget = computeBudget(value, policy);
        const limits = { value: budget.valueTimesShare, zero: budget.valueTimesShare, cac: policy.cac, cap: policy.perCustomerCap };
        const limit = limits[budget.rule] as Money;
        expect(budget.amount.lte(limit)).toBe(true);
        expect(limit.minus(budget.amount).lt(new Money(10).pow(-currencyExponent(policy.currency)))).toBe(true);
      }),
    );
  });
});

describe('offer invariants', () => {
  it("the chosen rung's expected cost fits the budget, and every richer rung was rejected", () => {
    fc.assert(
      fc.property(arbValue, arbAmount(50_000), arbLadder, arbPolicy, (value, spend, ladder, policy) => {
        const decision = decideOffer({ customerId: 'c', valueOfWinBack: value, expectedSpend: spend }, ladder, policy);
        expect(decision.ceiling.eq(decision.budget.amount)).toBe(true);
        if (decision.offer !== null) expect(decision.offer.expectedCost.lte(decision.budget.amount)).toBe(true);
        for (const { rung, reason } of decision.rejected) {
          if (reason === 'over-budget') expect(rung.expectedCost.gt(decision.budget.amount)).toBe(true);
          if (decision.offer) expect(rung.expectedCost.gte(decision.offer.expectedCost)).toBe(true);
        }
        expect(decision.offer === null).toBe(decision.treatment !== 'offer');
      }),
    );
  });

  it('a harmed customer always gets an offer worth at least the make-good, whatever their value', () => {
    fc.assert(
      fc.property(arbValue, arbAmount(50_000), arbLadder, arbPolicy, arbAmount(20_000), (value, spend, ladder, policy, harmed) => {
        const harm = lateOrder({ harmedAmount: harmed.plus('0.01') });
        const decision = decideOffer({ customerId: 'c', valueOfWinBack: value, expectedSpend: spend, harm }, ladder, policy);
        const makeGood = decision.makeGood!;
        if (!policy.makeGoodWithinCap) expect(makeGood.amount.gte(harm.harmedAmount!)).toBe(true);
        if (makeGood.amount.isZero()) return;
        expect(decision.treatment).toBe('offer');
        expect(decision.offer!.costIfRedeemed.gte(makeGood.amount)).toBe(true);
        expect(decision.offer!.expectedCost.lte(decision.ceiling)).toBe(true);
      }),
    );
  });
});
