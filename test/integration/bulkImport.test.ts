import { shopStats } from '../../src/db/stats';
import { InputError } from '../../src/domain/errors';
import { importOrders } from '../../src/import/importer';
import { CHUNK } from '../../src/import/orderChunk';
import type { OrderRecord } from '../../src/import/records';
import { anOrder, stream } from '../support/orders';
import { testServices, TestServices } from '../support/services';

const now = () => new Date('2026-01-01T00:00:00Z');
/** What a file import passes: foreign keys checked once, indexes of empty tables built at the end. */
const bulk = { source: 'csv:generic', file: 'orders.csv', now, bulk: true };

/** Orders over several chunks; customer k orders on rows k, k + customers, k + 2 * customers... */
function history(rows: number, customers: number, prefix = 'H'): OrderRecord[] {
  return Array.from({ length: rows }, (_, i) =>
    anOrder({
      orderId: `${prefix}${i}`,
      line: i + 2,
      customer: { externalId: `c${i % customers}`, email: `c${i % customers}@example.com`, firstName: 'Kim' },
      orderedAt: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
      orderedDay: '2024-01-01',
    }),
  );
}

describe('a bulk (file) import on a real SQLite file', () => {
  let s: TestServices;
  beforeEach(async () => (s = await testServices()));
  afterEach(() => s.dispose());

  const indexes = async () => {
    const rows: { name: string; sql: string }[] = await s.db.reader.query(
      "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('orders', 'customers') AND sql IS NOT NULL ORDER BY name",
    );
    // The migration quotes names, the importer does not: compare what the indexes are.
    return rows.map((r) => ({ name: r.name, sql: r.sql.replace(/["\s]/g, '') }));
  };
  const foreignKeys = async () => (await s.db.reader.query('PRAGMA foreign_keys'))[0].foreign_keys;

  it('into an empty shop: builds the deferred indexes as the migration defines them and turns foreign keys back on', async () => {
    const migrated = await indexes();
    expect(migrated.map((i) => i.name)).toEqual(['customers_email', 'customers_external_id', 'customers_first_name_lower', 'customers_last_name_lower', 'orders_customer_day']);
    const orders = history(CHUNK * 2 + 37, 900);
    const summary = await importOrders(s.db, stream(orders), bulk);
    expect(summary.orders).toEqual({ inserted: orders.length, updated: 0, unchanged: 0 });
    expect(summary.customers).toEqual({ inserted: 900, updated: 0 });
    expect(await indexes()).toEqual(migrated);
    expect(await foreignKeys()).toBe(1);
    const [{ orphans }] = await s.db.reader.query('SELECT count(*) AS orphans FROM orders o WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = o.customer_id)');
    expect(orphans).toBe(0);
    // Every order belongs to the customer its row named.
    const [{ wrong }] = await s.db.reader.query(
      "SELECT count(*) AS wrong FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.external_id <> 'c' || (CAST(substr(o.order_id, 2) AS integer) % 900)",
    );
    expect(wrong).toBe(0);
  });

  it('that fails half-way leaves rows, indexes and foreign keys exactly as before', async () => {
    await importOrders(s.db, stream(history(50, 10, 'K')), bulk);
    const before = { stats: await shopStats(s.db), indexes: await indexes() };
    await s.db.write((tx) => tx.query('DELETE FROM orders'));
    const emptyOrders = { stats: await shopStats(s.db), indexes: await indexes() };
    async function* failing(): AsyncIterable<OrderRecord> {
      yield* history(CHUNK * 2 + 5, 300, 'F');
      throw new InputError('"12,50" is not a decimal number; use a dot', { file: 'orders.csv', line: CHUNK * 2 + 7, field: 'amount' });
    }
    await expect(importOrders(s.db, failing(), bulk)).rejects.toThrow(`orders.csv:${CHUNK * 2 + 7}: amount:`);
    expect({ stats: await shopStats(s.db), indexes: await indexes() }).toEqual(emptyOrders);
    expect(emptyOrders.indexes).toEqual(before.indexes);
    expect(await foreignKeys()).toBe(1);
  });

  it('with more customers than it keeps in memory: starts looking them up, with indexes, and creates none twice', async () => {
    const migrated = await indexes();
    const orders = history(CHUNK * 3, 2500);
    const first = await importOrders(s.db, stream(orders), { ...bulk, customerCache: 1500 });
    expect(first.customers).toEqual({ inserted: 2500, updated: 0 });
    expect(await indexes()).toEqual(migrated);
    const [{ wrong }] = await s.db.reader.query(
      "SELECT count(*) AS wrong FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.external_id <> 'c' || (CAST(substr(o.order_id, 2) AS integer) % 2500)",
    );
    expect(wrong).toBe(0);
    const again = await importOrders(s.db, stream(orders), { ...bulk, customerCache: 1500 });
    expect(again).toMatchObject({ orders: { inserted: 0, updated: 0, unchanged: orders.length }, customers: { inserted: 0, updated: 0 } });
  });

  it('adopts the email-only customer it created itself when the same person later comes with an id, as into a shop with customers', async () => {
    // Guest orders by email first; from the next chunk on, the shop's customer id with the same address.
    const guest = (i: number) => anOrder({ orderId: `G${i}`, line: i + 2, customer: { email: `g${i % 30}@example.com` } });
    const member = (i: number) => anOrder({ orderId: `M${i}`, line: CHUNK + i + 2, customer: { externalId: `m${i % 30}`, email: `g${i % 30}@example.com` } });
    const file = [...Array.from({ length: CHUNK }, (_, i) => guest(i)), ...Array.from({ length: 60 }, (_, i) => member(i))];
    const migrated = await indexes();
    const customers = async () =>
      (await s.db.reader.query('SELECT external_id, email FROM customers ORDER BY email')) as { external_id: string | null; email: string }[];

    const intoEmpty = await importOrders(s.db, stream(file), bulk);
    expect(intoEmpty.customers).toEqual({ inserted: 30, updated: 30 });
    const adopted = await customers();
    expect(adopted).toHaveLength(30);
    expect(adopted.every((c) => c.external_id === `m${c.email.slice(1, c.email.indexOf('@'))}`)).toBe(true);
    expect(await indexes()).toEqual(migrated);

    // The same file into a shop that already had a customer: the same customers come out.
    const other = await testServices();
    try {
      await importOrders(other.db, stream([anOrder({ orderId: 'X1', customer: { email: 'someone@example.com' } })]), bulk);
      await importOrders(other.db, stream(file), bulk);
      const there: { external_id: string | null; email: string }[] = await other.db.reader.query("SELECT external_id, email FROM customers WHERE email <> 'someone@example.com' ORDER BY email");
      expect(there).toEqual(adopted);
    } finally {
      await other.dispose();
    }
  });

  it('into an empty shop: ends with each customer\'s newest statement, whatever order the chunks bring them in', async () => {
    const kim = (orderId: string, consent: 'yes' | 'no', firstName: string, day: string, line: number) =>
      anOrder({ orderId, line, customer: { externalId: 'kim', email: 'kim@example.com', firstName, consent }, orderedAt: `${day}T10:00:00.000Z`, orderedDay: day });
    const filler = (chunk: number) => Array.from({ length: CHUNK }, (_, i) => anOrder({ orderId: `F${chunk}-${i}`, line: 10_000 * chunk + i }));
    // January: no. May: no again (agrees, but newer). March, met last: yes, and another name.
    const file = [kim('K1', 'no', 'Kim', '2025-01-10', 2), ...filler(1), kim('K5', 'no', 'Kim', '2025-05-10', 3), ...filler(2), kim('K3', 'yes', 'Kimberly', '2025-03-10', 4)];
    const summary = await importOrders(s.db, stream(file), bulk);
    const [row] = await s.db.reader.query("SELECT first_name, consent, consent_at, profile_at FROM customers WHERE external_id = 'kim'");
    expect(row).toEqual({ first_name: 'Kim', consent: 'no', consent_at: '2025-05-10T10:00:00.000Z', profile_at: '2025-05-10T10:00:00.000Z' });
    expect(summary.customers.updated).toBe(0);
  });

  it('reports the same counts as an import that is not bulk, for customers it has not written yet too', async () => {
    // c3's rows from the second chunk on carry a newer name: an update of a customer this import created.
    const file = history(CHUNK * 2, 50).map((o, i) => (o.customer.externalId === 'c3' && i >= CHUNK ? { ...o, customer: { ...o.customer, firstName: 'Kimberly' } } : o));
    const inBulk = await importOrders(s.db, stream(file), bulk);
    const other = await testServices();
    try {
      const notBulk = await importOrders(other.db, stream(file), { ...bulk, bulk: false });
      expect(inBulk).toEqual({ ...notBulk, batchId: inBulk.batchId });
      expect(inBulk.customers).toEqual({ inserted: 50, updated: 1 });
    } finally {
      await other.dispose();
    }
  });

  it('into a shop that already holds every fact: looks customers up and sends no customer update', async () => {
    // Names, a missing last name, consent given and not given: what the lookup reads back must
    // match what the import knows, field for field, or every customer would be rewritten.
    const orders = history(CHUNK + 10, 40).map((o, i) => ({
      ...o,
      customer: { ...o.customer, lastName: i % 3 ? 'Lee' : undefined, consent: i % 2 ? ('yes' as const) : undefined },
    }));
    const fixed = new Map(orders.map((o) => [o.customer.externalId, o.customer]));
    const history2 = orders.map((o) => ({ ...o, customer: fixed.get(o.customer.externalId) ?? o.customer }));
    await importOrders(s.db, stream(history2), bulk);
    const execute = jest.spyOn(s.db, 'execute');
    const again = await importOrders(s.db, stream(history2.map((o) => ({ ...o, orderId: `again-${o.orderId}` }))), bulk);
    expect(again.customers).toEqual({ inserted: 0, updated: 0 });
    expect(execute.mock.calls.filter(([, sql]) => /^\s*UPDATE customers/.test(sql))).toEqual([]);
    execute.mockRestore();
  });

  it('into a shop with customers: looks them up, applies newer names across chunks, and counts each update', async () => {
    const migrated = await indexes();
    await importOrders(s.db, stream(history(CHUNK + 10, 500)), bulk);
    // The same customers order again; c7's rows from the second chunk on carry a new name.
    const again = history(CHUNK * 2, 500, 'N').map((o, i) =>
      o.customer.externalId === 'c7' && i >= CHUNK ? { ...o, customer: { ...o.customer, firstName: 'Kimberly' } } : o,
    );
    const summary = await importOrders(s.db, stream(again), bulk);
    expect(summary.customers).toEqual({ inserted: 0, updated: 1 });
    const rows: { external_id: string; first_name: string }[] = await s.db.reader.query("SELECT external_id, first_name FROM customers WHERE external_id IN ('c7', 'c8') ORDER BY external_id");
    expect(rows).toEqual([{ external_id: 'c7', first_name: 'Kimberly' }, { external_id: 'c8', first_name: 'Kim' }]);
    expect(await indexes()).toEqual(migrated);
  });
});
