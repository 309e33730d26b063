import fc from 'fast-check';
import { Harm, OfferDecision, allocateCampaignBudget, decideOffer } from '../../../src/domain/budget';
import { Money } from '../../../src/domain/money';
import { arbAmount, arbLadder, arbValue, eur, ladder, lateOrder, policy } from './builders';

const decide = (customerId: string, value: string, harm?: Harm) =>
  decideOffer({ customerId, valueOfWinBack: eur(value), expectedSpend: eur('48.20'), harm }, ladder(), policy());

describe('allocateCampaignBudget, by hand', () => {
  // Expected returns (pRedeem × value / expected cost): B 35/3.5 = 10, A 12.838/3.5 = 3.668, C 3/2.169 = 1.383.
  const decisions = [decide('A', '36.68'), decide('C', '10'), decide('D', '0'), decide('B', '100'), decide('E', '0', lateOrder())];

  it('funds the make-good first, then the best expected return, until the cap runs out', () => {
    const allocation = allocateCampaignBudget(decisions, eur('20'));
    expect(allocation.entries.map((e) => [e.decision.customerId, e.outcome, e.treatment])).toEqual([
      ['E', 'make-good', 'offer'],
      ['B', 'funded', 'offer'],
      ['A', 'funded', 'offer'],
      ['C', 'over-cap', 'nostalgia-only'],
      ['D', 'no-offer', 'nostalgia-only'],
    ]);
    expect([allocation.makeGoodCost, allocation.winBackCost, allocation.remaining].map((m) => m.toString())).toEqual(['12', '7', '1']);
  });

  it('pays make-goods even when they alone exceed the cap; nobody else is funded then', () => {
    const allocation = allocateCampaignBudget(decisions, eur('10'));
    expect(allocation.entries.filter((e) => e.outcome === 'funded')).toEqual([]);
    expect([allocation.makeGoodCost.toString(), allocation.remaining.toString()]).toEqual(['12', '0']);
  });

  it('lets a cheaper offer further down use what a dearer one could not', () => {
    const allocation = allocateCampaignBudget(decisions.slice(0, 4), eur('5.7'));
    expect(allocation.entries.map((e) => e.outcome)).toEqual(['funded', 'over-cap', 'funded', 'no-offer']);
  });
});

const arbDecisions: fc.Arbitrary<OfferDecision[]> = fc
  .tuple(
    arbLadder,
    fc.array(fc.record({ value: arbValue, spend: arbAmount(30_000), harmed: fc.option(arbAmount(3_000), { freq: 5 }) }), { maxLength: 30 }),
  )
  .map(([rungs, customers]) =>
    customers.map(({ value, spend, harmed }, i) => {
      const harm = harmed === null ? undefined : lateOrder({ harmedAmount: harmed });
      return decideOffer({ customerId: `c${i % 7}-${i}`, valueOfWinBack: value, expectedSpend: spend, harm }, rungs, policy());
    }),
  );

describe('allocateCampaignBudget invariants', () => {
  it('never spends more than the cap on win-back offers, and prefers higher expected return', () => {
    fc.assert(
      fc.property(arbDecisions, arbAmount(5_000), (decisions, cap) => {
        const allocation = allocateCampaignBudget(decisions, cap);
        const room = Money.max(cap.minus(allocation.makeGoodCost), 0);
        expect(allocation.winBackCost.lte(room)).toBe(true);
        if (allocation.makeGoodCost.isZero()) expect(allocation.winBackCost.lte(cap)).toBe(true);
        let spent = new Money(0);
        let previousReturn = new Money(Infinity);
        for (const entry of allocation.entries) {
          if (entry.outcome !== 'funded' && entry.outcome !== 'over-cap') continue;
          expect(entry.expectedReturn.lte(previousReturn)).toBe(true);
          previousReturn = entry.expectedReturn;
          const cost = entry.decision.offer!.expectedCost;
          if (entry.outcome === 'funded') spent = spent.plus(cost);
          else expect(cost.gt(room.minus(spent))).toBe(true);
        }
        expect(spent.eq(allocation.winBackCost)).toBe(true);
      }),
    );
  });

  it('never leaves a harmed customer without the make-good, and does not depend on input order', () => {
    const arbShuffled = arbDecisions.chain((decisions) =>
      fc.tuple(fc.constant(decisions), fc.shuffledSubarray(decisions, { minLength: decisions.length })),
    );
    fc.assert(
      fc.property(arbShuffled, arbAmount(5_000), ([decisions, shuffled], cap) => {
        const allocation = allocateCampaignBudget(decisions, cap);
        for (const entry of allocation.entries) {
          if (entry.decision.makeGood?.amount.gt(0)) expect([entry.outcome, entry.treatment]).toEqual(['make-good', 'offer']);
        }
        const ids = (d: readonly OfferDecision[]) => allocateCampaignBudget(d, cap).entries.map((e) => [e.decision.customerId, e.outcome]);
        expect(ids(shuffled)).toEqual(ids(decisions));
      }),
    );
  });
});
