import { InputError } from '../../../src/domain/errors';
import { Money } from '../../../src/domain/money';
import { checkFields } from '../../../src/mail/fields';
import { cleanFirstName, daysLeftInWords, offerValue, talkToUs, yearsInWords } from '../../../src/mail/recipient';
import { fields, incident } from './builders';

describe('the fields of one recipient', () => {
  it('are display-ready and match the declared list', () => {
    const f = checkFields(fields({}, { incident: incident() }));
    expect(f).toMatchObject({
      firstName: 'Maria',
      greeting: 'Dear Maria',
      firstOrderDate: '12 March 2019',
      customerSince: 'March 2019',
      yearsWithUs: 'over six years',
      lastOrderDate: '5 January 2024',
      favouriteProduct: 'Ethiopia Yirgacheffe',
      offer: { label: '15% off your next order', value: '15%', expiresOn: '1 July 2025', expiresIn: 'in 11 days' },
      spokesperson: { name: 'Ana Lopez', firstName: 'Ana', role: 'Founder' },
      talkToUs: { label: '+44 20 7946 0000', href: 'tel:+442079460000' },
    });
  });

  it('leaves out what is unknown as null, never as a blank string', () => {
    const f = fields({ firstName: '  ', firstOrderAt: null, lastOrderAt: null, favouriteProducts: [], offer: null });
    expect(f).toMatchObject({ firstName: null, greeting: 'Hello again', firstOrderDate: null, yearsWithUs: null, favouriteProduct: null, offer: null });
  });

  it.each([
    ['maria', 'Maria'],
    ['MARIA-JOSÉ', 'Maria-José'],
    ["O'BRIEN", "O'Brien"],
    ['McDonald', 'McDonald'],
    ['  Ana   Sofia ', 'Ana Sofia'],
    ['maria@example.com', null],
    ['12345', null],
    ['x'.repeat(41), null],
    [null, null],
  ])('greets %j as %j', (raw, expected) => {
    expect(cleanFirstName(raw)).toBe(expected);
  });

  it('counts whole years, in words', () => {
    const since = new Date('2019-06-21T00:00:00Z');
    expect(yearsInWords(since, new Date('2020-06-20T23:59:59Z'))).toBeNull();
    expect(yearsInWords(since, new Date('2020-06-21T00:00:00Z'))).toBe('a year');
    expect(yearsInWords(since, new Date('2029-06-21T00:00:00Z'))).toBe('ten years');
    expect(yearsInWords(new Date('2001-01-01T00:00:00Z'), new Date('2025-06-20T00:00:00Z'))).toBe('over 24 years');
  });

  it('counts days to the end of an offer in the shop’s calendar', () => {
    const now = new Date('2025-06-20T22:30:00Z'); // already the 21st in Auckland
    expect(daysLeftInWords(now, new Date('2025-06-21T09:00:00Z'), 'Europe/London')).toBe('tomorrow');
    expect(daysLeftInWords(now, new Date('2025-06-21T09:00:00Z'), 'Pacific/Auckland')).toBe('today');
    expect(daysLeftInWords(now, new Date('2025-06-25T09:00:00Z'), 'UTC')).toBe('in 5 days');
  });

  it('describes an offer in a few words', () => {
    expect(offerValue({ kind: 'percent_off', id: 'p', label: '', pRedeem: 0.3, percent: 15 }, 'EUR')).toBe('15%');
    expect(offerValue({ kind: 'fixed_credit', id: 'c', label: '', pRedeem: 0.3, amount: new Money('10') }, 'EUR')).toBe('€10.00');
    expect(offerValue({ kind: 'fixed_credit', id: 'c', label: '', pRedeem: 0.3, amount: new Money('1500') }, 'JPY')).toBe('JP¥1,500');
    expect(offerValue({ kind: 'free_shipping', id: 's', label: '', pRedeem: 0.3, shippingCost: new Money('4.9') }, 'EUR')).toBe('free shipping');
  });

  it('turns the campaign’s "talk to us" into a link of the right kind, and nothing unsafe', () => {
    expect(talkToUs('https://cal.example/ana')).toEqual({ label: 'book a time to talk with me', href: 'https://cal.example/ana' });
    expect(talkToUs('ana@beanthere.example')).toEqual({ label: 'ana@beanthere.example', href: 'mailto:ana@beanthere.example' });
    expect(() => talkToUs('javascript:alert(1)')).toThrow(InputError);
    expect(() => fields({}, { spokesperson: { name: 'A', role: 'B', replyTo: 'a@b.example', photoUrl: 'javascript:alert(1)' } })).toThrow(/must start with https:/);
  });
});
