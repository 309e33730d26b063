import { ModelFit } from '../../../src/db/entities';
import { importOrders } from '../../../src/import/importer';
import { paretoPAlive } from '../../../src/domain/paretoNbd';
import { adviseCustomer } from '../../../src/scoring/adviceService';
import { fitModels } from '../../../src/scoring/fitService';
import { scoreCustomers, ScoreRow, scoreRows } from '../../../src/scoring/scoreService';
import { validateModel } from '../../../src/scoring/validateService';
import { latestModel } from '../../../src/scoring/modelStore';
import { anOrder } from '../../support/orders';
import { testServices, TestServices } from '../../support/services';
import { cdnowOrders, cdnowShop } from './cdnowShop';

function within(actual: number, expected: number, relative: number): void {
  expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThanOrEqual(relative);
}

describe('fit on the CDNOW sample in the orders table', () => {
  let s: TestServices;
  beforeAll(async () => (s = await cdnowShop()));
  afterAll(() => s.dispose());

  it('reproduces the published BG/NBD and Gamma-Gamma estimates and stores the model', async () => {
    const fit = await fitModels(s, { calibrationEnd: '1997-09-30', timeUnit: 'week' });
    expect(Object.keys(fit)).toEqual(['bgnbd', 'gammaGamma', 'customers', 'repeatCustomers', 'calibrationEnd', 'timeUnit', 'modelVersion', 'warnings', 'purchaseModel']);
    expect(fit.purchaseModel).toBe('bgnbd');
    expect(Object.keys(fit.bgnbd)).toEqual(['r', 'alpha', 'a', 'b', 'logLikelihood', 'converged', 'standardErrors', 'covariance', 'intervals']);
    expect(Object.keys(fit.gammaGamma)).toEqual(['p', 'q', 'gamma', 'logLikelihood', 'converged', 'standardErrors', 'covariance', 'intervals']);
    expect(Object.keys(fit.bgnbd.standardErrors)).toEqual(['r', 'alpha', 'a', 'b']);
    expect(Object.keys(fit.gammaGamma.intervals)).toEqual(['p', 'q', 'gamma']);
    expect(fit.bgnbd.covariance).toHaveLength(4);
    expect(fit.gammaGamma.covariance.map((row) => row.length)).toEqual([3, 3, 3]);
    // The variances are the squared standard errors; each interval holds its estimate.
    (['r', 'alpha', 'a', 'b'] as const).forEach((k, i) => {
      within(fit.bgnbd.covariance[i][i], fit.bgnbd.standardErrors[k] ** 2, 1e-4);
      expect(fit.bgnbd.intervals[k][0]).toBeLessThan(fit.bgnbd[k]);
      expect(fit.bgnbd.intervals[k][1]).toBeGreaterThan(fit.bgnbd[k]);
    });
    expect(fit).toMatchObject({ customers: 2357, repeatCustomers: 946, calibrationEnd: '1997-09-30', timeUnit: 'week' });
    within(fit.bgnbd.r, 0.2426, 0.001);
    within(fit.bgnbd.alpha, 4.4136, 0.001);
    within(fit.bgnbd.a, 0.7929, 0.001);
    within(fit.bgnbd.b, 2.4259, 0.001);
    within(fit.bgnbd.logLikelihood, -9582.43, 0.001);
    within(fit.gammaGamma.p, 6.2496, 0.005);
    within(fit.gammaGamma.q, 3.7442, 0.005);
    within(fit.gammaGamma.gamma, 15.4435, 0.005);
    expect([fit.bgnbd.converged, fit.gammaGamma.converged]).toEqual([true, true]);

    const stored = await latestModel(s.db, 'USD');
    expect(stored).toMatchObject({ version: fit.modelVersion, calibrationEnd: '1997-09-30', timeUnit: 'week', currency: 'USD', dataFrom: '1997-01-01' });
    expect(stored.bgnbd.r).toBeCloseTo(fit.bgnbd.r, 5);
    expect(stored.bgnbd.standardErrors?.[0]).toBeCloseTo(fit.bgnbd.standardErrors.r, 5);
    expect(stored.gammaGamma.covariance).toHaveLength(3);
    expect(await s.db.reader.getRepository(ModelFit).count()).toBe(1);
  });

  it('says that 39 weeks of history is shorter than the 52 weeks scores predict over, and nothing else', async () => {
    const fit = await fitModels(s, { calibrationEnd: '1997-09-30' });
    expect(fit.warnings.map((w) => w.code)).toEqual(['short-history']);
    expect(fit.warnings[0].message).toContain('The orders cover 39 weeks, less than the 52 weeks');
  });

  it('defaults the calibration end to the last order day, and a new fit is a new version', async () => {
    const before = await latestModel(s.db, 'USD');
    const fit = await fitModels(s, { timeUnit: 'day' });
    expect(fit).toMatchObject({ calibrationEnd: '1998-06-30', timeUnit: 'day', customers: 2357 });
    expect(fit.modelVersion).toBeGreaterThan(before.version);
    expect(fit.warnings).toEqual([]);
  });
});

