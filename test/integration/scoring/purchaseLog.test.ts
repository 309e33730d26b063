/**
 * loadPurchaseLog reads each page of orders as one text built by the database (issue 16); the log must
 * equal, to the last bit of every amount, a plain row-by-row read of the same orders.
 */
import { loadPurchaseLog, pageQuery } from '../../../src/scoring/purchaseLog';
import { postgresPlan } from '../../support/postgresPlan';
import { expectReferenceLogs, insertShop, THROUGH } from '../../support/purchaseLogShop';
import { testServices, TestServices } from '../../support/services';

describe('the purchase log', () => {
  let s: TestServices;
  beforeAll(async () => {
    s = await testServices();
    await insertShop(s.db);
  });
  afterAll(() => s.dispose());

  it('holds exactly the counted orders, same-day ones in order id order, across id pages, also for a few customers', async () => {
    await expectReferenceLogs(s.db);
  });

  it('reads each page from the orders_customer_day index alone, never looking up the order rows', async () => {
    const ranges = [{ after: 0, through: 20_000 }, { in: [1, 2, 3] }];
    if (s.db.dialect.kind === 'postgres') {
      // PostgreSQL answers from an index alone (Index Only Scan) for the pages whose rows its
      // visibility map marks all-visible, which VACUUM sets. With sequential scans off
      // (postgresPlan), the query runs (ANALYZE) and its heap fetches are counted: none.
      await s.db.reader.query('VACUUM ANALYZE orders');
      for (const range of ranges) {
        const { sql, params } = pageQuery(s.db.dialect, { currency: 'EUR', through: THROUGH }, range);
        const plan = await postgresPlan(s.db, sql, params, { analyze: true });
        const orders = plan.filter((node) => node['Relation Name'] === 'orders');
        expect(orders).toEqual([expect.objectContaining({ 'Node Type': 'Index Only Scan', 'Index Name': 'orders_customer_day', 'Heap Fetches': 0 })]);
        expect(orders[0]['Actual Rows']).toBeGreaterThan(0);
      }
      return;
    }
    for (const range of ranges) {
      const { sql, params } = pageQuery(s.db.dialect, { currency: 'EUR', through: THROUGH }, range);
      const plan: { detail: string }[] = await s.db.reader.query(`EXPLAIN QUERY PLAN ${sql}`, params);
      const orders = plan.map((step) => step.detail).filter((detail) => /\borders\b/.test(detail));
      expect(orders).toEqual([expect.stringMatching(/^SEARCH orders USING COVERING INDEX orders_customer_day /)]);
    }
  });

  it('refuses an ordered day that is not a calendar day, naming it', async () => {
    await s.db.write((tx) =>
      tx.query(`INSERT INTO orders (order_id, customer_id, ordered_at, ordered_day, currency, amount_minor, refunded_minor, status, items)
                VALUES ('bad-day', 1, '2025-02-28T10:00:00.000Z', '2025-02-30', 'EUR', 100, 0, 'kept', '[]')`),
    );
    await expect(loadPurchaseLog(s.db, { currency: 'EUR', through: THROUGH })).rejects.toThrow('"2025-02-30" is not a calendar day');
  });
});
