import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rekindle } from '../support/cli';
import { defaultDatabaseEnv, TEST_ENGINE } from '../support/testDatabase';

const CDNOW_ORDERS = 6919;

describe('rekindle demo (the README\'s first command)', () => {
  it('plays the campaign with simulated customers, reports an interval holding the true uplift, and running it again changes nothing', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rekindle-demo-'));
    const env = defaultDatabaseEnv(dir);
    const first = rekindle(['demo', '--json', '--seed', '7'], env, dir);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    const summary = first.json();
    const { report, simulated } = summary;
    expect(summary.stats).toMatchObject({ customers: 2357 });
    expect(summary.run.audience).toBe(summary.run.treated + summary.run.holdout);
    expect(summary.run.holdout).toBeGreaterThan(0);
    // Every treated customer got step 1, and the sequence ran its four weeks.
    expect(summary.run.steps[0].sent).toBe(summary.run.treated);
    expect(summary.run.steps[3].sent + summary.run.steps[3].exited + summary.run.steps[3].suppressed).toBeGreaterThan(0);
    const outbox = path.join(dir, 'outbox', 'nostalgia-winback');
    expect(readdirSync(outbox).filter((f) => f.endsWith('.eml'))).toHaveLength(summary.emailsSent);
    if (TEST_ENGINE === 'sqlite') expect(existsSync(path.join(dir, 'data', 'rekindle.sqlite'))).toBe(true);
    // No email states a day already past as still ahead ("yours until 22 July" sent on 25 July).
    expect(pastDatesSpokenOfAsAhead(outbox)).toEqual([]);

    // The report reads the run the simulation played, and its counts add up.
    expect(summary.runId).toBe(summary.run.runId);
    expect(report.runId).toBe(summary.runId);
    expect(report.window.open).toBe(false);
    expect([report.audience, report.treated, report.holdout]).toEqual([summary.run.audience, summary.run.treated, summary.run.holdout]);
    expect(report.sent).toBe(summary.emailsSent);
    expect(report.reactivated.treated / report.treated).toBeCloseTo(simulated.treatedRate, 12);
    expect(report.reactivated.holdout / report.holdout).toBeCloseTo(simulated.holdoutRate, 12);
    // Each reactivated customer placed one order through POST /api/orders; codes were redeemed and clicks followed.
    expect(summary.stats.orders).toBe(CDNOW_ORDERS + report.reactivated.treated + report.reactivated.holdout);
    expect(report.redeemed).toBeGreaterThan(0);
    expect(report.clicked).toBeGreaterThanOrEqual(report.redeemed);
    expect(report.opened).toBeGreaterThan(0);
    expect(Number(report.revenue)).toBeGreaterThan(0);
    expect(Number(report.incentiveCost)).toBeGreaterThan(0);

    // The simulation's truth lies inside the report's 95% interval.
    expect(simulated.seed).toBe(7);
    expect(simulated.trueUplift).toBeGreaterThan(0.08);
    expect(simulated.trueUplift).toBeLessThan(0.1);
    const [lo, hi] = report.incrementalReactivationRate.ci95.map(Number);
    expect(lo).toBeLessThanOrEqual(simulated.trueUplift);
    expect(hi).toBeGreaterThanOrEqual(simulated.trueUplift);

    // Again, without --seed: the run keeps the customers it was simulated with; nothing is sent or ordered twice.
    const again = rekindle(['demo', '--json'], env, dir).json();
    expect(again.emailsSent).toBe(0);
    expect(again.stats).toEqual(summary.stats);
    expect(again.run.runId).toBe(summary.run.runId);
    expect(again.simulated).toEqual(simulated);
    expect(again.report).toEqual(report);
  }, 240_000);

  it('prints the report as a table, with the simulation\'s truth beside it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rekindle-demo-'));
    const out = rekindle(['demo', '--seed', '7'], defaultDatabaseEnv(dir), dir);
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/ROI report: nostalgia-winback, run 1/);
    expect(out.stdout).toMatch(/incremental reactivation rate +[+-]\d+\.\d pts \(95% interval [+-]\d+\.\d to [+-]\d+\.\d pts\)/);
    expect(out.stdout).toMatch(/the campaign added \d+\.\d points to the reactivation rate/);
  }, 240_000);

  it('refuses a seed that is not a whole number', () => {
    const out = rekindle(['demo', '--seed', '1.5'], {}, mkdtempSync(path.join(os.tmpdir(), 'rekindle-demo-')));
    expect(out.status).toBe(1);
    expect(out.stderr).toBe('rekindle: --seed: "1.5" is not a seed; give a whole number from 0 to 4294967295\n');
  });
});

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const AHEAD = new RegExp(`\\b(until|ends|ending|before|open till)(?: today,? on)?\\s+(\\d{1,2}) (${MONTHS.join('|')}) (\\d{4})`, 'gi');

/** Every "until / ends / before <day>" in an email whose day is earlier than the day the email was sent. */
function pastDatesSpokenOfAsAhead(outbox: string): string[] {
  const found: string[] = [];
  for (const file of readdirSync(outbox).filter((f) => f.endsWith('.eml'))) {
    // Quoted-printable soft line breaks would split a date in two.
    const raw = readFileSync(path.join(outbox, file), 'utf8').replace(/=\r?\n/g, '');
    const sent = new Date(/^Date: (.+)$/m.exec(raw)![1].trim());
    const sentDay = Date.UTC(sent.getUTCFullYear(), sent.getUTCMonth(), sent.getUTCDate());
    for (const m of raw.matchAll(AHEAD)) {
      const day = Date.UTC(Number(m[4]), MONTHS.findIndex((name) => name.toLowerCase() === m[3].toLowerCase()), Number(m[2]));
      if (day < sentDay) found.push(`${file}: "${m[0]}" in an email sent ${sent.toISOString().slice(0, 10)}`);
    }
  }
  return found;
}
