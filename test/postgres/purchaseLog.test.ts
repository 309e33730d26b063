/**
 * loadPurchaseLog on PostgreSQL (string_agg): the same log, to the last bit of every amount, as
 * a plain row-by-row read.
 */
import { expectReferenceLogs, insertShop } from '../support/purchaseLogShop';
import { ownPostgresDatabase } from '../support/postgresDatabase';
import { testServices, TestServices } from '../support/services';

describe('the purchase log on PostgreSQL', () => {
  let s: TestServices;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const database = await ownPostgresDatabase('rekindle_test_purchase_log');
    drop = database.drop;
    s = await testServices({ DATABASE_URL: database.url });
    await insertShop(s.db);
  }, 60_000);
  afterAll(async () => {
    await s?.dispose();
    await drop?.();
  });

  it('holds exactly the counted orders, same-day ones in order id order, across id pages, also for a few customers', async () => {
    await expectReferenceLogs(s.db);
  });
});