describe('fit --model pareto-nbd', () => {
  let s: TestServices;
  beforeAll(async () => (s = await cdnowShop()));
  afterAll(() => s.dispose());

  it('fits the Pareto/NBD with the published CDNOW estimates, stores it, and score and explain use it', async () => {
    const fit = await fitModels(s, { calibrationEnd: '1997-09-30', model: 'pareto-nbd' });
    expect(Object.keys(fit)).toEqual(['paretoNbd', 'gammaGamma', 'customers', 'repeatCustomers', 'calibrationEnd', 'timeUnit', 'modelVersion', 'warnings', 'purchaseModel']);
    if (!('paretoNbd' in fit)) throw new Error('expected a Pareto/NBD fit');
    expect(Object.keys(fit.paretoNbd)).toEqual(['r', 'alpha', 's', 'beta', 'logLikelihood', 'converged', 'standardErrors', 'covariance', 'intervals']);
    expect(fit.purchaseModel).toBe('pareto-nbd');
    within(fit.paretoNbd.r, 0.55, 0.01);
    within(fit.paretoNbd.alpha, 10.58, 0.01);
    within(fit.paretoNbd.s, 0.61, 0.01);
    within(fit.paretoNbd.beta, 11.67, 0.01);
    expect(fit.paretoNbd.logLikelihood).toBeCloseTo(-9595.0, 1);

    const stored = await latestModel(s.db, 'USD');
    expect('beta' in stored.bgnbd && stored.bgnbd.beta).toBeCloseTo(fit.paretoNbd.beta, 3);
    const run = await scoreCustomers(s);
    expect(run.modelVersion).toBe(fit.modelVersion);
    const rows: ScoreRow[] = [];
    for await (const row of scoreRows(s.db, run)) rows.push(row);
    const known = rows.find((row) => row.email === 'cdnow-1234@example.com') as ScoreRow;
    const pareto = { r: fit.paretoNbd.r, alpha: fit.paretoNbd.alpha, s: fit.paretoNbd.s, beta: fit.paretoNbd.beta };
    expect(known.pAlive).toBeCloseTo(paretoPAlive(pareto, known.x, known.tx, known.T), 3);
    const advice = await adviseCustomer(s, 'cdnow-1234@example.com');
    expect(advice.steps.pAlive).toBeCloseTo(known.pAlive, 3);
  });
});

describe('fit caveats and refusals', () => {
  let s: TestServices;
  const now = () => new Date('2025-06-01T00:00:00Z');
  beforeEach(async () => (s = await testServices({ SHOP_CURRENCY: 'EUR' })));
  afterEach(() => s.dispose());

  it('refuses clearly with no orders, and with no repeat purchases', async () => {
    await expect(fitModels(s)).rejects.toThrow('there are no EUR orders to fit the models on: import orders first');
    await importOrders(s.db, [anOrder({ orderedDay: '2025-01-02' }), anOrder({ orderedDay: '2025-01-03' })], { source: 'test', file: 't', now });
    await expect(fitModels(s)).rejects.toThrow('none of the 2 customers bought on two different days by 2025-01-03');
  });

  it('a tiny shop gets its caveats in fit, in the model score shows, and in validate: too few repeat customers, spend tied to frequency, a short history', async () => {
    // 30 customers over 20 weeks; customer i buys (i mod 5) + 1 times and spends 10 EUR more per
    // order for every extra order, so frequency and spend are strongly correlated.
    const orders = [];
    for (let i = 0; i < 30; i++) {
      const times = (i % 5) + 1;
      for (let k = 0; k < times; k++) {
        const day = new Date(Date.UTC(2025, 0, 2 + i + k * 21)).toISOString().slice(0, 10);
        const customer = { email: `tiny${i}@example.com`, firstName: 'Maria' };
        orders.push(anOrder({ customer, orderedDay: day, orderedAt: `${day}T10:00:00.000Z`, amountMinor: 1000 * times + 37 * k }));
      }
    }
    await importOrders(s.db, orders, { source: 'test', file: 't', now });
    const fit = await fitModels(s);
    const expected = ['few-customers', 'too-few-repeat-customers', 'short-history', 'spend-depends-on-frequency'];
    expect(fit.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(expected));
    expect(fit.warnings.map((w) => w.code)).not.toContain('few-repeat-customers');
    expect(fit.warnings.find((w) => w.code === 'too-few-repeat-customers')?.message).toMatch(/^Only 24 customers bought more than once: with fewer than 50 /);
    // score prints the stored model's caveats (scoreSettings); scoring this degenerate model is not tried here.
    expect((await latestModel(s.db, 'EUR')).warnings).toEqual(fit.warnings);
    const validation = await validateModel(s, { calibrationEnd: '2025-03-15' });
    expect(validation.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(['few-customers', 'too-few-repeat-customers', 'short-history', 'spend-depends-on-frequency']));
  });

  it('warns about thin data, a short history and the currencies it left out', async () => {
    const orders = cdnowOrders()
      .filter((o) => Number(o.customer.externalId) <= 300)
      .map((o) => ({ ...o, currency: 'EUR' }));
    orders.push(anOrder({ currency: 'USD', orderedDay: '1997-03-01' }), anOrder({ currency: 'GBP', orderedDay: '1997-03-01' }));
    await importOrders(s.db, orders, { source: 'test', file: 't', now });
    const fit = await fitModels(s, { calibrationEnd: '1997-06-30' });
    const codes = fit.warnings.map((w) => w.code);
    expect(codes).toEqual(expect.arrayContaining(['few-customers', 'few-repeat-customers', 'short-history', 'other-currencies']));
    expect(fit.warnings.find((w) => w.code === 'other-currencies')?.message).toBe(
      '2 orders in other currencies (GBP 1, USD 1) are left out: the models see EUR orders only, and currencies are never added together.',
    );
    expect(fit.customers).toBe(300);
  });
});
