/**
 * The migrated schema, read back: every table that can hold something about a person (a
 * `customer_id` or an `email` column) must be listed in src/privacy/customerTables.ts, so that
 * `customer export` shows it and `customer forget` decides what it keeps. A new table about
 * customers fails here until it says so.
 */
import { ADDRESS_TABLES, CUSTOMER_TABLES, STAFF_TABLES } from '../../../src/privacy/customerTables';
import { testServices, TestServices } from '../../support/services';
import { columnNames, tableNames } from '../../support/testDatabase';

describe('tables about customers', () => {
  let services: TestServices;
  let columns: Map<string, string[]>;

  beforeAll(async () => {
    services = await testServices();
    columns = new Map();
    for (const name of await tableNames(services.db)) columns.set(name, await columnNames(services.db, name));
  });
  afterAll(() => services?.dispose());

  const withColumn = (column: RegExp) => [...columns].filter(([, names]) => names.some((n) => column.test(n))).map(([table]) => table).sort();

  it('lists every table with a customer_id column, for export and forget', () => {
    expect(withColumn(/^customer_id$/)).toEqual(CUSTOMER_TABLES.map((t) => t.table).sort());
  });

  it('lists every table with an email column (email, to_email, ...) as keyed by address, as the staff\'s, or as a customer table that erases it', () => {
    const staff: readonly string[] = STAFF_TABLES;
    const erasesItsAddresses = (table: string) => {
      const t = CUSTOMER_TABLES.find((c) => c.table === table);
      const erased = (t?.erase ?? '').split(',').map((a) => a.split('=')[0].trim());
      return !!t && (columns.get(table) ?? []).filter((n) => /(^|_)email$/.test(n)).every((n) => erased.includes(n));
    };
    expect(withColumn(/(^|_)email$/).filter((t) => !staff.includes(t) && !erasesItsAddresses(t))).toEqual([...ADDRESS_TABLES].sort());
  });

  it('orders and erases only columns that exist', () => {
    for (const t of CUSTOMER_TABLES) {
      const named = [...t.orderBy.split(','), ...(t.erase ?? '').split(',').map((a) => a.split('=')[0])].map((c) => c.trim()).filter(Boolean);
      for (const column of named) expect([t.table, columns.get(t.table)?.includes(column)]).toEqual([t.table, true]);
    }
  });
});
