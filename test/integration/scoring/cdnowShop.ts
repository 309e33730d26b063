/**
 * The CDNOW sample as order records for the importer, so the scoring tests run on the orders
 * table exactly as a shop's import leaves it (USD, one order per log line, no names).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { importOrders } from '../../../src/import/importer';
import { fitModels } from '../../../src/scoring/fitService';
import type { OrderRecord } from '../../../src/import/records';
import { testServices, TestServices } from '../../support/services';

export const CDNOW_FILE = path.resolve(__dirname, '../../../samples/cdnow/CDNOW_sample.txt');

export function cdnowOrders(): OrderRecord[] {
  const lines = readFileSync(CDNOW_FILE, 'utf8').split(/\r?\n/);
  const orders: OrderRecord[] = [];
  lines.forEach((text, index) => {
    const fields = text.trim().split(/\s+/);
    if (fields.length < 5) return;
    const id = String(Number(fields[1]));
    const ymd = fields[2];
    const day = `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`;
    orders.push({
      orderId: `cdnow-${index + 1}`,
      customer: { externalId: id, email: `cdnow-${id}@example.com` },
      orderedAt: `${day}T12:00:00.000Z`,
      orderedDay: day,
      currency: 'USD',
      amountMinor: Math.round(Number(fields[4]) * 100),
      refundedMinor: 0,
      status: 'kept',
      items: [],
      line: index + 1,
    });
  });
  return orders;
}

/** A fresh USD shop on a temp SQLite file with the CDNOW sample imported. */
export async function cdnowShop(settings: Record<string, unknown> = {}): Promise<TestServices> {
  const clock = () => new Date('1998-07-01T09:00:00.000Z');
  const s = await testServices({ SHOP_CURRENCY: 'USD', SHOP_TIMEZONE: 'UTC', ...settings }, clock);
  await importOrders(s.db, cdnowOrders(), { source: 'cdnow', file: 'CDNOW_sample.txt', now: clock });
  return s;
}

/** The CDNOW shop with a value policy the tests state (CAC 30, share 0.5, margin 0.4), fitted to 1997-09-30. */
export async function fittedCdnowShop(): Promise<TestServices> {
  const s = await cdnowShop({ CAC: '30.00', WINBACK_SHARE: 0.5, GROSS_MARGIN: 0.4 });
  await fitModels(s, { calibrationEnd: '1997-09-30' });
  return s;
}
