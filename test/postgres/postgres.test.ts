/**
 * The same entities, migrations and SQL on PostgreSQL. Runs when REKINDLE_TEST_POSTGRES_URL
 * names an empty database (`.ci/run` starts one); jest.config.js leaves this folder out otherwise.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { rekindle } from '../support/cli';

const url = process.env.REKINDLE_TEST_POSTGRES_URL as string;
const SAMPLE = path.resolve(__dirname, '../../samples/cdnow/CDNOW_sample.txt');

async function emptyDatabase(): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
  await client.end();
}

describe('PostgreSQL', () => {
  beforeAll(emptyDatabase);

  it('imports, fits, launches and dispatches exactly as on SQLite', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rekindle-pg-'));
    const env = { DATABASE_URL: url, SHOP_CURRENCY: 'USD', OUTBOX_DIR: path.join(dir, 'outbox'), SECRET_KEY: 'k'.repeat(40) };
    const run = (...args: string[]) => rekindle(args, env, dir);
    expect(run('import', 'orders', SAMPLE, '--format', 'cdnow', '--json').json()).toMatchObject({ orders: { inserted: 6919 }, customers: { inserted: 2357 } });
    expect(run('import', 'orders', SAMPLE, '--format', 'cdnow', '--json').json()).toMatchObject({ orders: { unchanged: 6919 } });
    expect(run('stats', '--json').json()).toMatchObject({ customers: 2357, orders: 6919, netRevenue: { USD: '244091.94' } });
    const fit = run('fit', '--calibration-end', '1997-09-30', '--json').json();
    expect(fit.bgnbd.r).toBeCloseTo(0.2426, 3);
    const launch = run('campaign', 'launch', 'nostalgia-winback', '--now', '1998-07-01T10:00:00Z', '--json').json();
    expect(launch.audience).toBe(launch.treated + launch.holdout);
    const sent = run('dispatch', '--now', '1998-07-01T10:05:00Z', '--json').json();
    expect(sent.sent).toBe(launch.treated);
    const again = run('dispatch', '--now', '1998-07-01T10:06:00Z', '--json').json();
    expect(again.sent).toBe(0);
  });
});
