import { importOrders } from '../../../src/import/importer';
import { fitModels } from '../../../src/scoring/fitService';
import { CustomerScore } from '../../../src/db/entities';
import { scoreCustomers, ScoreRow, scoreRows } from '../../../src/scoring/scoreService';
import { storeScores } from '../../../src/scoring/scoreStore';
import { anOrder } from '../../support/orders';
import { testServices, TestServices } from '../../support/services';

/** (x, t_x, T) in weeks at the calibration end, 2025-07-01. */
const HISTORIES = [
  [2, 1, 18],
  [3, 28, 29],
  [2, 3, 3],
];
const END = Date.UTC(2025, 6, 1);

/**
 * Three customers who stopped buying after two or three repeat purchases: the BG/NBD fit runs
 * a and b to the box (each over 100,000: nobody differs in how likely they are to drop out),
 * where `score` threw "statistic NaN cannot become money" (issue 14).
 */
async function lapsedShop(): Promise<TestServices> {
  const clock = () => new Date('2025-07-02T09:00:00.000Z');
  const s = await testServices({ SHOP_CURRENCY: 'EUR', SHOP_TIMEZONE: 'UTC' }, clock);
  const orders = HISTORIES.flatMap(([x, tx, T], c) => {
    const first = END - T * 7 * 86_400_000;
    return Array.from({ length: x + 1 }, (_, k) => {
      const day = new Date(first + Math.round((k === x ? tx * 7 : k) * 86_400_000)).toISOString().slice(0, 10);
      return anOrder({ orderId: `tiny-${c}-${k}`, customer: { email: `lapsed${c}@example.com` }, orderedAt: `${day}T10:00:00.000Z`, orderedDay: day, amountMinor: 2000 + 150 * c });
    });
  });
  await importOrders(s.db, orders, { source: 'generic', file: 'tiny.csv', now: clock });
  return s;
}

describe('a tiny shop whose purchase model sits at the box', () => {
  let s: TestServices;
  beforeAll(async () => (s = await lapsedShop()));
  afterAll(() => s.dispose());

  it('scores every customer with finite numbers instead of throwing', async () => {
    const fit = await fitModels(s, { calibrationEnd: '2025-07-01' });
    expect(fit.warnings.map((w) => w.code)).toContain('bgnbd-at-bound');
    expect(fit.bgnbd.a).toBeGreaterThan(1e5);
    const run = await scoreCustomers(s);
    const rows: ScoreRow[] = [];
    for await (const row of scoreRows(s.db, run)) rows.push(row);
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(Number.isFinite(row.pAlive)).toBe(true);
      expect(row.valueOfWinBack).toMatch(/^\d+\.\d{2}$/);
      expect(row.budget).toMatch(/^\d+\.\d{2}$/);
    }
  });

  it('stores nothing when a score names a customer who is gone, though foreign keys are checked once per run', async () => {
    const run = await scoreCustomers(s, { asOf: '2025-06-30' });
    const customerId = Int32Array.from(run.table.customerId);
    customerId[1] = 999_999;
    // SQLite's bulk write turns foreign keys off and checks once, naming the count; PostgreSQL checks each row as always.
    await expect(storeScores(s.db, { ...run.table, customerId }, { modelVersion: run.modelVersion, asOf: '2025-06-29', scoredAt: '2025-07-02T09:00:00.000Z' })).rejects.toThrow(
      s.db.bulkSkipsForeignKeys ? '1 scores name a customer or model that is gone' : /violates foreign key constraint/,
    );
    expect(await s.db.reader.getRepository(CustomerScore).countBy({ asOf: '2025-06-29' })).toBe(0);
  });
});

