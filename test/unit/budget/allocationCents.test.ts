/**
 * Property: allocating a campaign budget never creates or loses a cent. Every customer comes out
 * once; what the make-goods and the funded offers cost is exactly the sum of their expected
 * costs; and what is spent plus what remains is the cap, to the last decimal, whenever the
 * make-goods fit in it (past it nothing is left and no win-back is funded).
 */
import fc from 'fast-check';
import { allocateCampaignBudget, decideOffer, OfferDecision } from '../../../src/domain/budget';
import { Money } from '../../../src/domain/money';
import { arbAmount, arbLadder, arbValue, lateOrder, policy } from './builders';

const arbDecisions: fc.Arbitrary<OfferDecision[]> = fc
  .tuple(arbLadder, fc.array(fc.record({ value: arbValue, spend: arbAmount(30_000), harmed: fc.option(arbAmount(3_000), { freq: 4 }) }), { maxLength: 40 }))
  .map(([rungs, customers]) =>
    customers.map(({ value, spend, harmed }, i) =>
      decideOffer({ customerId: `c${i}`, valueOfWinBack: value, expectedSpend: spend, harm: harmed === null ? undefined : lateOrder({ harmedAmount: harmed }) }, rungs, policy()),
    ),
  );

const sum = (amounts: Money[]) => amounts.reduce((a, b) => a.plus(b), new Money(0));

describe('campaign budget allocation, in cents', () => {
  it('never creates or loses a cent, nor a customer', () => {
    fc.assert(
      fc.property(arbDecisions, arbAmount(20_000), (decisions, cap) => {
        const a = allocateCampaignBudget(decisions, cap);
        expect(a.entries.map((e) => e.decision.customerId).sort()).toEqual(decisions.map((d) => d.customerId).sort());
        const costOf = (outcome: string) => sum(a.entries.filter((e) => e.outcome === outcome).map((e) => e.decision.offer!.expectedCost));
        expect(a.makeGoodCost.toString()).toBe(costOf('make-good').toString());
        expect(a.winBackCost.toString()).toBe(costOf('funded').toString());
        expect(a.remaining.isNeg()).toBe(false);
        if (a.makeGoodCost.lte(cap)) {
          expect(a.makeGoodCost.plus(a.winBackCost).plus(a.remaining).toString()).toBe(cap.toString());
        } else {
          expect([a.remaining.toString(), a.winBackCost.toString()]).toEqual(['0', '0']);
        }
      }),
      { numRuns: 300 },
    );
  });
});
