import path from 'node:path';
import { readOrders } from '../../../src/import/formats';
import type { OrderRecord } from '../../../src/import/records';
import { collect, csvFile, inputErrorOf, Row } from './files';

const SAMPLE = path.join(__dirname, '../../fixtures/shopify/orders_export_sample.csv');
const read = (file: string, shopTimeZone = 'Europe/Berlin') => readOrders(file, 'shopify', { shopTimeZone });

/** The first row of an order, with the columns a Shopify export has. */
function orderRow(overrides: Row = {}): Row {
  return {
    Name: '#1001', Email: 'Maria@Example.com', 'Accepts Marketing': 'yes', Currency: 'EUR', Total: '31.80',
    'Discount Code': '', 'Created at': '2025-10-07 09:50:26 +0200', 'Lineitem name': 'Bohnen "Hausmischung", 1 kg',
    'Billing Name': 'Maria Schmidt', 'Cancelled at': '', 'Refunded Amount': '0.00', Id: '6104428362525',
    ...overrides,
  };
}

/** A following line-item row: order columns blank, as in the sample (real exports repeat some). */
function itemRow(name: string, item: string, repeated: Row = {}): Row {
  return { ...Object.fromEntries(Object.keys(orderRow()).map((k) => [k, ''])), Name: name, 'Lineitem name': item, ...repeated };
}

describe('Shopify orders export', () => {
  it('matches the counts of the bundled sample', async () => {
    const reader = read(SAMPLE, 'UTC');
    const orders = await collect(reader);
    const kept = orders.filter((o) => o.status === 'kept');
    const emails = (list: OrderRecord[]) => new Set(list.map((o) => o.customer.email));
    expect(reader.rowsRead()).toBe(228);
    expect(orders).toHaveLength(143);
    expect(kept).toHaveLength(140);
    expect(orders.filter((o) => o.status === 'cancelled')).toHaveLength(3);
    expect(emails(orders).size).toBe(41);
    expect(emails(kept).size).toBe(40);
    expect(kept.filter((o) => o.refundedMinor > 0 && o.refundedMinor < o.amountMinor)).toHaveLength(8);
    expect(kept.reduce((sum, o) => sum + o.amountMinor - o.refundedMinor, 0)).toBe(2_992_183);
    expect(new Set(kept.map((o) => `${o.customer.email} ${o.orderedDay}`)).size).toBe(137);
    expect(new Set(orders.map((o) => o.currency))).toEqual(new Set(['EUR']));
  });

  it('gathers the line items of the sample, including names with commas and quotes', async () => {
    const orders = await collect(read(SAMPLE));
    expect(orders.reduce((n, o) => n + o.items.length, 0)).toBe(228);
    const order = orders.find((o) => o.orderId === '6104428300355');
    expect(order).toMatchObject({
      customer: { email: 'juergen.richter35@gmx.de', firstName: 'Jürgen', lastName: 'Richter', consent: 'no' },
      items: ['Filterpapier 1x4 (100 Stk.)', "Zoë's Schokolade, Zartbitter", 'Kaffee nach Gewicht (lose)'],
      orderedAt: '2026-06-15T23:32:00.000Z',
      line: 3,
    });
  });

  it('reads one order per Name, whether later rows leave order columns blank or repeat Email and Created at', async () => {
    const file = csvFile('orders_export.csv', [
      orderRow(),
      itemRow('#1001', 'Filterpapier 1x4 (100 Stk.)'),
      orderRow({ Name: '#1002', Id: '', Email: ' KIM@example.com ', 'Billing Name': 'Ludwig van Beethoven', 'Lineitem name': 'Mug', 'Discount Code': 'SOMMER5' }),
      itemRow('#1002', 'Tee\nlose', { Email: ' KIM@example.com ', 'Created at': '2025-10-07 09:50:26 +0200' }),
      itemRow('#1002', ''),
    ], { eol: '\r\n', bom: true });
    const orders = await collect(read(file));
    expect(orders).toEqual([
      expect.objectContaining({ orderId: '6104428362525', items: ['Bohnen "Hausmischung", 1 kg', 'Filterpapier 1x4 (100 Stk.)'], line: 2 }),
      expect.objectContaining({
        orderId: '#1002',
        customer: { externalId: undefined, email: 'kim@example.com', firstName: 'Ludwig', lastName: 'van Beethoven', consent: 'yes' },
        discountCode: 'SOMMER5',
        items: ['Mug', 'Tee lose'],
        line: 4,
      }),
    ]);
  });

  it('counts a cancelled order as cancelled, and a refund as refunded', async () => {
    const file = csvFile('orders_export.csv', [
      orderRow({ 'Cancelled at': '2025-10-08 10:00:00 +0200', 'Refunded Amount': '31.80' }),
      orderRow({ Name: '#1002', Id: '2', 'Refunded Amount': '5.00' }),
      orderRow({ Name: '#1003', Id: '3', 'Refunded Amount': '' }),
    ]);
    const orders = await collect(read(file));
    expect(orders.map((o) => [o.status, o.amountMinor, o.refundedMinor])).toEqual([['cancelled', 3180, 3180], ['kept', 3180, 500], ['kept', 3180, 0]]);
  });

  it("accepts newer exports' Accepts Email Marketing column", async () => {
    const row = orderRow();
    delete row['Accepts Marketing'];
    const file = csvFile('orders_export.csv', [{ ...row, 'Accepts Email Marketing': 'no' }]);
    expect((await collect(read(file)))[0].customer.consent).toBe('no');
  });

  it('names the line and column of a bad first row', async () => {
    const cases: [Row, string][] = [
      [{ Email: '' }, ':3: Email: is empty on the first row of order #1002; the email identifies the customer'],
      [{ Total: '31,80' }, ':3: Total: "31,80" is not a decimal number; use a dot'],
      [{ 'Created at': '07.10.2025 09:50' }, ':3: Created at: "07.10.2025 09:50" is not a date and time'],
      [{ Currency: 'Euro' }, ':3: Currency: "Euro" is not an ISO 4217 currency code'],
      [{ 'Refunded Amount': '40.00' }, ":3: Refunded Amount: \"40.00\" is more than the order's amount"],
      [{ 'Accepts Marketing': 'vielleicht' }, ':3: Accepts Marketing: "vielleicht" is not yes or no'],
    ];
    for (const [overrides, message] of cases) {
      const file = csvFile('orders_export.csv', [orderRow(), orderRow({ Name: '#1002', Id: '2', ...overrides })]);
      expect((await inputErrorOf(read(file))).message).toContain(`${file}${message}`);
    }
  });

  it('refuses an export without the Name column, before any row', async () => {
    const row = orderRow();
    delete row.Name;
    const file = csvFile('orders_export.csv', [row]);
    expect((await inputErrorOf(read(file))).message).toMatch(/:1: Name: missing column; the header must have Name, like: Name,Email/);
  });
});
