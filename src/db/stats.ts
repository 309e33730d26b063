/** What is in the database, for `rekindle stats` and for tests: counts, net revenue per currency, first and last order. */
import type { Database } from './database';
import { formatMinor } from '../domain/money';

export interface ShopStats {
  customers: number;
  orders: number;
  /** Cancelled orders and orders refunded in full: stored and counted, neither revenue nor purchases. */
  excludedOrders: number;
  /** Net of refunds, per currency: currencies are never summed together. */
  netRevenue: Record<string, string>;
  firstOrderAt: string | null;
  lastOrderAt: string | null;
}

const EXCLUDED = "(status = 'cancelled' OR (amount_minor > 0 AND refunded_minor >= amount_minor))";

export async function shopStats(db: Database): Promise<ShopStats> {
  const q = db.reader;
  const [{ customers }] = await q.query('SELECT COUNT(*) AS customers FROM customers');
  const [totals] = await q.query(
    `SELECT COUNT(*) AS orders, SUM(CASE WHEN ${EXCLUDED} THEN 1 ELSE 0 END) AS excluded,
            MIN(CASE WHEN NOT ${EXCLUDED} THEN ordered_at END) AS first_at, MAX(CASE WHEN NOT ${EXCLUDED} THEN ordered_at END) AS last_at
       FROM orders`,
  );
  const revenue: { currency: string; net: string | number }[] = await q.query(
    `SELECT currency, SUM(amount_minor - refunded_minor) AS net FROM orders WHERE NOT ${EXCLUDED} GROUP BY currency ORDER BY currency`,
  );
  const netRevenue: Record<string, string> = {};
  for (const row of revenue) netRevenue[row.currency] = formatMinor(Number(row.net), row.currency);
  return {
    customers: Number(customers),
    orders: Number(totals.orders),
    excludedOrders: Number(totals.excluded ?? 0),
    netRevenue,
    firstOrderAt: totals.first_at ?? null,
    lastOrderAt: totals.last_at ?? null,
  };
}
