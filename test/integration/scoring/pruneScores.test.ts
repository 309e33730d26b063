import { launchScoreDays } from '../../../src/campaigns/runControl';
import { fitModels } from '../../../src/scoring/fitService';
import { latestModel } from '../../../src/scoring/modelStore';
import { scoreCustomers } from '../../../src/scoring/scoreService';
import { pruneScores, SCORE_DAYS_KEPT } from '../../../src/scoring/scoreStore';
import { rescoreNightly } from '../../../src/scheduler/scheduler';
import type { Services } from '../../../src/wiring';
import { TestServices } from '../../support/services';
import { cdnowShop } from './cdnowShop';

const CUSTOMERS = 2357;
const june = (day: number) => `1998-06-${String(day).padStart(2, '0')}`;

describe('pruning stored scores', () => {
  let s: TestServices;
  beforeAll(async () => {
    // Berlin, so a launch late in the UTC evening belongs to the next day.
    s = await cdnowShop({ SHOP_TIMEZONE: 'Europe/Berlin' });
    await fitModels(s, { calibrationEnd: '1997-09-30' });
  });
  afterAll(() => s.dispose());

  it('keeps the last week of scored days and every day a campaign launched with', async () => {
    for (let day = 1; day <= 10; day++) await scoreCustomers(s, { asOf: june(day) });
    const { version } = await latestModel(s.db, 'USD');
    await s.db.write((tx) =>
      tx.query("INSERT INTO campaign_runs (campaign, definition, state, model_version, currency, launched_at) VALUES ('w', '{}', 'completed', $1, 'USD', '1998-06-01T22:30:00.000Z')", [version]),
    );
    const keep = await launchScoreDays(s.db, 'Europe/Berlin');
    expect(keep).toEqual([{ modelVersion: version, asOf: june(2) }]);

    expect(SCORE_DAYS_KEPT).toBe(7);
    expect(await pruneScores(s.db, june(10), keep)).toBe(2 * CUSTOMERS);
    const left: { as_of: string }[] = await s.db.reader.query('SELECT DISTINCT as_of FROM customer_scores ORDER BY as_of');
    expect(left.map((r) => r.as_of)).toEqual([2, 4, 5, 6, 7, 8, 9, 10].map(june));
  }, 120_000); // ten scorings of the CDNOW sample: over 30 s on PostgreSQL on a busy 2-core machine

  it('runs after the nightly rescore, which reports what it pruned', async () => {
    const tonight = { ...s, clock: () => new Date('1998-06-12T01:15:00.000Z') } as unknown as Services;
    expect(await rescoreNightly(tonight)).toEqual({ modelVersion: expect.any(Number), customers: CUSTOMERS, prunedScores: 2 * CUSTOMERS });
    const left: { as_of: string }[] = await s.db.reader.query('SELECT DISTINCT as_of FROM customer_scores ORDER BY as_of');
    expect(left.map((r) => r.as_of)).toEqual([2, 6, 7, 8, 9, 10, 12].map(june));
  });
});
