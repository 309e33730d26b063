import { readOrders } from '../../../src/import/formats';
import { aGenericRow, collect, csvFile, inputErrorOf, Row, tempFile } from './files';

const shop = { shopTimeZone: 'Europe/Berlin' };
const read = (file: string, options: { defaultCurrency?: string } = {}) => readOrders(file, 'generic', { ...shop, ...options });

describe('generic orders CSV', () => {
  it('turns each row into an order record', async () => {
    const file = csvFile('orders.csv', [
      {
        order_id: 'A-1', customer_id: 'C-7', email: ' Maria.Schmidt@Example.COM ', ordered_at: '2025-03-12T10:00:00+01:00',
        amount: '42.50', currency: 'eur', first_name: 'Maria', last_name: 'Schmidt', refunded_amount: '2.50', status: 'paid',
        discount_code: 'SOMMER5', items: 'Beans, dark|Mug | ', accepts_marketing: 'Yes',
      },
    ]);
    expect(await collect(read(file))).toEqual([{
      orderId: 'A-1',
      customer: { externalId: 'C-7', email: 'maria.schmidt@example.com', firstName: 'Maria', lastName: 'Schmidt', consent: 'yes' },
      orderedAt: '2025-03-12T09:00:00.000Z',
      orderedDay: '2025-03-12',
      currency: 'EUR',
      amountMinor: 4250,
      refundedMinor: 250,
      status: 'kept',
      discountCode: 'SOMMER5',
      items: ['Beans, dark', 'Mug'],
      line: 2,
    }]);
  });

  it('needs only the required columns, and either customer_id or email per row', async () => {
    const file = tempFile('orders.csv', 'order_id,customer_id,email,ordered_at,amount,currency\n1,C1,,2025-01-01T10:00:00Z,10,EUR\n2,,kim@example.com,2025-01-02T10:00:00Z,0.5,USD\n');
    const [byId, byEmail] = await collect(read(file));
    const emailOnly = tempFile('orders.csv', 'order_id,email,ordered_at,amount,currency\n1,,2025-01-01T10:00:00Z,10,EUR\n');
    expect((await inputErrorOf(read(emailOnly))).message).toBe(`${emailOnly}:2: email: is empty; without a customer_id column the email says who the customer is`);
    expect(byId.customer).toEqual({ externalId: 'C1', email: undefined, firstName: undefined, lastName: undefined, consent: undefined });
    expect(byEmail.customer.email).toBe('kim@example.com');
    expect([byId.amountMinor, byEmail.amountMinor, byEmail.currency]).toEqual([1000, 50, 'USD']);
    expect([byId.items, byId.refundedMinor, byId.status]).toEqual([[], 0, 'kept']);
  });

  it('takes naive timestamps as shop time, across the DST change, and counts days in the shop zone', async () => {
    const file = csvFile('orders.csv', [
      aGenericRow({ ordered_at: '2025-03-29T23:30:00' }),
      aGenericRow({ ordered_at: '2025-03-30 02:30:00' }),
      aGenericRow({ ordered_at: '2025-03-30T23:30:00' }),
      aGenericRow({ ordered_at: '2025-10-26T02:30:00' }),
      aGenericRow({ ordered_at: '2025-06-30T23:30:00Z' }),
    ]);
    const orders = await collect(read(file));
    expect(orders.map((o) => [o.orderedAt, o.orderedDay])).toEqual([
      ['2025-03-29T22:30:00.000Z', '2025-03-29'],
      ['2025-03-30T01:30:00.000Z', '2025-03-30'],
      ['2025-03-30T21:30:00.000Z', '2025-03-30'],
      ['2025-10-26T00:30:00.000Z', '2025-10-26'],
      ['2025-06-30T23:30:00.000Z', '2025-07-01'],
    ]);
  });

  it('marks cancelled, canceled and voided orders as cancelled, any other status as kept', async () => {
    const statuses = ['cancelled', 'Canceled', ' VOIDED ', 'refunded', 'paid', ''];
    const file = csvFile('orders.csv', statuses.map((status) => aGenericRow({ status })));
    expect((await collect(read(file))).map((o) => o.status)).toEqual(['cancelled', 'cancelled', 'cancelled', 'kept', 'kept', 'kept']);
  });

  it('reads marketing consent as yes, no or not said', async () => {
    const answers = ['yes', 'no', 'TRUE', 'false', '1', '0', ''];
    const file = csvFile('orders.csv', answers.map((accepts_marketing) => aGenericRow({ accepts_marketing })));
    expect((await collect(read(file))).map((o) => o.customer.consent)).toEqual(['yes', 'no', 'yes', 'no', 'yes', 'no', undefined]);
  });

  it('reads a Windows export with BOM, CRLF and an item list spanning lines', async () => {
    const file = csvFile('orders.csv', [aGenericRow({ items: 'Tee "Earl Grey"\r\nlose|Mug' }), aGenericRow({ order_id: 'B-2' })], { eol: '\r\n', bom: true });
    const [first, second] = await collect(read(file));
    expect(first.items).toEqual(['Tee "Earl Grey" lose', 'Mug']);
    expect([first.line, second.line, second.orderId]).toEqual([2, 4, 'B-2']);
  });

  it('uses the shop currency when the file has no currency column or leaves a cell empty', async () => {
    const file = tempFile('orders.csv', 'order_id,email,ordered_at,amount\n1,a@example.com,2025-01-01,12\n');
    expect((await collect(read(file, { defaultCurrency: 'JPY' })))[0]).toMatchObject({ currency: 'JPY', amountMinor: 12 });
    const blank = csvFile('orders.csv', [aGenericRow({ currency: '' })]);
    expect((await collect(read(blank, { defaultCurrency: 'CHF' })))[0].currency).toBe('CHF');
  });

  it('reports progress and rows read', async () => {
    const file = csvFile('orders.csv', [aGenericRow(), aGenericRow()]);
    const reader = read(file);
    await collect(reader);
    expect(reader.rowsRead()).toBe(2);
    expect(reader.progress().bytesRead).toBe(reader.progress().totalBytes);
  });
});

