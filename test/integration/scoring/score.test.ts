import { CustomerScore } from '../../../src/db/entities';
import { customerLifetimeValue } from '../../../src/domain/clv';
import { adviseCustomer } from '../../../src/scoring/adviceService';
import { latestScores } from '../../../src/scoring/audienceScores';
import { fitModels } from '../../../src/scoring/fitService';
import { latestModel } from '../../../src/scoring/modelStore';
import { scoreCustomers, ScoreRow, scoreRows } from '../../../src/scoring/scoreService';
import { TestServices } from '../../support/services';
import { cdnowShop, fittedCdnowShop } from './cdnowShop';

async function rowsOf(s: TestServices, run: Awaited<ReturnType<typeof scoreCustomers>>): Promise<ScoreRow[]> {
  const rows: ScoreRow[] = [];
  for await (const row of scoreRows(s.db, run)) rows.push(row);
  return rows;
}

/** CDNOW customer 1234: nine purchase days by 1997-09-30, the last on 1997-07-27. */
const KNOWN = 'cdnow-1234@example.com';

describe('score on the CDNOW sample', () => {
  let s: TestServices;
  beforeAll(async () => (s = await fittedCdnowShop()));
  afterAll(() => s.dispose());

  it('refuses before a model is fitted, naming the command to run', async () => {
    const empty = await cdnowShop();
    try {
      await expect(scoreCustomers(empty)).rejects.toThrow('no model has been fitted yet: run `rekindle fit` first');
      await expect(adviseCustomer(empty, KNOWN)).rejects.toThrow('run `rekindle fit` first');
    } finally {
      await empty.dispose();
    }
  });

  it('scores every customer with the stored model and stores the scores under its version', async () => {
    const run = await scoreCustomers(s);
    const model = await latestModel(s.db, 'USD');
    expect(run).toMatchObject({ modelVersion: model.version, asOf: '1997-09-30', currency: 'USD', timeUnit: 'week', horizon: 52, months: 12, discountRate: 0.01, margin: 0.4 });
    const rows = await rowsOf(s, run);
    expect(rows).toHaveLength(2357);
    const row = rows.find((r) => r.email === KNOWN) as ScoreRow;
    expect(Object.keys(row).slice(0, 14)).toEqual(['customerId', 'email', 'x', 'tx', 'T', 'monetary', 'pAlive', 'expectedPurchases', 'expectedSpend', 'clvAsIs', 'clvIfWon', 'valueOfWinBack', 'budget', 'offer']);
    const clv = customerLifetimeValue(model, { x: row.x, tx: row.tx, T: row.T, monetary: Number(row.monetary) }, { unit: 'week', margin: 0.4 });
    expect(Number(row.clvIfWon)).toBeCloseTo(clv.ifWon, 1);
    expect(Number(row.clvAsIs)).toBeCloseTo(clv.asIs, 1);
    expect(row.budget).toMatch(/^\d+\.\d{2}$/);

    const stored = await s.db.reader.getRepository(CustomerScore).findOneByOrFail({ customerId: row.customerId, modelVersion: run.modelVersion, asOf: '1997-09-30' });
    expect(stored).toMatchObject({ x: row.x, budgetMinor: Math.round(Number(row.budget) * 100), offerId: row.offer, lastOrderDay: expect.stringMatching(/^1997-/) });
    expect(await s.db.reader.getRepository(CustomerScore).count()).toBe(2357);
  });

  it('stores every float exactly as computed, though it travels as SQL text', async () => {
    const run = await scoreCustomers(s);
    const stored = await s.db.reader.getRepository(CustomerScore).find({ where: { modelVersion: run.modelVersion, asOf: run.asOf }, order: { customerId: 'ASC' } });
    const { summary, scores } = run.table;
    const columns = { tx: summary.tx, T: summary.T, monetary: summary.monetary, pAlive: scores.pAlive, expectedPurchases: scores.expectedPurchases, expectedSpend: scores.expectedSpend };
    for (const [name, column] of Object.entries(columns)) {
      expect([name, stored.map((row) => row[name as keyof typeof columns])]).toEqual([name, Array.from(column)]);
    }
  });

  it('rescoring the same model and day updates in place; another day is stored beside it', async () => {
    await scoreCustomers(s, { margin: 0.4 });
    await scoreCustomers(s, { asOf: '1998-06-30' });
    const repo = s.db.reader.getRepository(CustomerScore);
    expect(await repo.count()).toBe(2 * 2357);
    expect(await repo.countBy({ asOf: '1998-06-30' })).toBe(2357);
  });

  it('keeps the numbers a campaign launched with when a later fit comes', async () => {
    const before = await latestScores(s, { asOf: '1997-09-30' });
    await fitModels(s, { calibrationEnd: '1998-03-31' });
    const repo = s.db.reader.getRepository(CustomerScore);
    const old = await repo.findOneByOrFail({ modelVersion: before.modelVersion, asOf: '1997-09-30', customerId: before.scores[0].customerId });
    expect(old.valueMinor).toBe(Number(before.scores[0].valueOfWinBack.mul(100)));
    const after = await latestScores(s, { asOf: '1997-09-30' });
    expect(after.modelVersion).toBeGreaterThan(before.modelVersion);
  });

  it('latestScores filters on plain numbers before building money, and reuses stored scores', async () => {
    const lapsed = await latestScores(s, { asOf: '1998-06-30', filter: (c) => c.lastOrderDay < '1997-06-01' && c.x >= 1 });
    expect(lapsed.scores.length).toBeGreaterThan(100);
    for (const score of lapsed.scores) {
      expect(score.lastOrderDay < '1997-06-01').toBe(true);
      expect(score.budget.lte(30)).toBe(true);
      expect(score.valueOfWinBack.decimalPlaces()).toBeLessThanOrEqual(2);
    }
    const again = await latestScores(s, { asOf: '1998-06-30', filter: (c) => c.lastOrderDay < '1997-06-01' && c.x >= 1 });
    expect(again.scores.map((x) => x.budget.toString())).toEqual(lapsed.scores.map((x) => x.budget.toString()));
  });
});
