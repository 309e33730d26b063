/**
 * The marketer's commands on the shipped win-back campaign, through the built CLI with `--now`:
 * preview (and the proof it wrote nothing), launch once, status, dispatch, pause, resume,
 * cancel, a deliberate second run. What went out is read back from the outbox, parsed. The
 * steps run in order on one shop, as a marketer would go through them.
 */
import { existsSync } from 'node:fs';
import { rekindle } from '../../support/cli';
import { queryShop, readOutbox } from '../../support/campaignCli';
import { lapsedCustomers, openShop, Shop } from '../../support/campaignShop';

const T0 = '2025-06-02T08:00:00Z';
const MONEY = /^\d+\.\d{2}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const COUNTS = 'SELECT (SELECT CAST(COUNT(*) AS INTEGER) FROM campaign_runs) AS runs, (SELECT CAST(COUNT(*) AS INTEGER) FROM enrolments) AS enrolments, (SELECT CAST(COUNT(*) AS INTEGER) FROM sends) AS sends, (SELECT CAST(COUNT(*) AS INTEGER) FROM events) AS events';

describe('rekindle campaign …, played forward with --now', () => {
  let shop: Shop;
  let preview: { audience: number; treated: number; holdout: number; budgetTotal: string };
  const run = (...args: string[]) => rekindle(args, shop.env);
  const counts = async () => (await queryShop(shop, COUNTS))[0];

  beforeAll(async () => {
    shop = await openShop({ customers: lapsedCustomers(30), campaigns: { 'cautious-winback': { with: { budget: { share: 0.5, basis: 'lower' } } } } });
    await shop.release();
  });
  afterAll(() => shop?.dispose());

  it('previews audience, holdout, money and every step\'s email, and writes nothing', async () => {
    const result = run('campaign', 'preview', 'nostalgia-winback', '--now', T0, '--json');
    expect(result.stderr).toBe('');
    const p = result.json();
    expect(p).toEqual({
      campaign: 'nostalgia-winback', audience: 30, treated: expect.any(Number), holdout: expect.any(Number), nobodyToPreview: null, currency: 'EUR',
      budgetTotal: expect.stringMatching(MONEY), expectedCost: expect.stringMatching(MONEY), expectedIncrementalMargin: expect.stringMatching(MONEY),
      expectedRoi: expect.any(Number), steps: expect.any(Array),
      budgetBasis: 'estimate', budgetTotals: { estimate: p.budgetTotal, lower: expect.stringMatching(MONEY) },
      baselineReactivationRate: expect.any(Number), minimumDetectableLift: expect.any(Number), breakEvenLift: expect.any(Number),
      holdoutWarning: expect.stringMatching(/^the holdout of \d+ customers can only detect/),
    });
    expect(p.treated + p.holdout).toBe(p.audience);
    expect(p.holdout).toBeGreaterThan(0);
    expect(p.steps.map((s: { step: number }) => s.step)).toEqual([1, 2, 3, 4]);
    for (const s of p.steps) {
      expect(s).toEqual({ step: expect.any(Number), subject: expect.any(String), sendAt: expect.stringMatching(ISO), sample: { customerId: expect.any(Number), html: expect.any(String), text: expect.any(String) } });
      expect(s.sample.html).toContain('Bean There');
    }
    expect(p.steps[1].subject).toBe('A welcome-back thank-you from Bean There');
    expect(await counts()).toEqual({ runs: 0, enrolments: 0, sends: 0, events: 0 });
    expect(existsSync(shop.env.OUTBOX_DIR)).toBe(false);
    preview = p;
  });

  it('with BUDGET_BASIS=lower, or budget.basis in the campaign file, sizes budgets on the lower ends and shows both totals', async () => {
    const lower = rekindle(['campaign', 'preview', 'nostalgia-winback', '--now', T0, '--json'], { ...shop.env, BUDGET_BASIS: 'lower' }).json();
    expect(lower.budgetBasis).toBe('lower');
    expect(lower.budgetTotals).toEqual({ estimate: preview.budgetTotal, lower: lower.budgetTotal });
    expect(Number(lower.budgetTotal)).toBeLessThan(Number(preview.budgetTotal));
    const words = rekindle(['campaign', 'preview', 'nostalgia-winback', '--now', T0], { ...shop.env, BUDGET_BASIS: 'lower' });
    expect(words.stdout).toContain(`budgets on the estimate ${preview.budgetTotal} EUR, on the lower end of the 90% intervals ${lower.budgetTotal} EUR; lower applies`);
    // The same from the campaign file's budget.basis, whatever BUDGET_BASIS says.
    const cautious = run('campaign', 'preview', 'cautious-winback', '--now', T0, '--json').json();
    expect([cautious.budgetBasis, cautious.budgetTotal]).toEqual(['lower', cautious.budgetTotals.lower]);
    expect(Number(cautious.budgetTotals.lower)).toBeLessThan(Number(cautious.budgetTotals.estimate));
  });

  it('launches once, with the previewed numbers; a second launch is refused', async () => {
    expect(run('campaign', 'launch', 'nostalgia-winback', '--now', T0, '--json').json()).toEqual({ runId: 1, audience: 30, treated: preview.treated, holdout: preview.holdout });
    const again = run('campaign', 'launch', 'nostalgia-winback', '--now', T0, '--json');
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/launched already.*--new-run/);
    expect(await counts()).toMatchObject({ runs: 1, enrolments: 30, sends: preview.treated });
  });

  it('reports the run\'s status, step by step', () => {
    const status = run('campaign', 'status', 'nostalgia-winback', '--json').json();
    expect(status).toEqual({ runId: 1, campaign: 'nostalgia-winback', state: 'active', reason: null, audience: 30, treated: preview.treated, holdout: preview.holdout, steps: expect.any(Array), claimed: [], uncertainReasons: [] });
    expect(status.steps).toEqual([1, 2, 3, 4].map((step) => ({ step, due: step === 1 ? preview.treated : 0, sent: 0, failed: 0, suppressed: 0, exited: 0, uncertain: 0 })));
  });

  it('sends step 1, holds step 2 while paused, and sends it after resuming', () => {
    expect(run('dispatch', '--now', '2025-06-02T08:05:00Z', '--json').json()).toMatchObject({ sent: preview.treated, failed: 0 });
    expect(run('campaign', 'pause', '1', '--now', '2025-06-03T08:00:00Z', '--json').json()).toMatchObject({ state: 'paused', reason: expect.stringContaining('paused by the marketer') });
    expect(run('campaign', 'pause', '1', '--json').status).toBe(1);
    expect(run('dispatch', '--now', '2025-06-09T09:00:00Z', '--json').json()).toMatchObject({ sent: 0 });
    expect(run('campaign', 'resume', 'nostalgia-winback', '--json').json()).toMatchObject({ state: 'active', reason: null });
    expect(run('dispatch', '--now', '2025-06-09T09:00:00Z', '--json').json()).toMatchObject({ sent: preview.treated });
  });

  it('cancels: nothing still waiting goes out, and a cancelled run stays cancelled', () => {
    const cancelled = run('campaign', 'cancel', 'nostalgia-winback', '--now', '2025-06-10T08:00:00Z', '--json').json();
    expect(cancelled).toMatchObject({ state: 'cancelled' });
    const t = preview.treated;
    expect(cancelled.steps.map((s: { sent: number; exited: number; due: number }) => [s.sent, s.exited, s.due])).toEqual([[t, 0, 0], [t, 0, 0], [0, t, 0], [0, 0, 0]]);
    expect(run('dispatch', '--now', '2025-07-01T09:00:00Z', '--json').json()).toMatchObject({ sent: 0 });
    expect(run('campaign', 'resume', '1').status).toBe(1);
  });

  it('launches a new run when asked to; RUN by name means the latest', () => {
    expect(run('campaign', 'launch', 'nostalgia-winback', '--new-run', '--now', '2025-07-01T09:00:00Z', '--json').json()).toMatchObject({ runId: 2, audience: 30 });
    expect(run('campaign', 'status', 'nostalgia-winback', '--json').json()).toMatchObject({ runId: 2, state: 'active' });
    expect(run('campaign', 'cancel', '2', '--json').json()).toMatchObject({ runId: 2, state: 'cancelled' });
  });

  it('left in the outbox exactly one email per treated customer for each step sent', async () => {
    const sent = await readOutbox(shop);
    const keys = sent.map((m) => `${m.header('x-rekindle-run')}:${m.header('x-rekindle-step')}:${m.to}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(sent.filter((m) => m.header('x-rekindle-step') === '1')).toHaveLength(preview.treated);
    expect(sent.filter((m) => m.header('x-rekindle-step') === '2')).toHaveLength(preview.treated);
    expect(sent).toHaveLength(2 * preview.treated);
  });
});
