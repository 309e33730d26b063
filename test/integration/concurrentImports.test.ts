/**
 * Imports at the same moment (Shopify webhooks while a CSV import runs): each new customer is made
 * once, on either engine. SQLite's one writer runs them one after the other; on PostgreSQL each
 * import reads which customers exist, then inserts the rest: four at once made 2,800 customers
 * for 700 addresses before imports took a lock in turn (src/import/importer.ts).
 */
import { importOrders } from '../../src/import/importer';
import { anOrder, stream } from '../support/orders';
import { testServices, TestServices } from '../support/services';

const now = () => new Date('2026-01-01T00:00:00Z');

describe('imports running at once', () => {
  let s: TestServices;
  beforeAll(async () => (s = await testServices()));
  afterAll(() => s.dispose());

  it('make each new customer once, with every order on them', async () => {
    const imports = Array.from({ length: 4 }, (_, i) =>
      importOrders(s.db, stream(Array.from({ length: 3000 }, (_, k) => anOrder({ orderId: `W${i}-${k}`, customer: { email: `new${k % 700}@example.com` } }))), {
        source: 'webhook:shopify', file: `order-${i}`, now,
      }),
    );
    await Promise.all(imports);
    const [{ n }] = await s.db.reader.query('SELECT CAST(COUNT(*) AS INTEGER) AS n FROM customers');
    expect(Number(n)).toBe(700);
  }, 120_000);
});
