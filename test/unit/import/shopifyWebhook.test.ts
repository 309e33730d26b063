import { orderFromShopifyWebhook } from '../../../src/import/formats/shopifyWebhook';
import { rejection } from './files';

const options = { shopTimeZone: 'Europe/Berlin' };

/** The fields of Shopify's REST Order payload we read, plus a few of the many we ignore. */
function aWebhook(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 6104428300355,
    admin_graphql_api_id: 'gid://shopify/Order/6104428300355',
    name: '#1142',
    email: 'Juergen.Richter35@GMX.de',
    created_at: '2026-06-15T18:32:00-05:00',
    currency: 'EUR',
    total_price: '22.53',
    subtotal_price: '17.63',
    financial_status: 'paid',
    cancelled_at: null,
    buyer_accepts_marketing: false,
    discount_codes: [],
    line_items: [
      { id: 1, title: 'Filterpapier 1x4', name: 'Filterpapier 1x4 (100 Stk.)', quantity: 1, price: '3.90' },
      { id: 2, title: "Zoë's Schokolade", name: "Zoë's Schokolade, Zartbitter", quantity: 1, price: '3.50' },
    ],
    refunds: [],
    customer: {
      id: 115310627314723954,
      email: 'juergen.richter35@gmx.de',
      first_name: 'Jürgen',
      last_name: 'Richter',
      email_marketing_consent: { state: 'subscribed', opt_in_level: 'single_opt_in', consent_updated_at: '2026-01-02T10:00:00-05:00' },
    },
    billing_address: { name: 'Jürgen Richter', first_name: 'Jürgen', last_name: 'Richter' },
    ...overrides,
  };
}

const errorOf = (payload: unknown) => rejection(() => orderFromShopifyWebhook(payload, options));

describe('Shopify order webhook', () => {
  it('gives the record the orders export gives for the same order', () => {
    expect(orderFromShopifyWebhook(aWebhook(), options)).toEqual({
      orderId: '6104428300355',
      orderName: '#1142',
      customer: { externalId: undefined, email: 'juergen.richter35@gmx.de', firstName: 'Jürgen', lastName: 'Richter', consent: 'yes' },
      orderedAt: '2026-06-15T23:32:00.000Z',
      orderedDay: '2026-06-16',
      currency: 'EUR',
      amountMinor: 2253,
      refundedMinor: 0,
      status: 'kept',
      discountCode: undefined,
      items: ['Filterpapier 1x4 (100 Stk.)', "Zoë's Schokolade, Zartbitter"],
      line: 1,
    });
  });

  it('sums successful refund transactions and caps them at the total', () => {
    const refunds = [
      { id: 1, transactions: [{ amount: '5.00', kind: 'refund', status: 'success' }, { amount: '9.00', kind: 'refund', status: 'failure' }] },
      { id: 2, transactions: [{ amount: '1.53', kind: 'refund', status: 'success' }], refund_line_items: [] },
    ];
    expect(orderFromShopifyWebhook(aWebhook({ refunds }), options).refundedMinor).toBe(653);
    const tooMuch = [{ transactions: [{ amount: '30.00', kind: 'refund', status: 'success' }] }];
    expect(orderFromShopifyWebhook(aWebhook({ refunds: tooMuch }), options).refundedMinor).toBe(2253);
  });

  it('marks a cancelled order and reads its discount code', () => {
    const record = orderFromShopifyWebhook(aWebhook({ cancelled_at: '2026-06-16T10:00:00-05:00', discount_codes: [{ code: 'SOMMER5', amount: '5.00' }] }), options);
    expect([record.status, record.discountCode]).toEqual(['cancelled', 'SOMMER5']);
  });

  it('reads consent from the newest field present', () => {
    const consent = (overrides: Record<string, unknown>) => orderFromShopifyWebhook(aWebhook(overrides), options).customer.consent;
    const customer = (extra: Record<string, unknown>) => ({ customer: { email: 'a@example.com', ...extra } });
    expect(consent(customer({ email_marketing_consent: { state: 'unsubscribed' } }))).toBe('no');
    expect(consent(customer({ email_marketing_consent: { state: 'not_subscribed' } }))).toBe('no');
    expect(consent(customer({ email_marketing_consent: { state: 'pending' }, accepts_marketing: true }))).toBeUndefined();
    expect(consent(customer({ accepts_marketing: true }))).toBe('yes');
    expect(consent({ customer: null, buyer_accepts_marketing: true })).toBe('yes');
    expect(consent({ customer: null, buyer_accepts_marketing: undefined })).toBeUndefined();
  });

  it('keeps the exact id of an order whose JSON number lost digits, from the GraphQL id', async () => {
    const record = orderFromShopifyWebhook(aWebhook({ id: 820982911946154500, admin_graphql_api_id: 'gid://shopify/Order/820982911946154508' }), options);
    expect(record.orderId).toBe('820982911946154508');
    expect((await errorOf(aWebhook({ id: 820982911946154500, admin_graphql_api_id: undefined }))).message).toMatch(/^id: 820982911946154500 is not an order id JSON can carry exactly/);
    expect(orderFromShopifyWebhook(aWebhook({ admin_graphql_api_id: undefined }), options).orderId).toBe('6104428300355');
  });

  it('falls back to the customer email and the billing name', () => {
    const record = orderFromShopifyWebhook(aWebhook({ email: null, customer: { email: 'Kim@Example.com' }, billing_address: { name: 'Kim Lee' } }), options);
    expect(record.customer).toMatchObject({ email: 'kim@example.com', firstName: 'Kim', lastName: 'Lee' });
  });

  it('names the field that is wrong', async () => {
    expect((await errorOf(aWebhook({ total_price: 22.53 }))).message).toBe('total_price: must be a decimal string like "12.50", as Shopify sends it');
    expect((await errorOf(aWebhook({ total_price: '22,53' }))).message).toBe('total_price: "22,53" is not a decimal number; use a dot');
    expect((await errorOf(aWebhook({ refunds: [{ transactions: [{ amount: '-1', kind: 'refund', status: 'success' }] }] }))).message).toMatch(/^refunds\[0\]\.transactions\[0\]\.amount: "-1" is negative/);
    expect((await errorOf(aWebhook({ email: null, customer: null, contact_email: null }))).message).toMatch(/^email: is missing/);
    expect((await errorOf(aWebhook({ created_at: undefined }))).message).toBe('created_at: is required: when the order was placed');
    expect((await errorOf(aWebhook({ currency: 'XX' }))).message).toMatch(/^currency: "XX" is not an ISO 4217 currency code/);
    expect((await errorOf('not json object')).message).toBe('must be an object, not string "not json object"');
  });
});
