/**
 * The wrong file, or the right file with the wrong flag: the error says what the file is and
 * what to type instead, rather than only which column is missing.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readOrders } from '../../../src/import/formats';
import { aGenericRow, csvFile, inputErrorOf, tempFile } from './files';

const shop = { shopTimeZone: 'Europe/Berlin' };
const SHOPIFY_ORDERS = path.resolve(__dirname, '../../fixtures/shopify/orders_export_sample.csv');
const CDNOW = path.resolve(__dirname, '../../../samples/cdnow/CDNOW_sample.txt');

describe('an import of the wrong file', () => {
  it('says "no such file" for a path that does not exist', async () => {
    const error = await inputErrorOf(readOrders('/nonexistent/orders.csv', 'generic', shop));
    expect(error.message).toBe('/nonexistent/orders.csv: no such file');
  });

  it('suggests --format shopify for a Shopify orders export read as generic', async () => {
    const error = await inputErrorOf(readOrders(SHOPIFY_ORDERS, 'generic', shop));
    expect(error.message).toBe(`${SHOPIFY_ORDERS}:1: this looks like a Shopify orders export, not a generic orders file: import it with --format shopify`);
  });

  it('suggests --format generic for a generic orders file read as Shopify', async () => {
    const file = csvFile('orders.csv', [aGenericRow()]);
    const error = await inputErrorOf(readOrders(file, 'shopify', shop));
    expect(error.message).toBe(`${file}:1: this looks like a generic orders file, not a Shopify orders export: import it with --format generic`);
  });

  it('suggests --format cdnow for the CDNOW log read as CSV', async () => {
    const file = tempFile('cdnow.txt', readFileSync(CDNOW, 'utf8').split('\n').slice(0, 3).join('\n'));
    const error = await inputErrorOf(readOrders(file, 'generic', shop));
    expect(error.message).toBe(`${file}:1: this looks like the CDNOW purchase log, not a generic orders file: import it with --format cdnow`);
  });

  it('points a customers file given to `import orders` at `import customers`', async () => {
    const customers = tempFile('customers_export.csv', 'First Name,Last Name,Email,Accepts Email Marketing\nMaria,Rossi,maria@example.com,yes\n');
    expect((await inputErrorOf(readOrders(customers, 'generic', shop))).message).toBe(
      `${customers}:1: this looks like a Shopify customers export, not a generic orders file: import it with \`rekindle import customers FILE --format shopify\``,
    );
    const generic = tempFile('customers.csv', 'customer_id,email,first_name\nC-1,maria@example.com,Maria\n');
    expect((await inputErrorOf(readOrders(generic, 'generic', shop))).message).toBe(
      `${generic}:1: this looks like a generic customers file, not a generic orders file: import it with \`rekindle import customers FILE\``,
    );
  });

  it('names a semicolon-separated (or tab-separated) file as such', async () => {
    const semicolons = tempFile('orders.csv', 'order_id;customer_id;email;ordered_at;amount;currency\nA-1;C-1;a@example.com;2025-01-02;12,50;EUR\n');
    expect((await inputErrorOf(readOrders(semicolons, 'generic', shop))).message).toBe(
      `${semicolons}:1: the columns are separated by semicolons (;); Rekindle reads comma-separated CSV: save or export the file with commas as separators (and dots in amounts)`,
    );
    const tabs = tempFile('orders.tsv', 'order_id\tcustomer_id\temail\n');
    expect((await inputErrorOf(readOrders(tabs, 'generic', shop))).message).toMatch(/:1: the columns are separated by tabs; Rekindle reads comma-separated CSV/);
  });

  it('still names the missing column when the header is like no format it knows', async () => {
    const file = tempFile('orders.csv', 'order_id,email,amount,currency\nA-1,a@example.com,1.00,EUR\n');
    expect((await inputErrorOf(readOrders(file, 'generic', shop))).message).toBe(
      `${file}:1: ordered_at: missing column; the header must have ordered_at, like: order_id,customer_id,email,ordered_at,amount,currency`,
    );
  });
});
