/**
 * Text the shop did not write reaches emails (product names) and logs: in every format, control
 * characters in an imported text field become one space, as in names, so a product called
 * "Kenya\r\nBcc: …" cannot start a line of its own anywhere.
 */
import { readOrders } from '../../../src/import/formats';
import { ordersFromApiBody } from '../../../src/import/formats/apiOrder';
import { orderFromShopifyWebhook } from '../../../src/import/formats/shopifyWebhook';
import { plainText } from '../../../src/import/formats/fields';
import { collect, csvFile, inputErrorOf, tempFile } from './files';

const HOSTILE_ITEM = 'Kenya AA\r\nBcc: a@evil.example';
const CLEAN_ITEM = 'Kenya AA Bcc: a@evil.example';
const shop = { shopTimeZone: 'Europe/Berlin' };

describe('control characters in imported text', () => {
  it('plainText: runs of controls become one space, then trimmed', () => {
    expect(plainText(HOSTILE_ITEM)).toBe(CLEAN_ITEM);
    expect(plainText('\u0007SOMMER\u00855\t')).toBe('SOMMER 5');
    expect(plainText(' \r\n ')).toBeUndefined();
    expect(plainText('Zoë')).toBe('Zoë');
  });

  it('generic CSV: items, discount code and ids', async () => {
    const file = csvFile('orders.csv', [{
      order_id: 'A\u00071', customer_id: 'C\n7', email: 'maria@example.com', ordered_at: '2025-03-12T10:00:00+01:00', amount: '42.50',
      currency: 'EUR', discount_code: 'SORRY\r\n10', items: `${HOSTILE_ITEM}|Mug\u0000 `,
    }]);
    const [order] = await collect(readOrders(file, 'generic', shop));
    expect([order.orderId, order.customer.externalId, order.discountCode, order.items]).toEqual(['A 1', 'C 7', 'SORRY 10', [CLEAN_ITEM, 'Mug']]);
  });

  it('Shopify CSV: line item names, discount code, order name', async () => {
    const first = {
      Name: '#1001\u0007', Email: 'maria@example.com', Currency: 'EUR', Total: '31.80', 'Discount Code': 'SORRY\n10',
      'Created at': '2025-10-07 09:50:26 +0200', 'Lineitem name': HOSTILE_ITEM, Id: '',
    };
    const file = csvFile('orders.csv', [first, { ...first, 'Lineitem name': 'Mug\r\n' }]);
    const [order] = await collect(readOrders(file, 'shopify', shop));
    expect([order.orderId, order.discountCode, order.items]).toEqual(['#1001', 'SORRY 10', [CLEAN_ITEM, 'Mug']]);
  });

  it('CDNOW: every column is a number or a date, so a control character is refused, never stored', async () => {
    const file = tempFile('cdnow.txt', ' 00001 00001 19970101  1\u0007   11.77\r\n');
    expect((await inputErrorOf(readOrders(file, 'cdnow', { shopTimeZone: 'America/New_York' }))).where.field).toBe('CDs');
  });

  it('JSON API: items, discount code and ids', () => {
    const [order] = ordersFromApiBody({
      orderId: 'W\r\n1', customerId: 'C\t7', orderedAt: '2025-03-12T10:00:00', amount: '42.50', currency: 'EUR', discountCode: 'SORRY\u000b10', items: [HOSTILE_ITEM],
    }, shop);
    expect([order.orderId, order.customer.externalId, order.discountCode, order.items]).toEqual(['W 1', 'C 7', 'SORRY 10', [CLEAN_ITEM]]);
  });

  it('Shopify webhook: line items, discount code, string ids', () => {
    const order = orderFromShopifyWebhook({
      id: '61044\u000728', email: 'maria@example.com', created_at: '2026-06-15T18:32:00-05:00', currency: 'EUR', total_price: '22.53',
      discount_codes: [{ code: 'SORRY\n10' }], line_items: [{ name: HOSTILE_ITEM }, { title: 'Mug\u0085' }],
    }, shop);
    expect([order.orderId, order.discountCode, order.items]).toEqual(['61044 28', 'SORRY 10', [CLEAN_ITEM, 'Mug']]);
  });
});
