/**
 * A large run's score statements are built on a worker thread (issue 16). What it stores must be
 * what the calling thread stores, to the bit, with and without intervals; a value the builder
 * refuses there must fail the run and leave the previous scores as they were; and the thread
 * must end, or the process would not exit. Worker threads run only from the compiled code, so
 * this drives dist/ (npm test builds first) in a child process.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const DIST = path.resolve(__dirname, '../../../dist');

const script = `
const path = require('node:path');
const threads = require('node:worker_threads');
const Worker = threads.Worker;
const started = [];
threads.Worker = class extends Worker {
  constructor(file, options) {
    super(file, options);
    started.push(path.basename(String(file)));
  }
};
const { testServices } = require(${JSON.stringify(`${DIST}/test/support/services.js`)});
const { storeScores } = require(${JSON.stringify(`${DIST}/src/scoring/scoreStore.js`)});
const { scoreTable } = require(${JSON.stringify(`${DIST}/src/scoring/scoreTable.js`)});
const { saveModel } = require(${JSON.stringify(`${DIST}/src/scoring/modelStore.js`)});
const { defaultLadder } = require(${JSON.stringify(`${DIST}/src/scoring/defaultLadder.js`)});
const { Money } = require(${JSON.stringify(`${DIST}/src/domain/money.js`)});
const n = 30000;
let seed = 5;
const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
const x = new Float64Array(n), tx = new Float64Array(n), T = new Float64Array(n), monetary = new Float64Array(n);
for (let i = 0; i < n; i++) {
  T[i] = (Math.floor(random() * 1000) + 1) / 7;
  x[i] = random() < 0.4 ? 0 : Math.floor(random() * 12) + 1;
  tx[i] = x[i] === 0 ? 0 : Math.floor(random() * T[i] * 7) / 7;
  monetary[i] = x[i] === 0 ? 0 : 5 + random() * 120;
}
const MODEL = { bgnbd: { r: 0.25, alpha: 4, a: 0.8, b: 2.5 }, gammaGamma: { p: 6, q: 4, gamma: 15 } };
const summary = { unit: 'week', calibrationEnd: '2025-12-31', length: n, customer: Int32Array.from({ length: n }, (_, i) => i),
  firstDay: Int32Array.from({ length: n }, (_, i) => 19000 + (i % 900)), x, tx, T, monetary };
const policy = { currency: 'EUR', share: 0.5, cac: new Money('30'), zeroValue: 'exclude', makeGoodWithinCap: false };
const harms = new Map([[77, { incidentId: '3', whatHappened: 'late', makeGood: { kind: 'amount', amount: new Money('12.5') } }]]);
const columns = ['x', 'tx', 't', 'monetary', 'p_alive', 'expected_purchases', 'expected_spend', 'clv_as_is_minor', 'clv_if_won_minor', 'value_minor',
  'budget_minor', 'budget_rule', 'treatment', 'offer_id', 'last_order_day', 'scored_at', 'p_alive_low', 'p_alive_high', 'expected_purchases_low',
  'expected_purchases_high', 'clv_as_is_low_minor', 'clv_as_is_high_minor', 'clv_if_won_low_minor', 'clv_if_won_high_minor', 'value_low_minor', 'value_high_minor'];
(async () => {
  const s = await testServices();
  try {
    const values = Array.from({ length: n }, (_, i) => \`(\${i + 1}, 'c\${i + 1}', 'c\${i + 1}@example.com', 'unknown', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')\`);
    await s.db.write((tx) => tx.query('INSERT INTO customers (id, external_id, email, consent, created_at, updated_at) VALUES ' + values.join(', ')));
    const asFitted = (f) => ({ ...f, logLikelihood: 0, converged: true, hitBound: false, iterations: 0, starts: 0, agreeingStarts: 0, customers: n });
    const model = await saveModel(s.db, { fittedAt: '2026-01-01T00:00:00.000Z', calibrationEnd: '2025-12-31', timeUnit: 'week', currency: 'EUR', warnings: [],
      customers: n, repeatCustomers: 0, dataFrom: null, bgnbd: asFitted(MODEL.bgnbd), gammaGamma: asFitted(MODEL.gammaGamma) });
    const plain = await scoreTable({ summary, logCustomerIds: Int32Array.from({ length: n }, (_, i) => i + 1), model: MODEL,
      options: { unit: 'week', margin: 0.4 }, policy, ladder: defaultLadder('EUR', new Money('30')), harms });
    const band = (column, low, high) => ({ low: column.map((v) => v * low), high: column.map((v) => v * high) });
    const { pAlive, expectedPurchases, clvAsIs, clvIfWon, valueOfWinBack } = plain.scores;
    const withIntervals = { ...plain, intervals: { pAlive: band(pAlive, 0.8, 1.1), expectedPurchases: band(expectedPurchases, 0.7, 1.3),
      clvAsIs: band(clvAsIs, 0.6, 1.4), clvIfWon: band(clvIfWon, 0.6, 1.4), valueOfWinBack: band(valueOfWinBack, 0.5, 1.5) } };
    const key = (asOf) => ({ modelVersion: model.version, asOf, scoredAt: '2026-01-02T03:04:05.678Z' });
    const stored = async (asOf) => Number((await s.db.reader.query('SELECT count(*) AS n FROM customer_scores WHERE as_of = ?', [asOf]))[0].n);
    const differing = async (a, b) => Number((await s.db.reader.query(
      'SELECT count(*) AS n FROM customer_scores a JOIN customer_scores b ON b.model_version = a.model_version AND b.customer_id = a.customer_id AND b.as_of = ? ' +
      'WHERE a.as_of = ? AND NOT (' + columns.map((c) => 'a.' + c + ' IS b.' + c).join(' AND ') + ')', [b, a]))[0].n);
    await storeScores(s.db, plain, key('2025-01-01'), undefined, { threadFrom: Infinity });
    const inline = started.length;
    await storeScores(s.db, plain, key('2025-01-02'), undefined, { threadFrom: 1 });
    await storeScores(s.db, withIntervals, key('2025-01-03'), undefined, { threadFrom: Infinity });
    await storeScores(s.db, withIntervals, key('2025-01-04'), undefined, { threadFrom: 1 });
    const intervalsDiffer = await differing('2025-01-03', '2025-01-04');
    // A rescore without intervals clears them, on the thread too.
    await storeScores(s.db, plain, key('2025-01-04'), undefined, { threadFrom: 1 });
    const [cleared] = await s.db.reader.query("SELECT count(*) AS n FROM customer_scores WHERE as_of = '2025-01-04' AND value_high_minor IS NULL");
    const broken = { ...withIntervals, scores: { ...plain.scores, pAlive: Float64Array.from(pAlive, (v, i) => (i === 25001 ? NaN : v)) } };
    // Stamped with another time: had the statements before the refused row stayed, their rows would say so.
    const failure = await storeScores(s.db, broken, { ...key('2025-01-03'), scoredAt: '2026-02-02T00:00:00.000Z' }, undefined, { threadFrom: 1 })
      .then(() => 'stored', (e) => e.constructor.name + ': ' + e.message);
    // A customer that does not exist: the thread's own connection proves the references and stores nothing.
    const orphaned = { ...plain, customerId: Int32Array.from(plain.customerId, (id, i) => (i === 29999 ? n + 5 : id)) };
    const orphanFailure = await storeScores(s.db, orphaned, key('2025-01-05'), undefined, { threadFrom: 1 }).then(() => 'stored', (e) => e.constructor.name);
    // A write of this process asked for while the thread stores waits for it, rather than meeting SQLite's lock.
    const storing = storeScores(s.db, plain, key('2025-01-06'), undefined, { threadFrom: 1 });
    const beside = await s.db.write((tx) => tx.query("SELECT count(*) AS n FROM customer_scores WHERE as_of = '2025-01-06'"));
    await storing;
    const [restamped] = await s.db.reader.query("SELECT count(*) AS n FROM customer_scores WHERE scored_at = '2026-02-02T00:00:00.000Z'");
    const [{ offers }] = await s.db.reader.query("SELECT count(DISTINCT offer_id) AS offers FROM customer_scores WHERE as_of = '2025-01-02'");
    const [{ makeGood }] = await s.db.reader.query("SELECT offer_id AS makeGood FROM customer_scores WHERE as_of = '2025-01-02' AND customer_id = 77");
    console.log(JSON.stringify({
      inline, threads: started,
      stored: [await stored('2025-01-01'), await stored('2025-01-02'), await stored('2025-01-03'), await stored('2025-01-04')],
      plainDiffer: await differing('2025-01-01', '2025-01-02'),
      intervalsDiffer,
      intervalsThere: Number((await s.db.reader.query("SELECT count(*) AS n FROM customer_scores WHERE as_of = '2025-01-03' AND value_high_minor IS NOT NULL"))[0].n),
      cleared: Number(cleared.n), clearedDiffer: await differing('2025-01-01', '2025-01-04'),
      failure, restamped: Number(restamped.n),
      intervalsStill: Number((await s.db.reader.query("SELECT count(*) AS n FROM customer_scores WHERE as_of = '2025-01-03' AND value_high_minor IS NOT NULL"))[0].n),
      offers: Number(offers), makeGood,
      orphanFailure, orphansStored: await stored('2025-01-05'), beside: Number(beside[0].n), storedBeside: await stored('2025-01-06'),
    }));
  } finally {
    await s.dispose();
  }
})();
`;

describe('building the score statements on a worker thread', () => {
  it('stores what the calling thread stores, fails as it does, and ends with the run', () => {
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 120_000 });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const result = JSON.parse(child.stdout);
    expect(result).toEqual({
      inline: 0,
      threads: Array(6).fill('statementThread.js'),
      stored: [30000, 30000, 30000, 30000],
      plainDiffer: 0,
      intervalsDiffer: 0,
      intervalsThere: 30000,
      cleared: 30000,
      clearedDiffer: 0,
      failure: 'RangeError: NaN is not a number a score column can hold',
      restamped: 0,
      intervalsStill: 30000,
      offers: expect.any(Number),
      makeGood: 'make-good:3',
      orphanFailure: 'ConflictError',
      orphansStored: 0,
      beside: 30000,
      storedBeside: 30000,
    });
    expect(result.offers).toBeGreaterThan(2);
  });
});
