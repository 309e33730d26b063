import { CustomerScore } from '../../../src/db/entities';
import { computeBudget } from '../../../src/domain/budget';
import { minorToMoney, moneyFromStatistic } from '../../../src/domain/money';
import { budgetPolicy } from '../../../src/scoring/settings';
import { adviseCustomer } from '../../../src/scoring/adviceService';
import { adviceLines } from '../../../src/scoring/text';
import { scoreCustomers, ScoreRow, scoreRows } from '../../../src/scoring/scoreService';
import { fitModels } from '../../../src/scoring/fitService';
import { TestServices } from '../../support/services';
import { cdnowShop, fittedCdnowShop } from './cdnowShop';

async function rowsOf(s: TestServices, run: Awaited<ReturnType<typeof scoreCustomers>>): Promise<ScoreRow[]> {
  const rows: ScoreRow[] = [];
  for await (const row of scoreRows(s.db, run)) rows.push(row);
  return rows;
}

describe('score with 90% intervals (issue 14 part 2 and 3)', () => {
  let s: TestServices;
  beforeAll(async () => (s = await fittedCdnowShop()));
  afterAll(() => s.dispose());

  it('adds each figure\'s interval after the existing keys, holding the estimate, and stores it', async () => {
    const run = await scoreCustomers(s);
    expect(run.intervals).toEqual({ level: 0.9, draws: 200, seed: 14, covers: expect.stringContaining('not the randomness') });
    expect(run.budgetBasis).toBe('estimate');
    const rows = await rowsOf(s, run);
    const repeat = rows.find((r) => r.x >= 3) as ScoreRow;
    expect(Object.keys(repeat).slice(0, 14)).toEqual(['customerId', 'email', 'x', 'tx', 'T', 'monetary', 'pAlive', 'expectedPurchases', 'expectedSpend', 'clvAsIs', 'clvIfWon', 'valueOfWinBack', 'budget', 'offer']);
    for (const row of rows) {
      expect(row.valueOfWinBackLow).toMatch(/^\d+\.\d{2}$/);
      expect(Number(row.valueOfWinBackLow)).toBeLessThanOrEqual(Number(row.valueOfWinBack) + 0.01);
      expect(Number(row.valueOfWinBackHigh)).toBeGreaterThanOrEqual(Number(row.valueOfWinBack) - 0.01);
      expect(row.pAliveLow as number).toBeLessThanOrEqual(row.pAlive + 1e-4);
    }
    expect(Number(repeat.clvIfWonHigh)).toBeGreaterThan(Number(repeat.clvIfWonLow));
    const stored = await s.db.reader.getRepository(CustomerScore).findOneByOrFail({ customerId: repeat.customerId, modelVersion: run.modelVersion, asOf: run.asOf });
    expect([stored.valueLowMinor, stored.valueHighMinor]).toEqual([Math.round(Number(repeat.valueOfWinBackLow) * 100), Math.round(Number(repeat.valueOfWinBackHigh) * 100)]);
    expect(stored.pAliveLow).toBe(run.table.intervals?.pAlive.low[run.table.customerId.indexOf(repeat.customerId)]);

    const again = await rowsOf(s, await scoreCustomers(s));
    expect(again.map((r) => r.valueOfWinBackLow)).toEqual(rows.map((r) => r.valueOfWinBackLow));
  });

  it('explain gives the same intervals as score, in words, and both budgets', async () => {
    const run = await scoreCustomers(s);
    const row = (await rowsOf(s, run)).find((r) => r.email === 'cdnow-1234@example.com') as ScoreRow;
    const advice = await adviseCustomer(s, 'cdnow-1234@example.com');
    expect(advice.intervals).toMatchObject({ level: 0.9, valueOfWinBack: [row.valueOfWinBackLow, row.valueOfWinBackHigh], clvIfWon: [row.clvIfWonLow, row.clvIfWonHigh] });
    expect(advice.budgets).toEqual({ basis: 'estimate', estimate: row.budget, lower: expect.stringMatching(/^\d+\.\d{2}$/) });
    expect(advice.sentences.join(' ')).toContain(`Winning them back is worth ${row.valueOfWinBack} USD (90% interval ${row.valueOfWinBackLow} to ${row.valueOfWinBackHigh} USD).`);
    expect(adviceLines(advice).join('\n')).toContain(`BUDGET_BASIS=estimate applies`);
  });

  it('--no-intervals leaves them null, in the rows and the table', async () => {
    const run = await scoreCustomers(s, { intervals: false });
    expect(run.intervals).toBeNull();
    const [row] = await rowsOf(s, run);
    expect([row.pAliveLow, row.valueOfWinBackHigh]).toEqual([null, null]);
    const stored = await s.db.reader.getRepository(CustomerScore).findOneByOrFail({ customerId: row.customerId, modelVersion: run.modelVersion, asOf: run.asOf });
    expect(stored.valueLowMinor).toBeNull();
  });
});

describe('BUDGET_BASIS=lower', () => {
  let s: TestServices;
  beforeAll(async () => {
    s = await cdnowShop({ CAC: '30.00', WINBACK_SHARE: 0.5, GROSS_MARGIN: 0.4, BUDGET_BASIS: 'lower' });
    await fitModels(s, { calibrationEnd: '1997-09-30' });
  });
  afterAll(() => s.dispose());

  it('sizes every budget on the lower end of the value of winning back', async () => {
    const run = await scoreCustomers(s);
    expect(run.budgetBasis).toBe('lower');
    const policy = budgetPolicy(s.config);
    const { table } = run;
    const low = table.intervals!.valueOfWinBack.low;
    let cautious = 0;
    for (let i = 0; i < table.length; i++) {
      const budget = minorToMoney(table.budgetMinor[i], 'USD');
      expect([i, budget.toFixed(2)]).toEqual([i, computeBudget(moneyFromStatistic(low[i]), policy).amount.toFixed(2)]);
      if (computeBudget(moneyFromStatistic(table.scores.valueOfWinBack[i]), policy).amount.gt(budget)) cautious++;
    }
    expect(cautious).toBeGreaterThan(100);
  });

  it('the advisor sizes the offer on the lower end and names both budgets', async () => {
    const run = await scoreCustomers(s);
    const row = (await rowsOf(s, run)).find((r) => r.email === 'cdnow-1234@example.com') as ScoreRow;
    const advice = await adviseCustomer(s, 'cdnow-1234@example.com');
    expect(advice.budgets.basis).toBe('lower');
    expect([advice.steps.budget, advice.steps.budgetBasis, advice.offer?.id ?? null]).toEqual([row.budget, 'lower', row.offer]);
    expect(advice.budgets.lower).toBe(row.budget);
    expect(advice.sentences.join(' ')).toContain(`We size offers on the cautious end of that interval: the budget is ${row.budget} USD, where the estimate alone would allow ${advice.budgets.estimate} USD.`);
  });

  it('falls back to the estimate, and says so, when there are no intervals', async () => {
    const run = await scoreCustomers(s, { intervals: false });
    expect(run.budgetBasis).toBe('estimate');
  });
});
