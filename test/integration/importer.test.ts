import { shopStats } from '../../src/db/stats';
import { InputError } from '../../src/domain/errors';
import { importOrders } from '../../src/import/importer';
import { CHUNK } from '../../src/import/orderChunk';
import { anOrder, stream } from '../support/orders';
import { testServices, TestServices } from '../support/services';

const now = () => new Date('2026-01-01T00:00:00Z');
const options = { source: 'csv:generic', file: 'orders.csv', now };

describe('importOrders on a real SQLite file', () => {
  let s: TestServices;
  beforeEach(async () => (s = await testServices()));
  afterEach(() => s.dispose());

  it('inserts orders and customers, then re-importing the same records changes nothing', async () => {
    const orders = [
      anOrder({ orderId: 'A1', customer: { email: 'ann@example.com', firstName: 'Ann' } }),
      anOrder({ orderId: 'A2', customer: { email: 'ann@example.com' }, orderedAt: '2025-04-01T08:00:00.000Z', orderedDay: '2025-04-01' }),
      anOrder({ orderId: 'B1', customer: { externalId: '42', email: 'bob@example.com' }, status: 'cancelled' }),
      anOrder({ orderId: 'C1', customer: { externalId: '43' }, amountMinor: 1000, refundedMinor: 1000 }),
    ];
    const first = await importOrders(s.db, stream(orders), options);
    expect(first.orders).toEqual({ inserted: 4, updated: 0, unchanged: 0 });
    expect(first.customers).toEqual({ inserted: 3, updated: 0 });
    expect(first.excluded).toEqual({ cancelled: 1, refunded: 1, duplicates: 0 });
    const before = await shopStats(s.db);
    expect(before).toMatchObject({ customers: 3, orders: 4, excludedOrders: 2, netRevenue: { EUR: '85.00' } });

    const again = await importOrders(s.db, stream(orders), options);
    expect(again.orders).toEqual({ inserted: 0, updated: 0, unchanged: 4 });
    expect(again.customers).toEqual({ inserted: 0, updated: 0 });
    expect(await shopStats(s.db)).toEqual(before);
  });

  it('updates a changed order (new amount, refund or status) and counts it once', async () => {
    await importOrders(s.db, stream([anOrder({ orderId: 'X' })]), options);
    const changed = await importOrders(s.db, stream([anOrder({ orderId: 'X', refundedMinor: 250, status: 'kept' })]), options);
    expect(changed.orders).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
  });

  it('sorts one chunk of a re-import into new, unchanged, changed and repeated orders', async () => {
    const base = Array.from({ length: 6 }, (_, i) => anOrder({ orderId: `M${i}`, line: i + 2 }));
    await importOrders(s.db, stream(base), options);
    const mixed = [
      base[0], // unchanged
      { ...base[1], amountMinor: 999 }, // changed
      anOrder({ orderId: 'N1', line: 9 }), // new
      base[2], // unchanged
      { ...base[3], status: 'cancelled' as const }, // changed, and now excluded
    ];
    // A later chunk repeats one unchanged order and one changed one, identically.
    const repeats = [
      ...Array.from({ length: CHUNK }, (_, i) => anOrder({ orderId: `F${i}`, line: 100 + i })),
      { ...base[0], line: CHUNK + 200 },
      { ...base[1], amountMinor: 999, line: CHUNK + 201 },
    ];
    const result = await importOrders(s.db, stream([...mixed, ...repeats]), options);
    expect(result.orders).toEqual({ inserted: 1 + CHUNK, updated: 2, unchanged: 2 });
    expect(result.excluded).toEqual({ cancelled: 1, refunded: 0, duplicates: 2 });
    expect(await shopStats(s.db)).toMatchObject({ orders: 6 + 1 + CHUNK, excludedOrders: 1 });
  });

  it('counts an identical repeated order once and refuses a conflicting one with both lines', async () => {
    const a = anOrder({ orderId: 'D', line: 2 });
    const ok = await importOrders(s.db, stream([a, { ...a, line: 9 }]), options);
    expect(ok.orders.inserted).toBe(1);
    expect(ok.excluded.duplicates).toBe(1);

    const conflicting = importOrders(s.db, stream([anOrder({ orderId: 'E', line: 2 }), anOrder({ orderId: 'E', amountMinor: 1, line: 7 })]), options);
    await expect(conflicting).rejects.toThrow('orders.csv:7: order_id: order "E" appears again with different values (first at line 2)');
  });

  it('detects a conflicting repeat across chunks and across unchanged rows, leaving the database as before', async () => {
    const rows = CHUNK + 500;
    const base = Array.from({ length: rows }, (_, i) => anOrder({ orderId: `P${i}`, line: i + 2 }));
    await importOrders(s.db, stream(base), options);
    const before = await shopStats(s.db);
    // P3 is unchanged at line 5 and comes back a chunk later with another amount.
    const reimport = [...base, { ...base[3], amountMinor: 1, line: rows + 2 }];
    await expect(importOrders(s.db, stream(reimport), options)).rejects.toThrow(new RegExp(`orders.csv:${rows + 2}: order_id: .*first at line 5`));
    // The same, identical: counted once as unchanged and once as a duplicate.
    const identical = await importOrders(s.db, stream([...base, { ...base[3], line: rows + 2 }]), options);
    expect(identical.orders).toEqual({ inserted: 0, updated: 0, unchanged: rows });
    expect(identical.excluded.duplicates).toBe(1);
    const fresh = Array.from({ length: CHUNK + 200 }, (_, i) => anOrder({ orderId: `Q${i}`, line: i + 2 }));
    await expect(importOrders(s.db, stream([...fresh, { ...fresh[0], amountMinor: 7, line: CHUNK + 202 }]), options)).rejects.toThrow(
      new RegExp(`orders.csv:${CHUNK + 202}: order_id: .*first at line 2`),
    );
    expect(await shopStats(s.db)).toEqual(before);
  });

  it('numbers new customers after every id ever given, deleted ones included', async () => {
    const who = (orderId: string, email: string) => anOrder({ orderId, customer: { email } });
    await importOrders(s.db, stream([who('I1', 'a@example.com'), who('I2', 'b@example.com')]), options);
    await s.db.write(async (tx) => {
      await tx.query('DELETE FROM orders');
      await tx.query("DELETE FROM customers WHERE email = 'b@example.com'");
    });
    await importOrders(s.db, stream([who('I3', 'c@example.com'), who('I4', 'a@example.com')]), options);
    const rows: { id: number; email: string }[] = await s.db.reader.query('SELECT c.id, c.email FROM customers c ORDER BY c.id');
    expect(rows.map((r) => Number(r.id))).toEqual([1, 3]);
    expect(rows.map((r) => r.email)).toEqual(['a@example.com', 'c@example.com']);
    const owners: { order_id: string; customer_id: number }[] = await s.db.reader.query('SELECT order_id, customer_id FROM orders ORDER BY order_id');
    expect(owners.map((o) => [o.order_id, Number(o.customer_id)])).toEqual([['I3', 3], ['I4', 1]]);
  });

  it('keeps the newest consent when a file brings it first and an older one a chunk later', async () => {
    const kim = (orderId: string, consent: 'yes' | 'no', day: string, line: number) =>
      anOrder({ orderId, line, customer: { email: 'kim@example.com', consent }, orderedAt: `${day}T10:00:00.000Z`, orderedDay: day });
    await importOrders(s.db, stream([kim('K1', 'no', '2025-01-10', 2)]), options);
    // A newer export, newest first: Kim said no in May, had said yes in March.
    const filler = Array.from({ length: CHUNK }, (_, i) => anOrder({ orderId: `F${i}`, line: i + 3 }));
    const summary = await importOrders(s.db, stream([kim('K5', 'no', '2025-05-10', 2), ...filler, kim('K3', 'yes', '2025-03-10', CHUNK + 3)]), options);
    const [row] = await s.db.reader.query("SELECT consent, consent_at FROM customers WHERE email = 'kim@example.com'");
    expect(row).toEqual({ consent: 'no', consent_at: '2025-05-10T10:00:00.000Z' });
    // Only a time moved: no customer's details changed.
    expect(summary.customers).toEqual({ inserted: CHUNK, updated: 0 });
  });

  it('lets an older row name the customer when a newer one leaves the name blank', async () => {
    const kim = (orderId: string, firstName: string | undefined, day: string, line: number) =>
      anOrder({ orderId, line, customer: { email: 'kim@example.com', firstName }, orderedAt: `${day}T10:00:00.000Z`, orderedDay: day });
    await importOrders(s.db, stream([kim('N1', 'Kim', '2025-01-10', 2)]), options);
    const filler = Array.from({ length: CHUNK }, (_, i) => anOrder({ orderId: `B${i}`, line: i + 3 }));
    const summary = await importOrders(s.db, stream([kim('N5', undefined, '2025-05-10', 2), ...filler, kim('N4', 'Kimberly', '2025-04-10', CHUNK + 3)]), options);
    const [row] = await s.db.reader.query("SELECT first_name, profile_at FROM customers WHERE email = 'kim@example.com'");
    expect(row).toEqual({ first_name: 'Kimberly', profile_at: '2025-04-10T10:00:00.000Z' });
    expect(summary.customers.updated).toBe(1);
  });

  it('adopts an email-only customer for the id that comes with its address, whichever row comes first in the chunk', async () => {
    await importOrders(s.db, stream([anOrder({ orderId: 'A1', customer: { email: 'a@example.com' }, orderedAt: '2025-01-10T10:00:00.000Z', orderedDay: '2025-01-10' })]), options);
    const june = anOrder({ orderId: 'A2', customer: { email: 'a@example.com' }, orderedAt: '2025-06-10T10:00:00.000Z', orderedDay: '2025-06-10', line: 2 });
    const may = anOrder({ orderId: 'A3', customer: { externalId: '42', email: 'a@example.com' }, orderedAt: '2025-05-10T10:00:00.000Z', orderedDay: '2025-05-10', line: 3 });
    const adopted = await importOrders(s.db, stream([june, may]), options);
    expect(adopted.customers).toEqual({ inserted: 0, updated: 1 });
    expect(await s.db.reader.query('SELECT external_id, email FROM customers')).toEqual([{ external_id: '42', email: 'a@example.com' }]);
    // Another id with the same address is another customer, and re-importing changes nothing.
    const other = await importOrders(s.db, stream([anOrder({ orderId: 'A4', customer: { externalId: '43', email: 'a@example.com' } })]), options);
    expect(other.customers).toEqual({ inserted: 1, updated: 0 });
    const again = await importOrders(s.db, stream([june, may]), options);
    expect(again).toMatchObject({ orders: { inserted: 0, updated: 0, unchanged: 2 }, customers: { inserted: 0, updated: 0 } });
  });

  it('adopts once even when the next chunk brings another id with the same address', async () => {
    await importOrders(s.db, stream([anOrder({ orderId: 'B1', customer: { email: 'b@example.com' } })]), options);
    const chunk1 = [
      anOrder({ orderId: 'B2', customer: { email: 'b@example.com' }, line: 2 }),
      anOrder({ orderId: 'B3', customer: { externalId: '41', email: 'b@example.com' }, line: 3 }),
      ...Array.from({ length: CHUNK - 2 }, (_, i) => anOrder({ orderId: `BF${i}`, line: i + 4 })),
    ];
    const chunk2 = [anOrder({ orderId: 'B4', customer: { externalId: '42', email: 'b@example.com' }, line: CHUNK + 4 })];
    await importOrders(s.db, stream([...chunk1, ...chunk2]), options);
    const rows = await s.db.reader.query("SELECT c.external_id, o.order_id FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.order_id IN ('B1', 'B2', 'B3', 'B4') ORDER BY o.order_id");
    expect(rows).toEqual([
      { external_id: '41', order_id: 'B1' }, { external_id: '41', order_id: 'B2' }, { external_id: '41', order_id: 'B3' }, { external_id: '42', order_id: 'B4' },
    ]);
  });

  it('stores a name with control characters in it as words, and the rest of the customer intact', async () => {
    await importOrders(s.db, stream([anOrder({ orderId: 'C1', customer: { email: 'sep@example.com', firstName: 'Ann\u001fMarie', lastName: ' Lee\t', consent: 'yes' } })]), options);
    expect(await s.db.reader.query('SELECT first_name, last_name, email, consent FROM customers')).toEqual([{ first_name: 'Ann Marie', last_name: 'Lee', email: 'sep@example.com', consent: 'yes' }]);
  });

  it('rolls back everything when the record stream fails half-way', async () => {
    async function* failing() {
      for (let i = 0; i < 2500; i++) yield anOrder({ orderId: `F${i}` });
      throw new InputError('"12,50" is not a decimal number; use a dot', { file: 'orders.csv', line: 2502, field: 'amount' });
    }
    await expect(importOrders(s.db, failing(), options)).rejects.toThrow('orders.csv:2502: amount:');
    expect(await shopStats(s.db)).toMatchObject({ customers: 0, orders: 0 });
  });

  it('a dry run counts everything and writes nothing', async () => {
    const summary = await importOrders(s.db, stream([anOrder(), anOrder()]), { ...options, dryRun: true });
    expect(summary).toMatchObject({ dryRun: true, batchId: null, orders: { inserted: 2 } });
    expect(await shopStats(s.db)).toMatchObject({ customers: 0, orders: 0 });
  });

  it('keeps currencies apart and the newest name and consent', async () => {
    await importOrders(s.db, stream([
      anOrder({ orderId: 'U1', currency: 'USD', amountMinor: 1000, customer: { email: 'z@example.com', firstName: 'Zoe', consent: 'yes' } }),
      anOrder({ orderId: 'E1', currency: 'EUR', amountMinor: 2000, orderedAt: '2025-05-01T00:00:00.000Z', customer: { email: 'z@example.com', firstName: 'Zoé', consent: 'no' } }),
    ]), options);
    expect((await shopStats(s.db)).netRevenue).toEqual({ EUR: '20.00', USD: '10.00' });
    const [row] = await s.db.reader.query('SELECT first_name, consent, consent_source, consent_at FROM customers');
    expect(row).toEqual({ first_name: 'Zoé', consent: 'no', consent_source: 'csv:generic', consent_at: '2025-05-01T00:00:00.000Z' });
  });
});
