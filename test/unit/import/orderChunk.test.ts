import fc from 'fast-check';
import { copyBody, copyText, packedRows } from '../../../src/import/copyRows';
import { CHUNK, factsFrom, ORDER_ROW, OrderChunk, packedChunks, packOrders, rowsJson, unpackOrders } from '../../../src/import/orderChunk';
import { anOrder, stream } from '../../support/orders';

describe('packOrders', () => {
  it('writes rows that read back as the records, whatever characters the texts hold', () => {
    // Quotes, backslashes, controls, non-ASCII and lone surrogates: the hand-written fast path
    // must agree with JSON.stringify on all of them.
    const tricky = fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\ud800', '\udfff', 'é', '😀', ',', '|', 'a');
    const text = fc.oneof(fc.string({ unit: tricky, maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 8 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(text, fc.array(text, { maxLength: 4 }), fc.option(text, { nil: undefined })), { minLength: 1, maxLength: 8 }), (orders) => {
        const records = orders.map(([orderId, items, discountCode], i) => anOrder({ orderId: `${i}:${orderId}`, items, discountCode, line: i + 2 }));
        const chunk = packOrders(records, 'orders.csv');
        const rows = unpackOrders(rowsJson(chunk, chunk.facts.map((_, i) => 100 + i)));
        expect(rows).toHaveLength(records.length);
        rows.forEach((row, i) => {
          expect(row[ORDER_ROW.orderId]).toBe(records[i].orderId);
          expect(JSON.parse(row[ORDER_ROW.items])).toEqual(records[i].items);
          expect(row[ORDER_ROW.discountCode]).toBe(records[i].discountCode ?? null);
          expect(row[ORDER_ROW.customerId]).toBe(100 + chunk.customerOf[i]);
          expect(row[ORDER_ROW.line]).toBe(i + 2);
        });
      }),
    );
  });

  it('packs COPY rows (for PostgreSQL) that hold the same values as the JSON rows, tabs, newlines and backslashes included', () => {
    const tricky = fc.constantFrom('"', '\\', '\t', '\n', '\r', '\\N', '\u0000', '\ud800', 'é', '😀', ',', 'a');
    const text = fc.oneof(fc.string({ unit: tricky, maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 8 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(text, fc.array(text, { maxLength: 4 }), fc.option(text, { nil: undefined }), fc.option(text, { nil: undefined })), { minLength: 1, maxLength: 8 }), (orders) => {
        const records = orders.map(([orderId, items, discountCode, orderName], i) => anOrder({ orderId: `${i}:${orderId}`, items, discountCode, orderName, line: i + 2 }));
        const ids = (chunk: OrderChunk) => chunk.facts.map((_, i) => 100 + i);
        const json = packOrders(records, 'orders.csv');
        const copy = packOrders(records, 'orders.csv', 'copy');
        expect(copy.shape).toBe('copy');
        expect(unpackOrders(rowsJson(copy, ids(copy)))).toEqual(unpackOrders(rowsJson(json, ids(json))));
        // One line a row, every column in its place: the customer and the batch in front, the line last.
        const lines = copyText(copy, ids(copy), 7).split('\n');
        expect(lines.pop()).toBe('');
        expect(lines.map((line) => line.split('\t'))).toEqual(records.map((r, i) => [String(100 + copy.customerOf[i]), '7', ...Array(10).fill(expect.any(String)), String(r.line)]));
      }),
    );
  });

  it('streams COPY rows as bytes that, completed with the ids and the batch, are the text the rows make, in chunk after chunk', async () => {
    const tricky = fc.constantFrom('"', '\\', '\t', '\n', '\r', '\\N', '\u0000', 'é', '😀', ',', 'a');
    const text = fc.string({ unit: tricky, maxLength: 8 });
    const orders = fc.array(fc.tuple(text, fc.array(text, { maxLength: 3 }), fc.option(text, { nil: undefined }), fc.nat(40)), { minLength: 1, maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(orders, fc.integer({ min: 0, max: 2147483647 }), fc.integer({ min: 1, max: 2147483647 }), async (given, firstId, batchId) => {
        // Whole chunks too: the bytes of one chunk must not carry rows of another.
        const repeat = given.length === 1 ? CHUNK + 1 : 1;
        const records = Array.from({ length: given.length * repeat }, (_, i) => {
          const [orderId, items, discountCode, customer] = given[i % given.length];
          return anOrder({ orderId: `${i}:${orderId}`, items, discountCode, line: i + 2, customer: { externalId: `c${customer}`, firstName: orderId } });
        });
        const chunks: OrderChunk[] = [];
        for await (const chunk of packedChunks(stream([records]), 'orders.csv', 'copy')) chunks.push(chunk);
        expect(chunks).toHaveLength(Math.ceil(records.length / CHUNK));
        chunks.forEach((chunk, c) => {
          const expected = packOrders(records.slice(c * CHUNK, (c + 1) * CHUNK), 'orders.csv', 'copy');
          expect(chunk.copy).toBeInstanceOf(Uint8Array);
          expect(chunk.orders).toEqual([]);
          expect(packedRows(chunk)).toEqual(expected.orders);
          const ids = chunk.facts.map((_, i) => Math.min(firstId + i * 9973, 2147483647));
          // The ordinary fallback reads the same rows back.
          expect(rowsJson(chunk, ids)).toBe(rowsJson(expected, ids));
          const body = copyBody(chunk, ids, batchId);
          expect(Buffer.isBuffer(body)).toBe(true);
          // PostgreSQL reads the zero-padded ids as the ids.
          const padded = (n: number) => String(n).padStart(10, '0');
          const lines = copyText(expected, ids, batchId).split('\n');
          expect(lines.pop()).toBe('');
          const completed = lines.map((line) => line.split('\t')).map(([id, batch, ...rest]) => [padded(Number(id)), padded(Number(batch)), ...rest].join('\t'));
          expect((body as Buffer).toString('utf8')).toBe(`${completed.join('\n')}\n`);
        });
      }),
      { numRuns: 60 },
    );
  });

  it('refuses to write an id that does not fit an integer column into COPY bytes', async () => {
    const chunks: OrderChunk[] = [];
    for await (const chunk of packedChunks(stream([[anOrder({ orderId: 'A1', line: 2 })]]), 'orders.csv', 'copy')) chunks.push(chunk);
    expect(() => copyBody(chunks[0], [2147483648], 1)).toThrow('does not fit an integer column');
  });

  it('refuses an order id repeated with other values in a chunk of COPY rows, and counts an identical repeat once', () => {
    const order = anOrder({ orderId: 'A1', items: ['Mug\tbig'], line: 2 });
    expect(packOrders([order, { ...order, line: 3 }], 'orders.csv', 'copy')).toMatchObject({ count: 1, duplicates: 1 });
    expect(() => packOrders([order, { ...order, items: ['Mug'], line: 3 }], 'orders.csv', 'copy')).toThrow('orders.csv:3: order_id: order "A1" appears again with different values (first at line 2)');
  });

  it('keeps one set of facts per customer, the latest by order time', () => {
    const ann = (at: string, firstName: string) => anOrder({ customer: { email: 'ann@example.com', firstName }, orderedAt: at });
    const chunk = packOrders([ann('2025-02-01T00:00:00.000Z', 'Anne'), ann('2025-03-01T00:00:00.000Z', 'Ann'), ann('2025-01-01T00:00:00.000Z', 'A.')], 'orders.csv');
    expect(factsFrom(chunk.facts)).toEqual([{ email: 'ann@example.com', firstName: 'Ann', at: '2025-03-01T00:00:00.000Z' }]);
    expect(chunk.customerOf).toEqual([0, 0, 0]);
  });

  it('keeps the newest consent of the chunk with its own time, when the newest order leaves it blank', () => {
    const ann = (at: string, consent: 'yes' | 'no' | undefined, firstName: string) => anOrder({ customer: { email: 'ann@example.com', firstName, consent }, orderedAt: at });
    const newestFirst = packOrders([ann('2025-05-01T00:00:00.000Z', undefined, 'Ann'), ann('2025-03-01T00:00:00.000Z', 'no', 'A.'), ann('2025-01-01T00:00:00.000Z', 'yes', 'A.')], 'orders.csv');
    expect(factsFrom(newestFirst.facts)).toEqual([{ email: 'ann@example.com', firstName: 'Ann', consent: 'no', consentAt: '2025-03-01T00:00:00.000Z', at: '2025-05-01T00:00:00.000Z' }]);
    const oldestFirst = packOrders([ann('2025-01-01T00:00:00.000Z', 'yes', 'A.'), ann('2025-03-01T00:00:00.000Z', 'no', 'A.'), ann('2025-05-01T00:00:00.000Z', undefined, 'Ann')], 'orders.csv');
    expect(factsFrom(oldestFirst.facts)).toEqual(factsFrom(newestFirst.facts));
  });

  it('counts a repeat of an order as a duplicate, and refuses one for another customer or with other values', () => {
    const order = anOrder({ orderId: 'R1', line: 2, customer: { email: 'ann@example.com' } });
    const chunk = packOrders([order, { ...order, line: 5 }], 'orders.csv');
    expect(chunk).toMatchObject({ count: 1, duplicates: 1 });
    expect(() => packOrders([order, { ...order, line: 5, customer: { email: 'bob@example.com' } }], 'orders.csv')).toThrow('orders.csv:5: order_id: order "R1" appears again with different values (first at line 2)');
    expect(() => packOrders([order, { ...order, line: 7, items: ['Other'] }], 'orders.csv')).toThrow('orders.csv:7: order_id: order "R1" appears again with different values (first at line 2)');
  });
});
