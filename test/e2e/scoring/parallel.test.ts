/**
 * Budgets and offers decided on worker threads equal those decided on one thread. Workers run
 * only from the compiled code, so this drives dist/ (npm test builds first) in a child process.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const DIST = path.resolve(__dirname, '../../../dist/src');

const script = `
const { scoreTable } = require(${JSON.stringify(`${DIST}/scoring/scoreTable.js`)});
const { defaultLadder } = require(${JSON.stringify(`${DIST}/scoring/defaultLadder.js`)});
const { Money } = require(${JSON.stringify(`${DIST}/domain/money.js`)});
const n = 30000;
let seed = 11;
const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
const x = new Float64Array(n), tx = new Float64Array(n), T = new Float64Array(n), monetary = new Float64Array(n);
for (let i = 0; i < n; i++) {
  T[i] = Math.floor(random() * 150) + 1;
  x[i] = random() < 0.5 ? 0 : Math.floor(random() * 12) + 1;
  tx[i] = x[i] === 0 ? 0 : Math.floor(random() * T[i]);
  monetary[i] = x[i] === 0 ? 0 : 5 + random() * 120;
}
const summary = { unit: 'week', calibrationEnd: '2025-12-31', length: n, customer: Int32Array.from({ length: n }, (_, i) => i),
  firstDay: new Int32Array(n).fill(20000), x, tx, T, monetary };
const policy = { currency: 'EUR', share: 0.5, cac: new Money('30'), perCustomerCap: new Money('25'), zeroValue: 'exclude', makeGoodWithinCap: false };
const harms = new Map([
  [7, { incidentId: '1', whatHappened: 'late', makeGood: { kind: 'amount', amount: new Money('15.5') } }],
  [29999, { incidentId: '2', whatHappened: 'overcharged', harmedAmount: new Money('42'), makeGood: { kind: 'percent_of_harm', percent: 50 } }],
]);
const input = { summary, logCustomerIds: Int32Array.from({ length: n }, (_, i) => i + 1), model: { bgnbd: { r: 0.25, alpha: 4, a: 0.8, b: 2.5 }, gammaGamma: { p: 6, q: 4, gamma: 15 } },
  options: { unit: 'week', margin: 0.4 }, policy, ladder: defaultLadder('EUR', new Money('30')), harms };
(async () => {
  const one = await scoreTable({ ...input, parallelFrom: Infinity });
  const many = await scoreTable({ ...input, parallelFrom: 1 });
  const ids = (t) => Array.from(t.offer, (o) => (o === -1 ? null : t.offerIds[o]));
  console.log(JSON.stringify({
    budgets: Array.from(one.budgetMinor).join() === Array.from(many.budgetMinor).join(),
    rules: one.rule.join() === many.rule.join(),
    treatments: one.treatment.join() === many.treatment.join(),
    offers: JSON.stringify(ids(one)) === JSON.stringify(ids(many)),
    makeGoods: [ids(many)[6], ids(many)[29998]],
    offered: ids(one).filter(Boolean).length,
  }));
})();
`;

describe('deciding on worker threads', () => {
  it('gives every customer the budget and offer one thread gives them', () => {
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(child.stderr).toBe('');
    const result = JSON.parse(child.stdout);
    expect(result).toEqual({ budgets: true, rules: true, treatments: true, offers: true, makeGoods: ['make-good:1', 'make-good:2'], offered: expect.any(Number) });
    expect(result.offered).toBeGreaterThan(5000);
  });
});
