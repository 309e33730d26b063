import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rekindle } from '../support/cli';

describe('rekindle demo (the README\'s first command)', () => {
  it('runs the whole job on the embedded default, and running it again changes nothing', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rekindle-demo-'));
    const first = rekindle(['demo', '--json'], {}, dir);
    expect(first.status).toBe(0);
    const summary = first.json();
    expect(summary.stats).toMatchObject({ customers: 2357, orders: 6919, netRevenue: { USD: '244091.94' } });
    expect(summary.run.audience).toBe(summary.run.treated + summary.run.holdout);
    expect(summary.run.holdout).toBeGreaterThan(0);
    // Every treated customer got step 1, and the sequence ran its four weeks.
    expect(summary.run.steps[0].sent).toBe(summary.run.treated);
    expect(summary.run.steps[3].sent + summary.run.steps[3].exited + summary.run.steps[3].suppressed).toBeGreaterThan(0);
    const outbox = path.join(dir, 'outbox', 'nostalgia-winback');
    expect(readdirSync(outbox).filter((f) => f.endsWith('.eml'))).toHaveLength(summary.emailsSent);
    expect(existsSync(path.join(dir, 'data', 'rekindle.sqlite'))).toBe(true);

    const again = rekindle(['demo', '--json'], {}, dir).json();
    expect(again.emailsSent).toBe(0);
    expect(again.stats).toEqual(summary.stats);
    expect(again.run.runId).toBe(summary.run.runId);
  }, 120_000);
});