describe('generic orders CSV: bad rows', () => {
  it.each([
    [{ amount: '12,50' }, 'orders.csv:3: amount: "12,50" is not a decimal number; use a dot'],
    [{ amount: '-5.00' }, 'orders.csv:3: amount: "-5.00" is negative; amounts must be zero or more'],
    [{ amount: '12.345' }, 'orders.csv:3: amount: "12.345" has more decimals than EUR allows (2)'],
    [{ amount: '' }, 'orders.csv:3: amount: is empty; expected an amount like 12.50'],
    [{ currency: 'EURO' }, 'orders.csv:3: currency: "EURO" is not an ISO 4217 currency code such as EUR or USD'],
    [{ currency: '' }, 'orders.csv:3: currency: is empty; expected an ISO 4217 currency code such as EUR or USD'],
    [{ ordered_at: '12.03.2025' }, 'orders.csv:3: ordered_at: "12.03.2025" is not a date and time like 2025-10-07T09:50:26, 2025-10-07T09:50:26+02:00 or 2025-10-07 09:50:26 +0200'],
    [{ ordered_at: '2025-02-30T10:00:00' }, 'orders.csv:3: ordered_at: "2025-02-30T10:00:00" is not a calendar date (month 2, day 30)'],
    [{ customer_id: '', email: '' }, 'orders.csv:3: customer_id: is empty, and so is email; a row needs one of them to say who the customer is'],
    [{ email: 'maria(at)example.com' }, 'orders.csv:3: email: "maria(at)example.com" is not an email address like maria@example.com'],
    [{ order_id: ' ' }, 'orders.csv:3: order_id: is empty; every order needs its id'],
    [{ refunded_amount: '50.00' }, 'orders.csv:3: refunded_amount: "50.00" is more than the order\'s amount; a refund is at most the amount paid'],
    [{ accepts_marketing: 'maybe' }, 'orders.csv:3: accepts_marketing: "maybe" is not yes or no (also accepted: true/false, 1/0)'],
    [{ accepts_marketing: 'constructor' }, 'orders.csv:3: accepts_marketing: "constructor" is not yes or no (also accepted: true/false, 1/0)'],
  ])('%j → %s', async (overrides, message) => {
    const base: Row = 'refunded_amount' in overrides || 'accepts_marketing' in overrides ? { refunded_amount: '', accepts_marketing: '' } : {};
    const file = csvFile('orders.csv', [aGenericRow(base), aGenericRow(overrides)]);
    expect((await inputErrorOf(read(file))).message.replace(file, 'orders.csv')).toBe(message);
  });

  it('refuses a file missing a required column before reading any row', async () => {
    const file = tempFile('orders.csv', 'order_id,email,ordered_at,currency\n1,a@example.com,2025-01-01,EUR\n');
    const reader = read(file);
    const error = await inputErrorOf(reader);
    expect(error.message).toBe(`${file}:1: amount: missing column; the header must have amount, like: order_id,customer_id,email,ordered_at,amount,currency`);
    expect(reader.rowsRead()).toBe(0);
  });

  it('refuses a file with neither customer_id nor email column', async () => {
    const file = tempFile('orders.csv', 'order_id,ordered_at,amount,currency\n1,2025-01-01,1,EUR\n');
    expect((await inputErrorOf(read(file))).message).toMatch(/:1: customer_id: missing column; the header must have customer_id or email/);
  });

  it('refuses a header that names a column twice', async () => {
    const file = tempFile('orders.csv', 'order_id,email,ordered_at,amount,amount,currency\n');
    expect((await inputErrorOf(read(file))).message).toMatch(/:1: amount: appears 2 times in the header; keep one/);
  });

  it('refuses an empty file at line 1', async () => {
    const file = tempFile('orders.csv', '');
    expect((await inputErrorOf(read(file))).message).toBe(`${file}:1: is empty; the first line must be the header: order_id,customer_id,email,ordered_at,amount,currency`);
  });
});
