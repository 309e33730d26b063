import { AdviceInput, explainAdvice } from '../../../src/domain/explain';
import { eur, ladder, lateOrder, policy } from './builders';

function advise(overrides: Partial<AdviceInput> = {}, statistics: Partial<AdviceInput['statistics']> = {}) {
  return explainAdvice({
    customer: { id: 'c42', name: 'Maria', firstOrderDay: '2019-03-12', lastOrderDay: '2024-05-03', orders: 7, favouriteProducts: ['Ethiopia Yirgacheffe'] },
    statistics: { pAlive: 0.123, expectedPurchases: 0.41, expectedSpend: 48.2, clvAsIs: 5.12, clvIfWon: 15.12, valueOfWinBack: 10, ...statistics },
    horizon: { purchases: 'the next 52 weeks', clv: 'the next 12 months' },
    policy: policy(),
    ladder: ladder(),
    ...overrides,
  });
}

describe('explainAdvice', () => {
  it('shows every step from the statistics to the budget, money as decimal strings', () => {
    const advice = advise();
    expect(advice.steps).toEqual({
      pAlive: 0.123,
      expectedPurchases: 0.41,
      expectedSpend: '48.20',
      clvAsIs: '5.12',
      clvIfWon: '15.12',
      valueOfWinBack: '10.00',
      share: 0.3,
      valueTimesShare: '3.00',
      cac: '25.00',
      cap: '20.00',
      budget: '3.00',
      boundBy: 'value',
      makeGood: null,
      ceiling: '3.00',
      budgetBasis: 'estimate',
    });
    expect(advice.offer).toEqual({ id: 'p15', kind: 'percent_off', label: '15% off your next order', pRedeem: 0.3, costIfRedeemed: '7.23', expectedCost: '2.17' });
    expect(advice.rejected).toEqual([expect.objectContaining({ id: 'c10', reason: 'over-budget', expectedCost: '3.50' })]);
  });

  it('speaks of investing to win the customer back, next to what a new customer costs', () => {
    const text = advise().sentences.join('\n');
    expect(text).toContain('Maria has been a customer since 2019-03-12, ordered 7 times, last ordered on 2024-05-03.');
    expect(text).toContain('Favourites: Ethiopia Yirgacheffe.');
    expect(text).toContain('So it is worth investing up to 3.00 EUR to win Maria back, compared with 25.00 EUR to acquire a new customer.');
    expect(text).toContain('Offer: "15% off your next order".');
    expect(text).toContain('"10.00 EUR off your next order" was not offered');
  });

  it('names the rule that bound the budget', () => {
    expect(advise({}, { valueOfWinBack: 1000 }).sentences.join(' ')).toContain('the most our policy allows for any one customer');
    const cac = advise({ policy: policy({ perCustomerCap: undefined }) }, { valueOfWinBack: 1000 });
    expect([cac.steps.boundBy, cac.steps.cap]).toEqual(['cac', null]);
    expect(cac.sentences.join(' ')).toContain('worth at least what a new customer costs (25.00 EUR), and we never pay more than that');
    const zero = advise({ policy: policy({ zeroValue: 'exclude' }) }, { valueOfWinBack: -3 });
    expect([zero.steps.boundBy, zero.treatment, zero.offer]).toEqual(['zero', 'excluded', null]);
    expect(zero.sentences).toContain('There is no offer: we do not email them.');
    expect(zero.sentences.filter((s) => s.includes('not worth investing in'))).toHaveLength(1);
  });

  it('rounds shown costs up, so a rejected rung never looks as if it fitted', () => {
    const advice = advise({}, { valueOfWinBack: 4.0667 });
    expect(advice.steps.budget).toBe('1.22');
    expect(advice.offer?.id).toBe('gift');
    expect(advice.rejected.find((r) => r.id === 'ship')?.expectedCost).toBe('1.23');
  });

  it('tells staff what they may not promise, and how to answer the tough questions', () => {
    const advice = advise();
    expect(advice.mayNotPromise[0]).toBe('Do not offer more than "15% off your next order", and do not add another discount on top of it.');
    expect(advice.mayNotPromise.join(' ')).toContain('Do not quote their score, value or budget');
    expect(advice.toughQuestions.map((q) => q.question)).toEqual([
      "Why didn't I get a bigger discount?",
      'My friend got a better offer.',
      'Why are you writing to me now?',
    ]);
  });

  it('puts the make-good first for a harmed customer worth nothing', () => {
    const advice = advise({ harm: lateOrder(), policy: policy({ zeroValue: 'exclude' }) }, { valueOfWinBack: 0 });
    expect(advice.steps.makeGood).toEqual({
      incidentId: 'inc-1',
      whatHappened: lateOrder().whatHappened,
      owed: '12.00',
      amount: '12.00',
      limitedByCap: false,
    });
    expect([advice.steps.budget, advice.steps.ceiling, advice.treatment, advice.offer?.id]).toEqual(['0.00', '12.00', 'offer', 'make-good:inc-1']);
    const text = advice.sentences.join(' ');
    expect(text).toContain('the apology is for them, not for our bottom line');
    expect(advice.toughQuestions.map((q) => q.question)).toContain('Is that all I get for what happened?');
    expect(advice.mayNotPromise.join(' ')).toContain('do not blame anyone');
  });

  it('says when policy caps the make-good, and that a manager decides about the rest', () => {
    const advice = advise({ harm: lateOrder(), policy: policy({ makeGoodWithinCap: true, perCustomerCap: eur('5') }) }, { valueOfWinBack: 0 });
    expect(advice.steps.makeGood).toMatchObject({ owed: '12.00', amount: '5.00', limitedByCap: true });
    expect(advice.mayNotPromise).toContain('Do not promise the remaining 7.00 EUR of the make-good yourself; a manager decides.');
  });

  it('writes money in the shop currency: no minor unit for JPY', () => {
    const jpy = policy({ currency: 'JPY', cac: eur('3000'), perCustomerCap: undefined });
    const advice = advise({ policy: jpy, ladder: [] }, { expectedSpend: 5400.4, clvAsIs: 120.5, clvIfWon: 2200.49, valueOfWinBack: 2079.99 });
    expect([advice.steps.expectedSpend, advice.steps.clvAsIs, advice.steps.budget, advice.currency]).toEqual(['5400', '120', '623', 'JPY']);
    expect(advice.noOfferReason).toBe('no-rung-fits');
    expect(advice.sentences).toContain('This campaign makes no offers: Maria gets our "we miss you" email without an offer.');
  });
});
