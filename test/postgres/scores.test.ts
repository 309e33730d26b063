/**
 * `score` stores on PostgreSQL as on SQLite (issue 16 changed the statements: offer ids bound
 * once per statement, the interval columns left out of a run without them): every stored figure
 * is the run's own, and a rescore without intervals clears them.
 */
import { CustomerScore } from '../../src/db/entities';
import { importOrders } from '../../src/import/importer';
import { fitModels } from '../../src/scoring/fitService';
import { scoreCustomers } from '../../src/scoring/scoreService';
import { cdnowOrders } from '../integration/scoring/cdnowShop';
import { ownPostgresDatabase } from '../support/postgresDatabase';
import { testServices, TestServices } from '../support/services';

describe('scores on PostgreSQL', () => {
  let s: TestServices;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const database = await ownPostgresDatabase('rekindle_test_scores');
    drop = database.drop;
    const clock = () => new Date('1998-07-01T09:00:00.000Z');
    s = await testServices({ DATABASE_URL: database.url, SHOP_CURRENCY: 'USD', SHOP_TIMEZONE: 'UTC', CAC: '30.00' }, clock);
    await importOrders(s.db, cdnowOrders(), { source: 'cdnow', file: 'CDNOW_sample.txt', now: clock });
    await fitModels(s, { calibrationEnd: '1997-09-30' });
  }, 120_000);
  afterAll(async () => {
    await s?.dispose();
    await drop?.();
  });

  const storedRows = async (modelVersion: number, asOf: string) =>
    new Map((await s.db.reader.getRepository(CustomerScore).findBy({ modelVersion, asOf })).map((row) => [row.customerId, row]));

  it('stores every customer\'s figures, offer and intervals as the run computed them; a run without intervals clears them', async () => {
    const run = await scoreCustomers(s);
    const { table } = run;
    expect(table.intervals).toBeDefined();
    let stored = await storedRows(run.modelVersion, run.asOf);
    expect(stored.size).toBe(table.length);
    const offers = new Set<string | null>();
    for (let i = 0; i < table.length; i++) {
      const row = stored.get(table.customerId[i]);
      const offer = table.offer[i] === -1 ? null : table.offerIds[table.offer[i]];
      offers.add(offer);
      expect([row?.pAlive, row?.expectedSpend, row?.offerId, row?.pAliveHigh]).toEqual([table.scores.pAlive[i], table.scores.expectedSpend[i], offer, table.intervals?.pAlive.high[i]]);
    }
    expect(offers.size).toBeGreaterThan(2);
    const again = await scoreCustomers(s, { intervals: false });
    stored = await storedRows(again.modelVersion, again.asOf);
    expect(stored.size).toBe(table.length);
    expect([...stored.values()].filter((row) => row.pAliveLow !== null || row.valueHighMinor !== null)).toEqual([]);
  }, 120_000);
});
