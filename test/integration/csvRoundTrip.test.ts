/**
 * Property: a generated shop round-trips through CSV export and import. Customers and orders
 * with any names, ids and product names (commas, quotes, line-less Unicode, formula-looking
 * text), any amounts and refunds, are written as the generic orders CSV, imported by the real
 * file importer into a real SQLite file, read back exactly, and written out again to the very
 * same CSV.
 *
 * The writer quotes as RFC 4180 asks and nothing more: src/export/csv.ts also puts an apostrophe
 * before text a spreadsheet would run as a formula, which is right for a spreadsheet and would
 * not survive an import (the importer keeps the apostrophe).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { formatMinor } from '../../src/domain/money';
import { importOrdersFile } from '../../src/import/fileImport';
import { testServices, TestServices } from '../support/services';

interface ShopOrder {
  orderId: string;
  orderedAt: string;
  amountMinor: number;
  refundedMinor: number;
  status: 'kept' | 'cancelled';
  discountCode: string | null;
  items: string[];
}

interface ShopCustomer {
  externalId: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  consent: 'yes' | 'no' | 'unknown';
  orders: ShopOrder[];
}

const HEADER = ['order_id', 'customer_id', 'email', 'first_name', 'last_name', 'accepts_marketing', 'ordered_at', 'amount', 'currency', 'refunded_amount', 'status', 'discount_code', 'items'];

const cell = (value: string | null) => (value === null ? '' : /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** Text as the importer keeps it: no control characters, no surrounding spaces, not empty. */
const arbText = (maxLength: number, extra: (s: string) => boolean = () => true) =>
  fc.string({ unit: 'grapheme', minLength: 1, maxLength })
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && !/[\u0000-\u001f\u007f-\u009f]/.test(s) && extra(s));

const arbOrder = fc.record({
  id: arbText(12),
  at: fc.integer({ min: Date.parse('2019-01-01T00:00:00Z'), max: Date.parse('2025-12-31T00:00:00Z') }),
  amountMinor: fc.integer({ min: 1, max: 10_000_000 }),
  refundedShare: fc.constantFrom(0, 0, 0.5, 1),
  status: fc.constantFrom('kept' as const, 'cancelled' as const),
  discountCode: fc.option(fc.stringMatching(/^[A-Z0-9]{1,10}$/)),
  items: fc.array(arbText(20, (s) => !s.includes('|')), { maxLength: 3 }),
});

const arbShop: fc.Arbitrary<ShopCustomer[]> = fc
  .array(
    fc.record({
      id: arbText(12),
      local: fc.stringMatching(/^[A-Za-z0-9]{1,10}$/),
      firstName: fc.option(arbText(15)),
      lastName: fc.option(arbText(15)),
      consent: fc.constantFrom('yes' as const, 'no' as const, 'unknown' as const),
      orders: fc.array(arbOrder, { minLength: 1, maxLength: 4 }),
    }),
    { minLength: 1, maxLength: 6 },
  )
  // Index prefixes keep generated ids and addresses distinct, as a shop's are.
  .map((customers) =>
    customers.map((c, i) => ({
      externalId: `${i}/${c.id}`,
      email: `u${i}.${c.local}@Example.com`,
      firstName: c.firstName,
      lastName: c.lastName,
      consent: c.consent,
      orders: c.orders.map((o, j) => ({
        orderId: `${i}.${j}/${o.id}`,
        orderedAt: new Date(o.at).toISOString(),
        amountMinor: o.amountMinor,
        refundedMinor: Math.round(o.amountMinor * o.refundedShare),
        status: o.status,
        discountCode: o.discountCode,
        items: o.items,
      })),
    })),
  );

function exportCsv(shop: ShopCustomer[]): string {
  const rows = shop.flatMap((c) => c.orders.map((o) => ({ c, o }))).sort(byKey((r) => r.o.orderId));
  const lines = rows.map(({ c, o }) =>
    [
      o.orderId, c.externalId, c.email, c.firstName, c.lastName, c.consent === 'unknown' ? null : c.consent, o.orderedAt, formatMinor(o.amountMinor, 'EUR'), 'EUR',
      formatMinor(o.refundedMinor, 'EUR'), o.status, o.discountCode, o.items.join('|'),
    ].map(cell).join(','),
  );
  return [HEADER.join(','), ...lines].join('\n') + '\n';
}

/** The shop as the database holds it, in the generator's shape. */
async function readShop(services: TestServices): Promise<ShopCustomer[]> {
  const customers: any[] = await services.db.reader.query('SELECT id, external_id, email, first_name, last_name, consent FROM customers');
  const orders: any[] = await services.db.reader.query('SELECT * FROM orders');
  return sortShop(customers.map((c) => ({
    externalId: c.external_id,
    email: c.email,
    firstName: c.first_name,
    lastName: c.last_name,
    consent: c.consent,
    orders: orders.filter((o) => o.customer_id === c.id).map((o) => ({
      orderId: o.order_id, orderedAt: o.ordered_at, amountMinor: Number(o.amount_minor), refundedMinor: Number(o.refunded_minor), status: o.status, discountCode: o.discount_code, items: JSON.parse(o.items),
    })),
  })));
}

/** One order for both sides (SQL sorts UTF-8 bytes, JavaScript UTF-16 units: they differ past U+FFFF). */
const byKey = <T>(key: (t: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
const sortShop = (shop: ShopCustomer[]): ShopCustomer[] =>
  shop.map((c) => ({ ...c, orders: [...c.orders].sort(byKey((o) => o.orderId)) })).sort(byKey((c) => c.externalId));

describe('a generated shop through CSV export and import', () => {
  let services: TestServices;
  beforeAll(async () => {
    services = await testServices();
  });
  afterAll(() => services?.dispose());

  it('comes back exactly, and exports again to the same file', async () => {
    const file = path.join(services.dir, 'shop.csv');
    await fc.assert(
      fc.asyncProperty(arbShop, async (shop) => {
        await services.db.write(async (tx) => {
          for (const table of ['orders', 'customers', 'import_batches', 'audit_log']) await tx.query(`DELETE FROM ${table}`);
        });
        const csv = exportCsv(shop);
        writeFileSync(file, csv);
        await importOrdersFile(file, 'generic', { db: services.db, clock: services.clock, shop: { timeZone: 'Europe/Berlin', currency: 'EUR' } });
        const back = await readShop(services);
        const expected = sortShop(shop.map((c) => ({ ...c, email: c.email.toLowerCase() })));
        expect(back).toEqual(expected);
        expect(exportCsv(back)).toBe(exportCsv(expected));
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
