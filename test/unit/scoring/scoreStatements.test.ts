/**
 * A run whose (model version, as-of day) has no stored scores yet is written with plain INSERTs
 * (StatementContext.fresh): SQLite ran them in 15-25% less CPU than the upsert. Every other run
 * upserts, and both write the same row literals.
 */
import { isoDay } from '../../../src/domain/rfm';
import { statisticToMinor } from '../../../src/scoring/minorUnits';
import { RULES, TREATMENTS } from '../../../src/scoring/scoreTable';
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

  it('writes offer ids as literals when asked (no parameters: the thread store runs it by exec), quotes doubled, and binds them when one is not printable ASCII', () => {
    const quoted = statementBuilder({ ...context, offerIds: ["it's-on-us"], inline: true })(rows);
    expect(quoted.params).toEqual([]);
    expect(quoted.sql).toBe(statementBuilder({ ...context, offerIds: ["it's-on-us"] })(rows).sql.replace('?1', "'it''s-on-us'"));
    const accented = statementBuilder({ ...context, offerIds: ['café-10'], inline: true })(rows);
    expect(accented.params).toEqual(['café-10']);
    expect(accented.sql).toContain('?1');
  });
});

describe('score statement text', () => {
  // What every row was written as before the builder wrote bytes (issue 16): one template per row.
  const literal = (v: number) => (Number.isSafeInteger(v) ? String(v) : v.toPrecision(17));
  const minor = (v: number) => String(statisticToMinor(v, 'EUR'));
  const quoted = (t: string) => `'${t}'`;
  function expected(c: StatementContext, r: StatementRows): string {
    const param = (k: number) => (c.dialect === 'postgres' ? `$${k + 1}` : `?${k + 1}`);
    const bound: number[] = [];
    const rows = Array.from(r.customerId, (id, i) => {
      const o = r.offer[i];
      const offer = o === -1 ? 'NULL' : param(bound.includes(o) ? bound.indexOf(o) : bound.push(o) - 1);
      const ends = (r.intervals ?? []).map((column, k) => (k < 4 ? literal(column[i]) : minor(column[i])));
      return `(${[c.modelVersion, quoted(c.asOf), id, r.x[i], literal(r.tx[i]), literal(r.T[i]), literal(r.monetary[i]), literal(r.pAlive[i]),
        literal(r.expectedPurchases[i]), literal(r.expectedSpend[i]), minor(r.clvAsIs[i]), minor(r.clvIfWon[i]), minor(r.valueOfWinBack[i]),
        r.budgetMinor[i], quoted(RULES[r.rule[i]]), quoted(TREATMENTS[r.treatment[i]]), offer, quoted(isoDay(r.lastDay[i])), quoted(c.scoredAt), ...ends].join(', ')})`;
    });
    return rows.join(', ');
  }

  it('writes each row as the plain template did, for many varied rows, with and without intervals, on both dialects', () => {
    let seed = 11;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    // Doubles over many magnitudes and both signs; whole numbers past 2^31 too.
    const anyDouble = () => (random() < 0.1 ? Math.round(random() * 2 ** 40) : (random() - 0.3) * 10 ** Math.floor(random() * 12 - 6));
    const n = 3000;
    const column = (make: () => number) => Float64Array.from({ length: n }, make);
    const r: StatementRows = {
      customerId: Int32Array.from({ length: n }, (_, i) => i * 7919 + 1), x: column(() => Math.floor(random() * 40)),
      tx: column(() => Math.floor(random() * 900) / 7), T: column(() => (random() < 0.01 ? random() * 100 : Math.floor(random() * 900) / 7)),
      monetary: column(anyDouble), pAlive: column(random), expectedPurchases: column(anyDouble), expectedSpend: column(anyDouble),
      clvAsIs: column(anyDouble), clvIfWon: column(anyDouble), valueOfWinBack: column(anyDouble), budgetMinor: column(() => Math.floor(random() * 2 ** 42) - 2 ** 20),
      rule: Uint8Array.from({ length: n }, () => Math.floor(random() * RULES.length)), treatment: Uint8Array.from({ length: n }, () => Math.floor(random() * TREATMENTS.length)),
      offer: Int32Array.from({ length: n }, () => Math.floor(random() * 4) - 1), lastDay: Int32Array.from({ length: n }, () => 18_000 + Math.floor(random() * 3000)),
    };
    const withEnds = { ...r, intervals: Array.from({ length: 10 }, () => column(anyDouble)) };
    const offers = { offerIds: ['save-10', 'save-20', 'make-good:3'] };
    for (const c of [{ ...context, ...offers, fresh: true }, { ...context, ...offers, dialect: 'postgres' as const }]) {
      const plain = statementBuilder(c)(r);
      expect(plain.sql).toContain(` VALUES ${expected(c, r)}`);
      expect(plain.sql.endsWith(c.fresh ? ')' : 'value_high_minor = excluded.value_high_minor')).toBe(true);
      expect(plain.params).toEqual(expect.arrayContaining(offers.offerIds));
      const ends = statementBuilder({ ...c, intervals: true })(withEnds);
      expect(ends.sql).toContain(` VALUES ${expected(c, withEnds)}`);
    }
  });

  it('refuses a value that is not a whole number where one is stored, naming it', () => {
    const broken = { ...rows, budgetMinor: floats(0, 2.5) };
    expect(() => statementBuilder(context)(broken)).toThrow(new RangeError('2.5 is not a whole number a score column can hold'));
    expect(() => statementBuilder(context)({ ...rows, pAlive: floats(0.5, Infinity) })).toThrow(new RangeError('Infinity is not a number a score column can hold'));
  });
});
