import { InputError } from '../../../src/domain/errors';
import { DEFAULT_P_REDEEM, parseOfferLadder, rankLadder, validateOfferLadder } from '../../../src/domain/offers';
import { eur, ladder } from './builders';

describe('rankLadder', () => {
  it('prices each rung on the expected next order and ranks by expected cost, richest first', () => {
    const ranked = rankLadder(ladder(), eur('48.20'));
    expect(ranked.map((c) => [c.rung.id, c.costIfRedeemed.toString(), c.expectedCost.toString()])).toEqual([
      ['c10', '10', '3.5'],
      ['p15', '7.23', '2.169'],
      ['ship', '4.9', '1.225'],
      ['gift', '6', '1.2'],
    ]);
  });

  it('breaks ties by cost if redeemed, then by the order the marketer wrote', () => {
    const tied = rankLadder(
      [
        { kind: 'gift', id: 'a', label: 'a', pRedeem: 0.5, giftCost: eur('4') },
        { kind: 'gift', id: 'b', label: 'b', pRedeem: 0.25, giftCost: eur('8') },
        { kind: 'fixed_credit', id: 'c', label: 'c', pRedeem: 0.5, amount: eur('4') },
      ],
      eur('10'),
    );
    expect(tied.map((c) => c.rung.id)).toEqual(['b', 'a', 'c']);
  });

  it('counts a fixed credit in full even above the expected order', () => {
    const [credit] = rankLadder([{ kind: 'fixed_credit', id: 'c', label: 'c', pRedeem: 1, amount: eur('50') }], eur('20'));
    expect(credit.costIfRedeemed.toString()).toBe('50');
  });
});

describe('validateOfferLadder', () => {
  it('reads amounts written as numbers or text and fills in default redemption rates', () => {
    const result = validateOfferLadder([
      { kind: 'percent_off', id: 'p', label: '15% off', percent: 15, maxDiscount: '20.00' },
      { kind: 'gift', id: 'g', label: 'Mug', giftCost: 3.5, pRedeem: 0.1 },
    ]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [percent, gift] = result.ladder;
    expect(percent).toMatchObject({ kind: 'percent_off', percent: 15, pRedeem: DEFAULT_P_REDEEM.percent_off });
    expect(percent.kind === 'percent_off' && percent.maxDiscount?.toFixed(2)).toBe('20.00');
    expect(gift).toMatchObject({ pRedeem: 0.1 });
    expect(gift.kind === 'gift' && gift.giftCost.toString()).toBe('3.5');
  });

  it('names the field of every problem', () => {
    const result = validateOfferLadder([
      { kind: 'percent_off', id: 'p', label: 'x', percent: 150 },
      { kind: 'fixed_credit', id: 'p', label: 'y', amount: '12,50' },
      { kind: 'voucher', id: 'v', label: 'v' },
      { kind: 'gift', id: 'g', label: '', giftCost: -1, pRedem: 0.2 },
      { kind: 'free_shipping', id: 's', label: 's', pRedeem: 0 },
    ]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.field)).toEqual([
      '[0].percent',
      '[1].amount',
      '[2].kind',
      '[3].pRedem',
      '[3].label',
      '[3].giftCost',
      '[4].pRedeem',
      '[4].shippingCost',
    ]);
  });

  it('refuses two rungs with the same id: codes refer to rungs by id', () => {
    const result = validateOfferLadder([
      { kind: 'gift', id: 'g', label: 'a', giftCost: 1 },
      { kind: 'gift', id: 'g', label: 'b', giftCost: 2 },
    ]);
    expect(result).toEqual({ ok: false, problems: [{ field: '[1].id', problem: '"g" is used by an earlier offer' }] });
  });

  it('accepts an empty ladder: an apology campaign may offer nothing', () => {
    expect(validateOfferLadder([])).toEqual({ ok: true, ladder: [] });
  });
});

describe('parseOfferLadder', () => {
  it('throws an InputError naming the file and field, and counts the other problems', () => {
    const bad = [{ kind: 'gift', id: 'g', label: 'g' }, { kind: 'gift', label: 'h', giftCost: 1 }];
    expect(() => parseOfferLadder(bad, { file: 'campaigns/sorry.yaml' })).toThrow(
      new InputError('is required (and 1 more problem)', { file: 'campaigns/sorry.yaml', field: 'offers[0].giftCost' }),
    );
    expect(() => parseOfferLadder({}, { field: 'ladder' })).toThrow('ladder: must be a list of offers');
  });
});
