/** `rekindle fit | score | explain | validate` through the built CLI, on the CDNOW sample. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rekindle } from '../../support/cli';
import { testDatabaseUrlSync } from '../../support/testDatabase';

const CDNOW = path.resolve(__dirname, '../../../samples/cdnow/CDNOW_sample.txt');

function cdnowShop() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rekindle-cli-scoring-'));
  const env = { DATABASE_URL: testDatabaseUrlSync(dir, 'shop.sqlite'), SHOP_CURRENCY: 'USD', SHOP_TIMEZONE: 'UTC' };
  const run = (...args: string[]) => rekindle(args, env, dir);
  expect(run('import', 'orders', CDNOW, '--format', 'cdnow', '--json').status).toBe(0);
  return { dir, run };
}

describe('the lifetime-value commands', () => {
  let shop: ReturnType<typeof cdnowShop>;
  beforeAll(() => (shop = cdnowShop()));

  it('refuse to score or explain before a fit, in one line', () => {
    const score = shop.run('score');
    expect(score.status).toBe(1);
    expect(score.stderr.trim()).toBe('rekindle: no model has been fitted yet: run `rekindle fit` first (after importing orders)');
    expect(shop.run('explain', '1234').status).toBe(1);
  });

  it('fit --json prints one document with the published estimates', () => {
    const fit = shop.run('fit', '--calibration-end', '1997-09-30', '--json');
    expect(fit.status).toBe(0);
    const json = fit.json();
    expect(Object.keys(json)).toEqual(['bgnbd', 'gammaGamma', 'customers', 'repeatCustomers', 'calibrationEnd', 'timeUnit', 'modelVersion', 'warnings', 'purchaseModel']);
    expect(json.bgnbd.r).toBeCloseTo(0.2426, 3);
    expect(json.gammaGamma.q).toBeCloseTo(3.744, 2);
    expect(Object.keys(json.bgnbd)).toEqual(['r', 'alpha', 'a', 'b', 'logLikelihood', 'converged', 'standardErrors', 'covariance', 'intervals']);
    expect(Object.keys(json.gammaGamma)).toEqual(['p', 'q', 'gamma', 'logLikelihood', 'converged', 'standardErrors', 'covariance', 'intervals']);
    expect(json.bgnbd.intervals.r[0]).toBeLessThan(json.bgnbd.r);
    expect(json.bgnbd.standardErrors.r).toBeGreaterThan(0);
    expect(json).toMatchObject({ customers: 2357, repeatCustomers: 946, calibrationEnd: '1997-09-30', timeUnit: 'week', modelVersion: 1 });
  });

  it('fit prints words, caveats included', () => {
    const fit = shop.run('fit', '--calibration-end', '1997-09-30');
    expect(fit.status).toBe(0);
    expect(fit.stdout).toContain('Purchase model (BG/NBD): r = 0.242594, alpha = 4.4136, a = 0.792924, b = 2.42591');
    expect(fit.stdout).toContain('Caveats:\n  - The orders cover 39 weeks');
    expect(fit.stdout).toMatch(/\n  95% intervals from parameter uncertainty: r 0\.\d+ to 0\.\d+ \(se 0\.\d+\), alpha /);
    expect(fit.stdout).toMatch(/\n  95% intervals from parameter uncertainty: p \d+(\.\d+)? to \d+(\.\d+)? \(se /);
  });

  it('score --json and --csv give one row per customer; both at once is a usage error', () => {
    const json = shop.run('score', '--json');
    expect(json.status).toBe(0);
    const doc = json.json();
    expect(doc).toMatchObject({ modelVersion: 2, asOf: '1997-09-30', currency: 'USD', customers: 2357 });
    expect(doc.rows).toHaveLength(2357);
    expect(doc.rows.find((row: { email: string }) => row.email === 'cdnow-1234@example.com')).toMatchObject({
      x: 8, pAlive: 0.5177, valueOfWinBack: '57.52', valueOfWinBackLow: expect.stringMatching(/^\d+\.\d{2}$/), valueOfWinBackHigh: expect.stringMatching(/^\d+\.\d{2}$/),
    });
    expect(doc).toMatchObject({ intervals: { level: 0.9, draws: 200, seed: 14 }, budgetBasis: 'estimate' });
    const plain = shop.run('score', '--json', '--no-intervals').json();
    expect([plain.intervals, plain.rows[0].valueOfWinBackLow]).toEqual([null, null]);

    const csv = shop.run('score', '--csv', '--margin', '0.5', '--as-of', '1998-06-30');
    expect(csv.status).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe(
      'customerId,email,x,tx,T,monetary,pAlive,expectedPurchases,expectedSpend,clvAsIs,clvIfWon,valueOfWinBack,budget,offer,' +
        'pAliveLow,pAliveHigh,expectedPurchasesLow,expectedPurchasesHigh,clvAsIsLow,clvAsIsHigh,clvIfWonLow,clvIfWonHigh,valueOfWinBackLow,valueOfWinBackHigh',
    );
    expect(lines).toHaveLength(2358);
    expect(shop.run('score', '--json', '--csv').status).toBe(2);
  });

  it('score --csv escapes a cell a spreadsheet would run as a formula, and keeps numbers numbers', () => {
    const file = path.join(shop.dir, 'formula.csv');
    writeFileSync(file, 'order_id,customer_id,email,ordered_at,amount,currency\nF1,,=1+2@example.com,1997-03-01T10:00:00Z,12.00,USD\n');
    expect(shop.run('import', 'orders', file, '--format', 'generic').status).toBe(0);
    const csv = shop.run('score', '--csv', '--as-of', '1998-06-30');
    expect(csv.status).toBe(0);
    const row = csv.stdout.split('\n').find((line) => line.includes('=1+2@example.com'));
    expect(row).toMatch(/^\d+,"'=1\+2@example\.com",0,0,/);
    expect(csv.stdout).not.toMatch(/,=1\+2@example\.com,/);
  });

  it('score names a bad flag value and exits 1', () => {
    const bad = shop.run('score', '--margin', '1.5');
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toBe('rekindle: margin: "1.5" is not allowed; expected a number at least 0 and at most 1');
    expect(shop.run('score', '--as-of', '1997-13-01').stderr).toContain('--as-of: "1997-13-01" is not a calendar day');
  });

  it('explain walks through one customer; an unknown one exits 1 with how to name customers', () => {
    const words = shop.run('explain', 'cdnow-1234@example.com');
    expect(words.status).toBe(0);
    expect(words.stdout).toContain('So it is worth investing up to');
    expect(words.stdout).toContain('Do not promise:');
    const json = shop.run('explain', '1234', '--json');
    expect(json.json()).toMatchObject({ asOf: '1997-09-30', inputs: { x: 8 }, steps: { boundBy: 'value' } });
    expect(json.json()).toMatchObject({ statistics: { expectedSpend: expect.stringMatching(/^\d+\.\d{2}$/), valueOfWinBack: expect.stringMatching(/^\d+\.\d{2}$/), pAlive: expect.any(Number) } });
    expect(json.json().inputs.monetary).toMatch(/^\d+\.\d{2}$/);
    const unknown = shop.run('explain', 'nobody@example.com');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toContain('no customer has the email nobody@example.com');
  });

  it('validate compares with the holdout and draws the chart', () => {
    const chart = path.join(shop.dir, 'check.svg');
    const result = shop.run('validate', '--calibration-end', '1997-09-30', '--chart', chart, '--json');
    expect(result.status).toBe(0);
    const json = result.json();
    expect(Math.abs(json.totals.predicted - 1653) / 1653).toBeLessThanOrEqual(0.01);
    expect(json).toMatchObject({ holdoutEnd: '1998-06-30', totals: { actual: 1882 }, chart });
    expect(readFileSync(chart, 'utf8')).toContain('<svg');
    const words = shop.run('validate', '--calibration-end', '1997-09-30');
    expect(words.stdout).toContain(`Chart: ${path.join(shop.dir, 'validate.svg')}`);
    expect(existsSync(path.join(shop.dir, 'validate.svg'))).toBe(true);
  });

  it('validate without --calibration-end holds out the last third and says which split it used', () => {
    const words = shop.run('validate', '--chart', path.join(shop.dir, 'default.svg'));
    expect(words.status).toBe(0);
    expect(words.stdout).toContain('No --calibration-end given: fitted on the first two thirds of the order history (1997-01-01 to 1997-12-30); the last third (to 1998-06-30) is the holdout.');
    expect(shop.run('validate', '--chart', path.join(shop.dir, 'default.svg'), '--json').json()).toMatchObject({ calibrationEnd: '1997-12-30', split: 'last-third' });
  });

  it('fit --model pareto-nbd fits and stores the Pareto/NBD, and score uses it', () => {
    const other = cdnowShop();
    const fit = other.run('fit', '--calibration-end', '1997-09-30', '--model', 'pareto-nbd', '--json');
    expect(fit.status).toBe(0);
    const json = fit.json();
    expect(json).toMatchObject({ purchaseModel: 'pareto-nbd', modelVersion: 1 });
    expect(json.paretoNbd.s).toBeCloseTo(0.61, 2);
    expect(json.bgnbd).toBeUndefined();
    const words = other.run('fit', '--calibration-end', '1997-09-30', '--model', 'pareto-nbd');
    expect(words.stdout).toMatch(/Purchase model \(Pareto\/NBD\): r = 0\.55\d*, alpha = 10\.5\d*, s = 0\.60\d*, beta = 11\.6\d*/);
    const score = other.run('score', '--json');
    expect(score.status).toBe(0);
    expect(score.json()).toMatchObject({ modelVersion: 2, customers: 2357 });
  });

  it('validate --model bgnbd,pareto-nbd compares both in words and names the better one', () => {
    const result = shop.run('validate', '--calibration-end', '1997-09-30', '--model', 'bgnbd,pareto-nbd', '--chart', path.join(shop.dir, 'both.svg'));
    expect(result.status).toBe(0);
    // An earlier test added one customer to this shop, so the estimates are CDNOW's to ~0.1%.
    expect(result.stdout).toMatch(/Purchase model \(BG\/NBD\): r = 0\.24\d*, alpha = 4\.41/);
    expect(result.stdout).toMatch(/Purchase model \(Pareto\/NBD\): r = 0\.55\d*, alpha = 10\.5/);
    expect(result.stdout).toMatch(/ {6}BG\/NBD  Pareto\/NBD      actual\n/);
    expect(result.stdout).toMatch(/Better on this holdout: (BG|Pareto)\/NBD/);
    expect(shop.run('validate', '--calibration-end', '1997-09-30', '--model', 'bgnbd,nope').status).toBe(2);
  });

  it('usage errors exit 2', () => {
    expect(shop.run('validate', '--time-unit', 'month').status).toBe(2);
    expect(shop.run('fit', '--model', 'weibull').status).toBe(2);
    expect(shop.run('fit', '--time-unit', 'month').status).toBe(2);
  });
});
