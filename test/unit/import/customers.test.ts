import { readCustomers } from '../../../src/import/formats';
import { collect, csvFile, inputErrorOf, tempFile } from './files';

const options = { shopTimeZone: 'Europe/Berlin' };

describe('customers CSV', () => {
  it('reads the generic columns, identified by customer_id or email', async () => {
    const file = csvFile('customers.csv', [
      { customer_id: 'C1', email: ' Maria@Example.com', first_name: 'Maria', last_name: 'Schmidt', accepts_marketing: 'yes' },
      { customer_id: '', email: 'kim@example.com', first_name: '', last_name: '', accepts_marketing: '' },
    ]);
    const reader = readCustomers(file, 'generic', options);
    expect(await collect(reader)).toEqual([
      { externalId: 'C1', email: 'maria@example.com', firstName: 'Maria', lastName: 'Schmidt', consent: 'yes', line: 2 },
      { externalId: undefined, email: 'kim@example.com', firstName: undefined, lastName: undefined, consent: undefined, line: 3 },
    ]);
    expect(reader.rowsRead()).toBe(2);
  });

  it("reads Shopify's customers export, old and new consent column", async () => {
    const newer = tempFile('customers_export.csv', 'Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Phone\n7,Jürgen,Richter, Juergen@GMX.de ,no,\n');
    const older = tempFile('customers_export.csv', 'First Name,Last Name,Email,Accepts Marketing\nZoë,Meyer,zoe@example.org,yes\n');
    expect(await collect(readCustomers(newer, 'shopify', options))).toEqual([
      { externalId: undefined, email: 'juergen@gmx.de', firstName: 'Jürgen', lastName: 'Richter', consent: 'no', line: 2 },
    ]);
    expect((await collect(readCustomers(older, 'shopify', options)))[0]).toMatchObject({ email: 'zoe@example.org', consent: 'yes' });
  });

  it('names the line and column of a bad row', async () => {
    const noIdentity = csvFile('customers.csv', [{ customer_id: 'C1', email: '' }, { customer_id: '', email: '' }]);
    expect((await inputErrorOf(readCustomers(noIdentity, 'generic', options))).message).toBe(`${noIdentity}:3: customer_id: is empty, and so is email; a row needs one of them to say who the customer is`);
    const badEmail = tempFile('customers_export.csv', 'First Name,Email\nZoë,zoe.example.org\n');
    expect((await inputErrorOf(readCustomers(badEmail, 'shopify', options))).message).toBe(`${badEmail}:2: Email: "zoe.example.org" is not an email address like maria@example.com`);
    const noEmail = tempFile('customers_export.csv', 'First Name,Email\nZoë,\n');
    expect((await inputErrorOf(readCustomers(noEmail, 'shopify', options))).message).toBe(`${noEmail}:2: Email: is empty; the email identifies a Shopify customer`);
  });

  it('refuses a header without any identity column', async () => {
    const file = tempFile('customers.csv', 'first_name,last_name\nMaria,Schmidt\n');
    expect((await inputErrorOf(readCustomers(file, 'generic', options))).message).toMatch(/:1: customer_id: missing column; the header must have customer_id or email, like: customer_id,email,first_name/);
  });
});
