/**
 * A file's orders into an empty PostgreSQL shop go in by COPY (issue 15), and keep every
 * guarantee of the ordinary path: the same stored values, a repeat across chunks counted once,
 * a conflicting one refused with both lines and nothing written.
 */
import { Client } from 'pg';
import { InputError } from '../../src/domain/errors';
import { importOrders } from '../../src/import/importer';
import { CHUNK } from '../../src/import/orderChunk';
import type { OrderRecord } from '../../src/import/records';
import { anOrder, stream } from '../support/orders';
import { testServices, TestServices } from '../support/services';

const url = process.env.REKINDLE_TEST_POSTGRES_URL as string;
const now = () => new Date('2026-01-01T00:00:00Z');
const bulk = { source: 'csv:generic', file: 'orders.csv', now, bulk: true };

function history(rows: number, customers: number): OrderRecord[] {
  return Array.from({ length: rows }, (_, i) =>
    anOrder({ orderId: `P${i}`, line: i + 2, customer: { externalId: `c${i % customers}`, email: `c${i % customers}@example.com` }, orderedAt: '2024-01-01T10:00:00.000Z', orderedDay: '2024-01-01' }),
  );
}

describe('a bulk import into an empty PostgreSQL shop', () => {
  let s: TestServices;
  /** COPY statements the pg client was given during the test. */
  let copies: string[];
  /** Every other statement it was given. */
  let statements: string[];
  const query = Client.prototype.query;

  beforeEach(async () => {
    const client = new Client({ connectionString: url });
    await client.connect();
    await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
    await client.end();
    s = await testServices({ DATABASE_URL: url });
    copies = [];
    statements = [];
    // Watches what reaches the real client; every query still runs.
    Client.prototype.query = function (this: Client, ...args: unknown[]) {
      const submitted = args[0] as { text?: unknown; submit?: unknown };
      if (typeof submitted?.submit === 'function' && typeof submitted.text === 'string' && submitted.text.startsWith('COPY')) copies.push(submitted.text);
      else if (typeof args[0] === 'string') statements.push(args[0]);
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query;
  });
  afterEach(async () => {
    Client.prototype.query = query;
    await s?.dispose();
  });

  const stored = (orderId: string) =>
    s.db.reader.query(
      'SELECT o.order_id, c.external_id, o.ordered_at, o.ordered_day, o.currency, o.amount_minor::int AS amount, o.refunded_minor::int AS refunded, o.status, o.discount_code, o.items, o.order_name, o.source_line FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.order_id = $1',
      [orderId],
    );

  it('copies the orders in and stores the values the ordinary path stores, backslashes and absent values included', async () => {
    const orders = history(CHUNK * 2 + 37, 300);
    orders[5] = { ...orders[5], items: ['Beans \\ dark', 'Mug "big"'], discountCode: 'SAVE\\10', orderName: '#1005', refundedMinor: 100 };
    const summary = await importOrders(s.db, stream(orders), bulk);
    expect(summary.orders).toEqual({ inserted: orders.length, updated: 0, unchanged: 0 });
    // Two full chunks; the last 37 rows are too few to be worth a COPY.
    expect(copies.filter((sql) => sql.startsWith('COPY orders ('))).toHaveLength(2);
    expect(await stored('P5')).toEqual([{
      order_id: 'P5', external_id: 'c5', ordered_at: '2024-01-01T10:00:00.000Z', ordered_day: '2024-01-01', currency: 'EUR', amount: 4250, refunded: 100, status: 'kept',
      discount_code: 'SAVE\\10', items: JSON.stringify(['Beans \\ dark', 'Mug "big"']), order_name: '#1005', source_line: 7,
    }]);
    expect(await stored('P6')).toEqual([expect.objectContaining({ discount_code: null, order_name: null, items: '["Ethiopia Yirgacheffe"]' })]);
    const [{ n }] = await s.db.reader.query('SELECT count(*)::int AS n FROM orders');
    expect(n).toBe(orders.length);
    // A re-import finds every order unchanged (the ordinary path: the table is not empty).
    copies = [];
    expect((await importOrders(s.db, stream(orders), bulk)).orders).toEqual({ inserted: 0, updated: 0, unchanged: orders.length });
    expect(copies).toEqual([]);
  });

  it('counts an order repeated in a later chunk once, and refuses one repeated with other values, writing nothing', async () => {
    // The second chunk is large enough to be copied: COPY meets the repeat, and the ordinary path decides.
    const orders = history(CHUNK + 100, 50);
    const repeat = { ...orders[3], line: CHUNK + 102 };
    const summary = await importOrders(s.db, stream([...orders, repeat]), bulk);
    expect(summary.orders.inserted).toBe(orders.length);
    expect(summary.excluded.duplicates).toBe(1);
    expect(copies.filter((sql) => sql.startsWith('COPY orders ('))).toHaveLength(2);

    await s.db.write((tx) => tx.query('DELETE FROM orders'));
    const conflict = { ...orders[3], amountMinor: 999, line: CHUNK + 102 };
    const refused = importOrders(s.db, stream([...orders, conflict]), bulk);
    await expect(refused).rejects.toThrow(InputError);
    await expect(refused).rejects.toThrow(`orders.csv:${CHUNK + 102}: order_id: order "P3" appears again with different values (first at line 5)`);
    const [{ n }] = await s.db.reader.query('SELECT count(*)::int AS n FROM orders');
    expect(n).toBe(0);
  });

  const customerKey = () =>
    s.db.reader.query(`SELECT conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conrelid = 'orders'::regclass AND confrelid = 'customers'::regclass`);

  it('copies the new customers in, storing the values the ordinary path stores', async () => {
    const orders = history(CHUNK + 10, 120).map((o, i) => (i % 3 ? o : { ...o, customer: { ...o.customer, firstName: 'Zoë \\ "Z"', lastName: i % 2 ? undefined : 'O\'Neil', consent: i % 2 ? ('yes' as const) : ('no' as const) } }));
    orders.push(anOrder({ orderId: 'EMAIL-ONLY', line: CHUNK + 12, customer: { email: 'only@example.com' } }));
    const customers = () =>
      s.db.reader.query(
        'SELECT external_id, email, first_name, last_name, consent, consent_source, consent_at, profile_at, created_at, updated_at FROM customers ORDER BY external_id NULLS FIRST, email',
      );
    expect((await importOrders(s.db, stream(orders), bulk)).customers.inserted).toBe(121);
    expect(copies.filter((sql) => sql.startsWith('COPY customers'))).not.toEqual([]);
    expect(statements.filter((sql) => /INSERT INTO customers/.test(sql))).toEqual([]);
    const copied = await customers();
    expect(copied).toContainEqual(expect.objectContaining({ first_name: 'Zoë \\ "Z"', last_name: "O'Neil", consent: 'no', consent_source: 'csv:generic' }));
    // The same file the ordinary way (not a bulk import), into an empty shop again.
    await s.db.write(async (tx) => {
      await tx.query('DELETE FROM orders');
      await tx.query('DELETE FROM customers');
    });
    await importOrders(s.db, stream(orders), { ...bulk, bulk: false });
    expect(await customers()).toEqual(copied);
  });

  it('builds the indexes it deferred as the migrations define them', async () => {
    const indexes = () =>
      s.db.reader.query("SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('orders', 'customers') ORDER BY indexname") as Promise<{ indexname: string; indexdef: string }[]>;
    const migrated = await indexes();
    // The name search's indexes order by bytes (1732410000000-SearchInByteOrder); built from the
    // plain `lower(first_name)`, the search could not use them.
    expect(migrated.find((i) => i.indexname === 'customers_first_name_lower')?.indexdef).toMatch(/COLLATE "C"/);
    await importOrders(s.db, stream(history(CHUNK + 3, 50)), bulk);
    expect(await indexes()).toEqual(migrated);
  });

  it('writes each new customer once, with ids of its own numbering, and checks the orders\' customer key once at the end', async () => {
    const key = await customerKey();
    expect(key).toEqual([{ conname: expect.any(String), definition: 'FOREIGN KEY (customer_id) REFERENCES customers(id)' }]);
    // Customers met again in later chunks with newer orders: each chunk used to update them.
    const orders = history(CHUNK * 3, 500);
    expect((await importOrders(s.db, stream(orders), { ...bulk, dryRun: true })).orders.inserted).toBe(orders.length);
    expect(await customerKey()).toEqual(key);
    statements = [];
    const summary = await importOrders(s.db, stream(orders), bulk);
    expect(summary.customers).toEqual({ inserted: 500, updated: 0 });
    expect(statements.filter((sql) => /^\s*UPDATE customers/.test(sql))).toEqual([]);
    expect(statements.filter((sql) => /INTO customers.*RETURNING/s.test(sql))).toEqual([]);
    expect(statements.filter((sql) => /^ALTER TABLE orders ADD CONSTRAINT/.test(sql))).toHaveLength(1);
    expect(await customerKey()).toEqual(key);
    const [{ n, ids }] = await s.db.reader.query('SELECT count(DISTINCT o.customer_id)::int AS n, max(c.id)::int AS ids FROM orders o JOIN customers c ON c.id = o.customer_id');
    expect({ n, ids }).toEqual({ n: 500, ids: expect.any(Number) });
    // The sequence moved past them: a customer created the ordinary way gets a new id.
    const later = await importOrders(s.db, stream([anOrder({ orderId: 'LATER', line: 2, customer: { externalId: 'new', email: 'new@example.com' } })]), { ...bulk, bulk: false });
    expect(later.customers.inserted).toBe(1);
    const [{ id }] = await s.db.reader.query("SELECT id FROM customers WHERE external_id = 'new'");
    expect(Number(id)).toBeGreaterThan(ids);
    // And the key holds: an order for a customer that does not exist is refused.
    await expect(s.db.write((tx) => tx.query("INSERT INTO orders (order_id, customer_id, ordered_at, ordered_day, currency, amount_minor, refunded_minor, status) VALUES ('X', 999999, '2024-01-01T00:00:00Z', '2024-01-01', 'EUR', 1, 0, 'kept')"))).rejects.toThrow(/foreign key/);
  });
});
