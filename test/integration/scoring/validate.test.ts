import { ModelFit } from '../../../src/db/entities';
import { validationChart } from '../../../src/scoring/chart';
import { validateModel } from '../../../src/scoring/validateService';
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
