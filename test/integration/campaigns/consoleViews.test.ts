/**
 * The console's campaign view models on a real SQLite shop: what the overview, campaigns, run,
 * preview, confirmation and report pages are given, read from real launches, sends and orders.
 * The pages themselves are tested over HTTP (test/e2e/console/campaigns.test.ts).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createIncident } from '../../../src/campaigns/incidentService';
import { changeRunState } from '../../../src/campaigns/runControl';
import { ConflictError } from '../../../src/domain/errors';
import { importOrders } from '../../../src/import/importer';
import { campaignsModel } from '../../../src/web/console/campaigns';
import { confirmModel, previewModel } from '../../../src/web/console/launch';
import { previewEmail } from '../../../src/web/console/previewEmails';
import { overviewModel } from '../../../src/web/console/overviewModel';
import { runModel } from '../../../src/web/console/runs';
import { loadReport, reportView } from '../../../src/web/console/runReportView';
import { DAY_MS, LAUNCH_AT, lapsedCustomers, openShop, Shop, step, winback } from '../../support/campaignShop';

const at = (days: number) => new Date(Date.parse(LAUNCH_AT) + days * DAY_MS).toISOString();

describe('the console campaign pages\' view models', () => {
  let shop: Shop;

  beforeAll(async () => {
    shop = await openShop({
      customers: lapsedCustomers(40),
      settings: { SEND_COST: '0.05' },
      campaigns: { measured: winback([step('1-we-miss-you'), step('4-should-we-stop', '7d')], { holdout: 0.3, attributionWindowDays: 30 }) },
    });
    writeFileSync(path.join(shop.dir, 'campaigns', 'broken.json'), JSON.stringify({ name: 'broken', steps: [] }));
  });
  afterAll(async () => {
    await shop?.dispose();
  });

  it('lists the campaign files, a broken one with its error, and says when nothing ran', async () => {
    const m = await campaignsModel(shop.services);
    expect(m.definitions.map((d) => d.name)).toEqual(['broken', 'incident-apology', 'measured', 'nostalgia-winback']);
    expect(m.definitions[0].error).toMatch(/broken\.json: spokesperson: missing/);
    expect(m.definitions[2]).toMatchObject({ kind: 'win-back', steps: '2', holdout: '30%', window: '30 days', error: null });
    expect(m.definitions[3].offers).toContain('A 10.00 EUR credit on your next order');
    expect(m.runs).toEqual([]);
    const o = await overviewModel(shop.services);
    expect(o.running).toEqual([]);
    expect(o.headlines).toEqual([]);
  });

  it('previews with the money, the holdout and every step for a sample, without the open pixel', async () => {
    const p = await previewModel(shop.services, 'measured');
    if (!('steps' in p)) throw new Error('the preview asked for an incident');
    const plan = (await shop.services.campaigns().plan(shop.services.campaigns().campaign('measured'))).plan;
    expect(p).toMatchObject({ audience: '40', treated: String(plan.treated), holdout: String(plan.holdout), canLaunch: true, runs: 0, latestRun: null });
    expect(p.budgetTotal).toBe(`${plan.budgetTotal.toFixed(2)} EUR`);
    expect(p.minimumDetectableLift).toMatch(/^\d+\.\d points$/);
    expect(p.steps).toHaveLength(2);
    expect(p.steps[0].rendered).toBe(true);
    const email = await previewEmail(shop.services, 'measured', undefined, 1);
    expect(email!.html).toContain('<html');
    expect(email!.html).not.toContain(`${shop.services.config.publicUrl}/o/`);
    expect(await previewEmail(shop.services, 'measured', undefined, 3)).toBeNull();
    expect(p.steps[0].when).toBe('2 June 2025 at 10:00');
    // The pixel is there before the console takes it out.
    const raw = await shop.services.campaigns().preview('measured');
    expect(raw.steps[0].sample!.html).toContain(`${shop.services.config.publicUrl}/o/`);
  });

  it('asks which incident an apology is about before previewing it', async () => {
    const p = await previewModel(shop.services, 'incident-apology');
    expect(p).toMatchObject({ chooseIncident: true, noIncidents: true });
  });

  it('names the money on the confirmation, and a confirmed launch happens once however often it is submitted', async () => {
    const c = await confirmModel(shop.services, 'measured');
    const plan = (await shop.services.campaigns().plan(shop.services.campaigns().campaign('measured'))).plan;
    expect(c.money).toBe(`You are about to spend up to ${plan.budgetTotal.toFixed(2)} EUR in offers on ${plan.treated} customers; ${plan.holdout} held out.`);
    expect(c.runs).toBe(0);
    const first = await shop.services.campaigns().launch('measured', { newRun: false, expectRuns: 0 });
    await expect(shop.services.campaigns().launch('measured', { newRun: false, expectRuns: 0 })).rejects.toBeInstanceOf(ConflictError);
    // Even as a new run: the confirmation was for a campaign with no runs, and it has one now.
    await expect(shop.services.campaigns().launch('measured', { newRun: true, expectRuns: 0 })).rejects.toThrow(/has 1 runs, not the 0/);
    const [{ n }] = await shop.services.db.reader.query('SELECT CAST(COUNT(*) AS INTEGER) AS n FROM campaign_runs');
    expect(Number(n)).toBe(1);
    expect((await confirmModel(shop.services, 'measured')).latestRun).toEqual({ runId: first.runId, state: 'active' });
  });

  it('shows the run\'s steps with their progress, and its pause in the overview\'s alerts with the reason in words', async () => {
    await shop.dispatch();
    const r = await runModel(shop.services, 1);
    expect(r).toMatchObject({ state: 'active', canPause: true, canResume: false, canCancel: true, audience: '40', launched: '2 June 2025 at 10:00' });
    const treated = Number(r.treated);
    expect(r.steps[0]).toMatchObject({ step: 1, sent: String(treated), due: '0', progress: 100, started: true });
    expect(r.steps[1]).toMatchObject({ step: 2, sent: '0', due: String(treated), progress: 0 });
    shop.clock.set(at(1));
    await changeRunState(shop.services.db, '1', 'pause', shop.clock.now());
    const o = await overviewModel(shop.services);
    expect(o.running).toHaveLength(1);
    expect(o.running[0]).toMatchObject({ runId: 1, paused: true, step: 'step 2 of 2', sent: String(treated), due: String(treated), progress: 50 });
    expect(o.alerts[0]).toEqual({ text: 'Run 1 (measured) is paused: paused by the marketer at 3 June 2025 at 10:00', href: '/runs/1', link: 'Open run 1' });
    // A dozen or so held out of 40 cannot tell a 5-point lift from chance.
    expect(o.alerts[1].text).toMatch(new RegExp(`^Run 1 \\(measured\\) holds out only ${r.holdout} customers: the smallest lift it can detect is \\+\\d+\\.\\d pts`));
    expect(o.headlines[0]).toMatchObject({ runId: 1, state: 'paused', spent: `${(treated * 0.05).toFixed(2)} EUR`, preliminary: true });
    expect((await runModel(shop.services, 1)).reason).toBe('paused by the marketer at 3 June 2025 at 10:00');
  });

  it('warns of a model fitted over 30 days ago with orders imported since', async () => {
    // The shop's model was fitted on 1 January 2025; the shop's own import came after it.
    const o = await overviewModel(shop.services);
    expect(o.alerts.map((a) => a.text).join('\n')).toMatch(/The model \(version 1\) was fitted on 1 January 2025, 153 days ago, and 1 order import came in since/);
  });

  it('raises no holdout alert for an apology, which holds nobody out on purpose', async () => {
    const affected = path.join(shop.dir, 'affected.csv');
    writeFileSync(affected, 'c1@example.com\nc2@example.com\n');
    const { id } = await createIncident(shop.services.db, { title: 'Late parcels', description: 'We shipped your order late.', makeGood: '5.00', affectedFile: affected, currency: 'EUR', now: shop.clock.now() });
    const apology = await shop.services.campaigns().launch('incident-apology', { incidentId: id });
    expect(apology.holdout).toBe(0);
    const texts = (await overviewModel(shop.services)).alerts.map((a) => a.text).join('\n');
    expect(texts).toContain('Run 1 (measured)');
    expect(texts).not.toContain(`run ${apology.runId}`);
    expect(texts).not.toContain('nobody is held out');
  });

  it('reports with a curve, the money and every step, as strings and chart configurations', async () => {
    const rows: { email: string; holdout: number }[] = await shop.services.db.reader.query(
      'SELECT c.email, e.holdout FROM enrolments e JOIN customers c ON c.id = e.customer_id WHERE e.run_id = 1 ORDER BY e.customer_id');
    const t = rows.filter((r) => !Number(r.holdout)).map((r) => r.email);
    await importOrders(shop.services.db, [1, 2].map((d, i) => ({
      orderId: `v-${i}`, customer: { email: t[i] }, orderedAt: at(d), orderedDay: at(d).slice(0, 10), currency: 'EUR', amountMinor: 123456, refundedMinor: 0, status: 'kept' as const, items: ['Kenya AA'], line: i + 1,
    })), { source: 'test', file: 'v.csv', now: shop.clock.now });
    shop.clock.set(at(3));
    const v = reportView(await loadReport(shop.services, 1), 'Europe/Berlin');
    expect(v.curve.rows.map((r) => r.treated.split(':')[0])).toEqual(['0', '1', '2', '2']);
    expect(v.curve.rows[1].date).toBe('3 June 2025');
    expect(v.spend.rows.find((r) => r.label.startsWith('Revenue from the treated'))!.amount).toBe('2,469.12 EUR (987.65 EUR)');
    expect(v.cards[0].label).toBe('Spent');
    expect(v.caveats.join(' ')).toMatch(/open until 2 July 2025 at 10:00/);
    const curve = JSON.parse(v.curve.chart);
    expect(curve.data.datasets.map((d: { label: string }) => d.label)).toEqual(['Treated', 'Treated, 95% interval', 'Held out', 'Held out, 95% interval']);
    expect(curve.data.datasets[0].data).toEqual([0, 1, 2, 2].map((n) => Math.round((n / t.length) * 10000) / 100));
    expect(JSON.parse(v.steps.chart).data.labels).toEqual(['Step 1', 'Step 2']);
    expect(v.steps.rows[0]).toMatchObject({ step: 1, template: 'nostalgia-winback/1-we-miss-you' });
  });
});
