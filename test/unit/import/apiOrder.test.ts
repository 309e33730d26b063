import { ordersFromApiBody } from '../../../src/import/formats/apiOrder';
import { rejection } from './files';

const options = { shopTimeZone: 'Europe/Berlin' };

function anApiOrder(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { orderId: 'W-1', email: 'Maria@Example.com', orderedAt: '2025-03-12T10:00:00', amount: '42.50', currency: 'EUR', ...overrides };
}

const errorOf = (body: unknown) => rejection(() => ordersFromApiBody(body, options));

describe('JSON API orders', () => {
  it('turns one order object into one record', () => {
    const body = anApiOrder({
      customerId: 'C-7', firstName: 'Maria', lastName: 'Schmidt', refundedAmount: '2.50', status: 'cancelled',
      discountCode: 'SORRY10', items: ['Ethiopia Yirgacheffe', ' '], acceptsMarketing: false,
    });
    expect(ordersFromApiBody(body, options)).toEqual([{
      orderId: 'W-1',
      customer: { externalId: 'C-7', email: 'maria@example.com', firstName: 'Maria', lastName: 'Schmidt', consent: 'no' },
      orderedAt: '2025-03-12T09:00:00.000Z',
      orderedDay: '2025-03-12',
      currency: 'EUR',
      amountMinor: 4250,
      refundedMinor: 250,
      status: 'cancelled',
      discountCode: 'SORRY10',
      items: ['Ethiopia Yirgacheffe'],
      line: 1,
    }]);
  });

  it('accepts a batch, nulls for absent fields, and a shop currency as default', () => {
    const records = ordersFromApiBody([anApiOrder(), anApiOrder({ orderId: 'W-2', currency: null, items: null, email: null, customerId: 'C-9' })], { ...options, defaultCurrency: 'CHF' });
    expect(records.map((r) => [r.orderId, r.currency, r.line, r.customer.externalId])).toEqual([['W-1', 'EUR', 1, undefined], ['W-2', 'CHF', 2, 'C-9']]);
  });

  it('names the field, with its position in a batch', async () => {
    const batch = [anApiOrder(), anApiOrder(), anApiOrder(), anApiOrder({ amount: '12,50' })];
    expect((await errorOf(batch))).toMatchObject({ message: '[3].amount: "12,50" is not a decimal number; use a dot', where: { field: '[3].amount' } });
    expect((await errorOf(anApiOrder({ amount: 12.5 }))).message).toBe('amount: must be a decimal string like "12.50" (a JSON number cannot hold cents exactly)');
    expect((await errorOf(anApiOrder({ amount: undefined }))).message).toMatch(/^amount: is required \(a decimal string/);
    expect((await errorOf([anApiOrder({ items: ['a', 3] })])).message).toBe('[0].items[1]: must be a string');
    expect((await errorOf(anApiOrder({ acceptsMarketing: 'yes' }))).message).toBe('acceptsMarketing: must be true or false');
    expect((await errorOf(anApiOrder({ customer_id: 'C-1' }))).message).toBe('unknown field customer_id; check the spelling');
    expect((await errorOf([anApiOrder(), anApiOrder({ email: undefined })])).message).toBe('[1].customerId: is missing, and so is email; one of them must say whose order it is');
    expect((await errorOf(anApiOrder({ email: 'nobody' }))).message).toBe('email: "nobody" is not an email address like maria@example.com');
    expect((await errorOf(anApiOrder({ orderedAt: 'yesterday' }))).message).toMatch(/^orderedAt: "yesterday" is not a date and time/);
    expect((await errorOf(anApiOrder({ currency: 'XYZ1' }))).message).toMatch(/^currency: "XYZ1" is not an ISO 4217 currency code/);
    expect((await errorOf(anApiOrder({ refundedAmount: '50.00' }))).message).toMatch(/^refundedAmount: "50.00" is more than the order's amount/);
    expect((await errorOf(anApiOrder({ orderId: '' }))).message).toBe('orderId: is empty; every order needs its id');
  });

  it('refuses a body that is not an order or a list of them', async () => {
    expect((await errorOf('hello')).message).toBe('the body must be an order object or an array of them');
    expect((await errorOf([])).message).toBe('the array has no orders');
    expect((await errorOf([null])).message).toBe('[0]: must be an object, not null');
  });
});
