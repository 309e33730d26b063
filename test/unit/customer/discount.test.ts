import { discountMinor, quote, rungFromStored } from '../../../src/customer/discount';
import { cleanFeedback } from '../../../src/customer/feedback';

const stored = (rung: Record<string, unknown>) => rungFromStored(JSON.stringify({ id: 'r', label: 'the offer', pRedeem: 0.3, ...rung }));

describe('what a code takes off an order', () => {
  it('rounds a percentage to the minor unit half-even, caps it at maxDiscount, never above the order', () => {
    const fifteen = stored({ kind: 'percent_off', percent: 15, maxDiscount: '25.00' });
    expect(discountMinor(fifteen, 4250, 'EUR')).toBe(638); // 6.375 → 6.38
    expect(discountMinor(fifteen, 4230, 'EUR')).toBe(634); // 6.345 → 6.34
    expect(discountMinor(fifteen, 50_000, 'EUR')).toBe(2500);
    expect(discountMinor(stored({ kind: 'percent_off', percent: 100 }), 1999, 'EUR')).toBe(1999);
    expect(discountMinor(stored({ kind: 'percent_off', percent: 10 }), 1234, 'JPY')).toBe(123);
  });

  it('takes a credit in full up to the order total, and nothing off for free shipping or a gift', () => {
    expect(discountMinor(stored({ kind: 'fixed_credit', amount: '10.00' }), 3190, 'EUR')).toBe(1000);
    expect(discountMinor(stored({ kind: 'fixed_credit', amount: '10.00' }), 750, 'EUR')).toBe(750);
    const shipping = stored({ kind: 'free_shipping', shippingCost: '4.90' });
    expect(quote(shipping, discountMinor(shipping, 2000, 'EUR'), 'EUR', '2025-07-11T10:00:00.000Z')).toEqual({
      kind: 'free_shipping', label: 'the offer', amount: '0.00', currency: 'EUR', freeShipping: true, gift: null, expiresAt: '2025-07-11T10:00:00.000Z',
    });
    const gift = stored({ kind: 'gift', giftCost: '3.00', label: 'A tin of our Christmas blend' });
    expect(quote(gift, 0, 'EUR', 'x')).toMatchObject({ amount: '0.00', gift: 'A tin of our Christmas blend' });
  });
});

describe('a customer\'s feedback', () => {
  it('is trimmed, with line endings unified and control characters dropped', () => {
    expect(cleanFeedback('  Late\r\nagain\u0007.\t ')).toBe('Late\nagain.');
  });

  it('names the field and what to do when it is empty or too long', () => {
    expect(() => cleanFeedback('   ')).toThrow('message: is empty; write a few words, however short');
    expect(() => cleanFeedback(undefined)).toThrow('is empty');
    expect(() => cleanFeedback('x'.repeat(5001))).toThrow('message: has 5001 characters; we can take 5000 at most, or write to us by email');
  });
});
