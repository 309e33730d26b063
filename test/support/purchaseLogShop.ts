/**
 * A shop whose orders hold every case the purchase log must read the same way on SQLite and
 * PostgreSQL, and the log as a plain row-by-row read of those orders builds it: the reference
 * loadPurchaseLog's one-text-per-page read (issue 16) must equal exactly.
 */
import type { Database } from '../../src/db/database';
import { mulberry32 } from '../../src/domain/random';
import { PurchaseLogBuilder } from '../../src/domain/rfm';
import { COUNTED_ORDER, LoadedLog, loadPurchaseLog } from '../../src/scoring/purchaseLog';

export const THROUGH = '2025-06-30';

type Order = [orderId: string, customerId: number, day: string, currency: string, amountMinor: number, refundedMinor: number, status: string];

/** Ids across the 20,000-id pages the log reads, with gaps; random histories with many same-day orders. */
function shopOrders(): { customers: number[]; orders: Order[] } {
  const random = mulberry32(16);
  const customers = [...Array.from({ length: 300 }, (_, i) => 1 + i * 3), 19_999, 20_000, 20_001, 40_001, 40_002];
  const orders: Order[] = [];
  const day = (n: number) => new Date(Date.UTC(2025, 0, 1 + n)).toISOString().slice(0, 10);
  for (const id of customers) {
    const count = Math.floor(random() * 9);
    for (let k = 0; k < count; k++) {
      // Few days, so a customer often orders twice on one day; odd cents, so the order of a same-day sum shows in the float.
      const amount = Math.floor(random() * 10_000) + 1;
      const refunded = random() < 0.1 ? Math.floor(random() * amount) : 0;
      orders.push([`o${Math.floor(random() * 1e6)}-${id}-${k}`, id, day(Math.floor(random() * 200)), 'EUR', amount, refunded, 'kept']);
    }
  }
  orders.push(
    ['same-b', 7, '2025-03-01', 'EUR', 10, 0, 'kept'], ['same-a', 7, '2025-03-01', 'EUR', 20, 0, 'kept'], ['same-10', 7, '2025-03-01', 'EUR', 7, 0, 'kept'],
    ['full-refund', 10, '2025-02-01', 'EUR', 500, 500, 'kept'],
    ['cancelled', 10, '2025-02-02', 'EUR', 500, 0, 'cancelled'],
    ['dollars', 10, '2025-02-03', 'USD', 500, 0, 'kept'],
    ['after-through', 10, '2025-07-01', 'EUR', 500, 0, 'kept'],
    ['zero', 13, '2025-01-05', 'EUR', 0, 0, 'kept'],
    ['zero-refunded', 13, '2025-01-06', 'EUR', 0, 300, 'kept'],
    ['huge', 16, '2025-01-07', 'EUR', 2 ** 53 + 2, 1, 'kept'],
    ['only-excluded', 19_999, '2025-01-08', 'USD', 100, 0, 'kept'],
  );
  return { customers, orders };
}

export async function insertShop(db: Database): Promise<void> {
  const { customers, orders } = shopOrders();
  const d = db.dialect;
  await db.write(async (tx) => {
    for (const id of customers) {
      await tx.query(
        `INSERT INTO customers (id, external_id, email, consent, created_at, updated_at) VALUES (${[1, 2, 3, 4, 5, 6].map((i) => d.param(i - 1)).join(', ')})`,
        [id, `c${id}`, `c${id}@example.com`, 'unknown', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'],
      );
    }
    for (const [orderId, customerId, day, currency, amount, refunded, status] of orders) {
      await tx.query(
        `INSERT INTO orders (order_id, customer_id, ordered_at, ordered_day, currency, amount_minor, refunded_minor, status, items) VALUES (${[1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => d.param(i - 1)).join(', ')})`,
        [orderId, customerId, `${day}T10:00:00.000Z`, day, currency, String(amount), String(refunded), status, '[]'],
      );
    }
  });
}

/** The log read one row at a time in (customer, day, order id) order, as the models define it. */
export async function referenceLog(db: Database, customerIds?: number[]): Promise<LoadedLog> {
  const p = (i: number) => db.dialect.param(i);
  const only = customerIds ? ` AND customer_id IN (${customerIds.map((_, i) => p(2 + i)).join(', ')})` : '';
  const rows: { customer_id: number | string; ordered_day: string; net: number | string }[] = await db.reader.query(
    `SELECT customer_id, ordered_day, amount_minor - refunded_minor AS net FROM orders
      WHERE currency = ${p(0)} AND ${COUNTED_ORDER} AND ordered_day <= ${p(1)}${only}
      ORDER BY customer_id, ordered_day, order_id`,
    ['EUR', THROUGH, ...(customerIds ?? [])],
  );
  const builder = new PurchaseLogBuilder();
  const ids: number[] = [];
  for (const row of rows) {
    if (Number(row.customer_id) !== ids[ids.length - 1]) {
      builder.addCustomer();
      ids.push(Number(row.customer_id));
    }
    builder.addPurchase(row.ordered_day, Number(row.net) / 100);
  }
  const days = rows.map((row) => row.ordered_day).sort();
  return { log: builder.build(), customerIds: Int32Array.from(ids), firstDay: days[0] ?? null, lastDay: days[days.length - 1] ?? null, rows: rows.length };
}

/** Plain arrays, so a difference in one amount's last bit fails toEqual with the place shown. */
function plainLog(loaded: LoadedLog) {
  const { log } = loaded;
  return { ...loaded, log: { customers: log.customers, start: Array.from(log.start), day: Array.from(log.day), amount: Array.from(log.amount) }, customerIds: Array.from(loaded.customerIds) };
}

/** The whole log, and the offer advisor's few customers, each equal to the reference read. */
export async function expectReferenceLogs(db: Database): Promise<void> {
  const reference = await referenceLog(db);
  expect(reference.rows).toBeGreaterThan(1000);
  expect(plainLog(await loadPurchaseLog(db, { currency: 'EUR', through: THROUGH }))).toEqual(plainLog(reference));
  const ids = [40_002, 7, 13, 16, 20_001, 19_999];
  expect(plainLog(await loadPurchaseLog(db, { currency: 'EUR', through: THROUGH, customerIds: ids }))).toEqual(plainLog(await referenceLog(db, ids)));
  expect((await loadPurchaseLog(db, { currency: 'EUR', customerIds: [] })).rows).toBe(0);
}
