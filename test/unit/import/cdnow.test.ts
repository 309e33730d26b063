import path from 'node:path';
import { readOrders } from '../../../src/import/formats';
import { collect, inputErrorOf, tempFile } from './files';

const SAMPLE = path.join(__dirname, '../../../samples/cdnow/CDNOW_sample.txt');
const read = (file: string) => readOrders(file, 'cdnow', { shopTimeZone: 'America/New_York' });

/** CDNOW's layout: leading spaces, zero-padded ids, CRLF. */
const line = (master: string, id: string, date: string, cds: string, dollars: string) => ` ${master} ${id} ${date}  ${cds}   ${dollars}\r\n`;

describe('CDNOW log', () => {
  it('reads the bundled sample: 6,919 transactions of 2,357 customers, each with its own id', async () => {
    const reader = read(SAMPLE);
    const orders = await collect(reader);
    expect(reader.rowsRead()).toBe(6919);
    expect(orders).toHaveLength(6919);
    expect(new Set(orders.map((o) => o.customer.externalId)).size).toBe(2357);
    expect(new Set(orders.map((o) => o.orderId)).size).toBe(6919);
    expect(orders.filter((o) => o.amountMinor === 0).length).toBeGreaterThan(0);
    expect(orders[0]).toEqual({
      orderId: 'cdnow-1-19970101-1',
      customer: { externalId: '1', email: 'cdnow-1@example.com', firstName: undefined, lastName: undefined, consent: undefined },
      orderedAt: '1997-01-01T05:00:00.000Z',
      orderedDay: '1997-01-01',
      currency: 'USD',
      amountMinor: 2933,
      refundedMinor: 0,
      status: 'kept',
      discountCode: undefined,
      items: [],
      line: 1,
    });
    expect(orders.every((o) => o.orderedDay >= '1997-01-01' && o.orderedDay <= '1998-06-30')).toBe(true);
  });

  it('derives the same order ids on every read, ranking a customer\'s rows of one day in file order', async () => {
    const file = tempFile('cdnow.txt', [
      line('00004', '0001', '19970101', '2', '29.33'),
      line('00004', '0001', '19970101', '1', '0.00'),
      line('00004', '0001', '19970118', '2', '29.73'),
      line('00004', '0001', '19970101', '1', '5.00'),
      line('00021', '0010', '19970101', '3', '63.34'),
    ].join(''));
    const ids = (await collect(read(file))).map((o) => o.orderId);
    expect(ids).toEqual(['cdnow-1-19970101-1', 'cdnow-1-19970101-2', 'cdnow-1-19970118-1', 'cdnow-1-19970101-3', 'cdnow-10-19970101-1']);
    expect((await collect(read(file))).map((o) => o.orderId)).toEqual(ids);
  });

  it('keeps an id of zeros, skips a BOM and blank lines, and accepts a last line without newline', async () => {
    const file = tempFile('cdnow.txt', `\uFEFF${line('1', '0000', '19970101', '1', '1.00')}\r\n   \n 2 0002 19970102 1 2.50`);
    const orders = await collect(read(file));
    expect(orders.map((o) => [o.customer.externalId, o.amountMinor, o.line])).toEqual([['0', 100, 1], ['2', 250, 4]]);
  });

  it.each([
    [' 1 0001 19970101 2\r\n', ':1: has 4 columns; expected 5: master id, customer id, date YYYYMMDD'],
    [' 1 A001 19970101 2 1.00\r\n', ':1: customer id: "A001" is not a number like 0001'],
    [' 1 0001 19971301 2 1.00\r\n', ':1: date: "19971301" is not a calendar date'],
    [' 1 0001 1997-01-01 2 1.00\r\n', ':1: date: "1997-01-01" is not a date like 19970101 (YYYYMMDD)'],
    [' 1 0001 19970101 2 1,00\r\n', ':1: dollars: "1,00" is not a decimal number; use a dot'],
    [' 1 0001 19970101 2 -1.00\r\n', ':1: dollars: "-1.00" is negative'],
    [' 1 0001 19970101 x 1.00\r\n', ':1: CDs: "x" is not a whole number of CDs'],
    [' 1 0002 19970101 1 1.00\r\n 1 0001 19970101 1 1.00\r\n', ':2: customer id: 1 comes after 2; the log must stay sorted by customer id'],
  ])('rejects %j', async (content, message) => {
    const file = tempFile('cdnow.txt', content);
    expect((await inputErrorOf(read(file))).message).toContain(`${file}${message}`);
  });

  it('refuses an empty log at line 1', async () => {
    const file = tempFile('cdnow.txt', '\r\n');
    expect((await inputErrorOf(read(file))).message).toBe(`${file}:1: has no transactions; expected lines of master id, customer id, date YYYYMMDD, number of CDs, dollars, e.g. " 00004 0001 19970101  2   29.33"`);
  });

  it('rejects bytes that are not UTF-8 like the CSV reader does', async () => {
    const file = tempFile('cdnow.txt', Buffer.concat([Buffer.from(line('1', '0001', '19970101', '1', '1.00')), Buffer.from([0xff, 0x0a])]));
    expect((await inputErrorOf(read(file))).message).toBe(`${file}:2: byte 0xFF is not UTF-8; save or export the file as UTF-8`);
  });
});
