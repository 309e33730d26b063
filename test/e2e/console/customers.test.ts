/**
 * Customers in the console: the search reads indexes only (at 100,000 customers a scan is what
 * would break the page's 200 ms), and a customer's page tells their whole story.
 */
import path from 'node:path';
import { importCustomers } from '../../../src/import/importer';
import { importCustomersFile } from '../../../src/import/fileImport';
import { scoreCustomers } from '../../../src/scoring/scoreService';
import { searchCustomers } from '../../../src/web/console/customerSearch';
import type { TestServices } from '../../support/services';
import { fittedCdnowShop } from '../../integration/scoring/cdnowShop';
import { postgresPlan } from '../../support/postgresPlan';
import { marketerConsole, MarketerConsole } from './dataConsole';

let s: TestServices;
let http: MarketerConsole;

beforeAll(async () => {
  s = await fittedCdnowShop();
  const options = { db: s.db, clock: s.clock, shop: s.config.shop };
  await importCustomersFile(path.resolve(__dirname, '../../../samples/cdnow/customers.csv'), 'generic', options);
  await importCustomers(s.db, [{ externalId: '5', email: 'cdnow-5@example.com', firstName: 'Zofia', lastName: 'Quist', consent: 'yes', line: 2 }], {
    source: 'customers:generic', file: 'zofia.csv', now: () => new Date('1998-07-02T09:00:00.000Z'), // later: its names win
  });
  await scoreCustomers(s);
  http = await marketerConsole(s);
}, 120_000);
afterAll(async () => {
  await http.close();
  await s.dispose();
});

const ids = async (q: string) => (await searchCustomers(s.db, q)).map((c) => c.id);

test('search by the start of an email, a first or last name in any case, "first last", or an id', async () => {
  const [maria] = await searchCustomers(s.db, 'cdnow-5@');
  expect(maria).toMatchObject({ email: 'cdnow-5@example.com', name: 'Zofia Quist', externalId: '5' });
  expect(await ids('QUIST')).toEqual([maria.id]);
  expect(await ids('zofia qu')).toEqual([maria.id]);
  expect(await ids('Zofia Quist')).toEqual([maria.id]);
  expect(await ids('zofia x')).toEqual([]);
  expect(await ids('cdnow-5@example.com')).toEqual([maria.id]);
  expect(await ids(String(maria.id))).toContain(maria.id);
  expect(await ids('   ')).toEqual([]);
  // A common start is cut at the page's limit (+1, to say there are more).
  expect((await searchCustomers(s.db, 'cdnow')).length).toBe(51);
});

test('every search is an index range read, never a scan of the customers', async () => {
  // The same SQL the search runs, asked how the database would run it.
  const searchSql = async (q: string) => {
    const spy = jest.spyOn(s.db.reader, 'query');
    await searchCustomers(s.db, q);
    const [sql, params] = spy.mock.calls[0] as [string, unknown[]];
    spy.mockRestore();
    return { sql, params };
  };
  if (s.db.dialect.kind === 'postgres') {
    // With sequential scans off (postgresPlan): a scan in id order of the primary key (for
    // ORDER BY id LIMIT) would have no Index Cond, and fail.
    const plan = async (q: string) => {
      const { sql, params } = await searchSql(q);
      return postgresPlan(s.db, sql, params);
    };
    for (const q of ['zofia', 'zofia qu', 'cdnow-5@ex']) {
      const nodes = await plan(q);
      const reads = nodes.filter((node) => node['Relation Name'] === 'customers');
      expect(reads.length).toBeGreaterThan(0);
      for (const read of reads) expect(['Index Scan', 'Index Only Scan', 'Bitmap Heap Scan']).toContain(read['Node Type']);
      const indexReads = nodes.filter((node) => node['Index Name'] !== undefined);
      expect(indexReads.length).toBeGreaterThan(0);
      for (const read of indexReads) expect(read).toMatchObject({ 'Index Name': expect.stringMatching(/^customers_/), 'Index Cond': expect.any(String) });
    }
    const zofia = (await plan('zofia')).map((node) => node['Index Name']);
    expect(zofia).toContain('customers_first_name_lower');
    expect(zofia).toContain('customers_last_name_lower');
    return;
  }
  const plan = async (q: string) => {
    const { sql, params } = await searchSql(q);
    const rows: Array<{ detail: string }> = await s.db.reader.query(`EXPLAIN QUERY PLAN ${sql}`, params);
    return rows.map((r) => r.detail).join('\n');
  };
  for (const q of ['zofia', 'zofia qu', 'cdnow-5@ex']) {
    const detail = await plan(q);
    expect(detail).not.toMatch(/SCAN customers(?! USING)/);
    expect(detail).toMatch(/USING (COVERING )?INDEX customers_/);
  }
  expect(await plan('zofia')).toMatch(/customers_first_name_lower/);
  expect(await plan('zofia')).toMatch(/customers_last_name_lower/);
});

test('the search page links each customer, and says what to do when nobody matches', async () => {
  const page = await (await http.fetch('/customers?q=Zofia%20Q')).text();
  expect(page).toMatch(/<a href="\/console\/customers\/\d+">Zofia Quist<\/a>/);
  const none = await (await http.fetch('/customers?q=nobody-at-all')).text();
  expect(none).toContain('Nobody matches “nobody-at-all”');
});

test("a customer's page: consent, orders, the stored score and the advisor's words", async () => {
  const [maria] = await searchCustomers(s.db, 'zofia');
  expect(maria.name).toBe('Zofia Quist');
  const res = await http.fetch(`/customers/${maria.id}`);
  expect(res.status).toBe(200);
  const page = await res.text();
  expect(page).toContain('<title>Zofia Quist · Rekindle</title>');
  expect(page).toContain('agreed to marketing email, from customers:generic');
  const orders: Array<{ n: number }> = await s.db.reader.query('SELECT CAST(COUNT(*) AS INTEGER) AS n FROM orders WHERE customer_id = $1', [maria.id]);
  expect((page.match(/<td>cdnow-\d+<\/td>/g) ?? []).length).toBe(Number(orders[0].n));
  expect(page).toMatch(/Stored score \(model 1, as of 30 September 1997\): P\(alive\) [01]\.\d\d, 0 repeat purchases/);
  expect(page).toContain('Zofia Quist has been a customer since 1997-01-01');
  expect(page).toContain('Do not promise');
  expect(page).toContain('Not enrolled in any campaign');
  expect((await http.fetch('/customers/999999')).status).toBe(404);
});
