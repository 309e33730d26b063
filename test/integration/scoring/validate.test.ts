import { ModelFit } from '../../../src/db/entities';
import { validationChart } from '../../../src/scoring/chart';
import { paretoExpectedPurchases } from '../../../src/domain/paretoNbd';
import { fitParetoNbd } from '../../../src/domain/paretoNbdFit';
import { summarize } from '../../../src/domain/rfm';
import { validateModel } from '../../../src/scoring/validateService';
import { loadCdnowLog } from '../../unit/domain/cdnowLog';
import { TestServices } from '../../support/services';
import { cdnowShop } from './cdnowShop';

describe('validate on the CDNOW sample', () => {
  let s: TestServices;
  beforeAll(async () => (s = await cdnowShop()));
  afterAll(() => s.dispose());

  it('predicts the 39-week holdout like the published model (1653) and tabulates by frequency', async () => {
    const v = await validateModel(s, { calibrationEnd: '1997-09-30' });
    expect(v).toMatchObject({ calibrationEnd: '1997-09-30', holdoutEnd: '1998-06-30', holdoutLength: 39, customers: 2357, timeUnit: 'week' });
    expect(Math.abs(v.totals.predicted - 1653) / 1653).toBeLessThanOrEqual(0.01);
    expect(v.totals.actual).toBe(1882);
    expect(v.byFrequency.map((row) => row.frequency)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7+']);
    expect(v.byFrequency.reduce((sum, row) => sum + row.customers, 0)).toBe(2357);
    expect(v.byFrequency[0]).toEqual({ frequency: '0', customers: 1411, predicted: expect.closeTo(0.225, 3), actual: expect.closeTo(0.2367, 4) });
    const actualTotal = v.byFrequency.reduce((sum, row) => sum + row.actual * row.customers, 0);
    expect(actualTotal).toBeCloseTo(1882, 0);
  });

  it('holds out the last third of the order history when no calibration end is given, and says so', async () => {
    const v = await validateModel(s, {});
    // 1997-01-01 .. 1998-06-30 is 545 days: the first 363 train, the last 182 (26 weeks) are the holdout.
    expect(v).toMatchObject({ calibrationEnd: '1997-12-30', holdoutEnd: '1998-06-30', holdoutLength: 26, split: 'last-third', customers: 2357 });
    expect((await validateModel(s, { calibrationEnd: '1997-09-30' })).split).toBe('given');
  });

  it('--model bgnbd,pareto-nbd shows both on the same holdout and names the better one', async () => {
    const v = await validateModel(s, { calibrationEnd: '1997-09-30', models: ['bgnbd', 'pareto-nbd'] });
    expect(v.models.map((m) => m.model)).toEqual(['bgnbd', 'pareto-nbd']);
    const [bg, pareto] = v.models;
    expect(bg.totals).toEqual(v.totals);
    expect(pareto).toMatchObject({ r: expect.closeTo(0.55, 2), s: expect.closeTo(0.61, 2), logLikelihood: expect.closeTo(-9595.0, 1), totals: { actual: 1882 } });
    // The Pareto/NBD prediction, summed customer by customer with the domain functions.
    const summary = summarize(loadCdnowLog().log, { calibrationEnd: '1997-09-30', unit: 'week' });
    const params = fitParetoNbd(summary).params;
    let predicted = 0;
    for (let i = 0; i < summary.length; i++) predicted += paretoExpectedPurchases(params, 39, summary.x[i], summary.tx[i], summary.T[i]);
    expect(pareto.totals.predicted).toBeCloseTo(predicted, 1);
    expect(pareto.byFrequency.map((row) => row.customers)).toEqual(bg.byFrequency.map((row) => row.customers));
    const best = bg.meanSquaredError <= pareto.meanSquaredError ? 'bgnbd' : 'pareto-nbd';
    expect(v.better).toBe(best);
    expect(v.bgnbd).toMatchObject({ r: expect.closeTo(0.2426, 3) });
    const alone = await validateModel(s, { calibrationEnd: '1997-09-30', models: ['pareto-nbd'] });
    expect(alone.bgnbd).toBeUndefined();
    expect(alone.totals).toEqual(pareto.totals);
    expect(alone.better).toBeNull();
  });

  it('stores no model: validating must not change what `score` uses', async () => {
    await validateModel(s, { calibrationEnd: '1997-09-30' });
    expect(await s.db.reader.getRepository(ModelFit).count()).toBe(0);
  });

  it('refuses a calibration end that leaves no holdout', async () => {
    await expect(validateModel(s, { calibrationEnd: '1998-06-30' })).rejects.toThrow('1998-06-30 leaves no holdout: the last order is on 1998-06-30');
    await expect(validateModel(s, { calibrationEnd: '1997-02-30' })).rejects.toThrow('"1997-02-30" is not a calendar day');
  });

  it('draws a self-contained SVG with axes, labels and a legend', async () => {
    const svg = validationChart(await validateModel(s, { calibrationEnd: '1997-09-30' }));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('Repeat purchases in the calibration period (to 1997-09-30)');
    expect(svg).toContain('Mean purchases in the 39-week holdout');
    expect(svg).toContain('Predicted by the purchase model (BG/NBD)');
    expect(svg).toContain('predicted 1,653');
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).not.toMatch(/href=|<script/);
  });
});
