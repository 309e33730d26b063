/**
 * The campaigns section of the console over real HTTP, signed in through the real sign-in:
 * overview, campaigns, preview with its emails, the launch confirmation naming the money, a
 * double-submitted confirmation launching once, pause / resume / cancel (cancel confirmed
 * first), the report page with its charts and its CSV.
 */
import { renameSync } from 'node:fs';
import path from 'node:path';
import { parseForwardedEmail, recordForwardedEmail } from '../../../src/feedback/inbound';
import { runReport } from '../../../src/reporting/runReport';
import { reportCsv } from '../../../src/reporting/reportCsv';
import { lapsedCustomers, openShop, Shop, step, winback } from '../../support/campaignShop';
import { ConsoleClient, startConsole, StartedConsole } from '../../support/console';

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/\s+/g, ' ');

describe('the console\'s campaigns, runs and reports', () => {
  let shop: Shop;
  let c: StartedConsole;
  let marketer: ConsoleClient;
  let owner: ConsoleClient;
  const runs = async () => Number((await shop.services.db.reader.query('SELECT CAST(COUNT(*) AS INTEGER) AS n FROM campaign_runs'))[0].n);
  const state = async (runId: number) => (await shop.services.db.reader.query('SELECT state FROM campaign_runs WHERE id = $1', [runId]))[0].state;

  beforeAll(async () => {
    shop = await openShop({
      customers: lapsedCustomers(30),
      settings: { SEND_COST: '0.05' },
      campaigns: { 'spring-hello': winback([step('1-we-miss-you'), step('4-should-we-stop', '7d')], { holdout: 0.2, attributionWindowDays: 30 }) },
    });
    c = await startConsole({ services: shop.services });
    marketer = await c.signIn('marketer');
    owner = await c.signIn('owner');
  });
  afterAll(async () => {
    await c?.close();
    await shop?.dispose();
  });

  it('shows an overview that says what to do when nothing runs', async () => {
    const r = await marketer.get('/console');
    expect(r.status).toBe(200);
    expect(text(r.text)).toContain('No campaign is running. Preview a campaign and launch it');
    expect(text(r.text)).toContain('Feedback waiting for a reply 0');
  });

  it('says on the overview that the model is stale, naming the command as code and linking the model page where it can be fitted', async () => {
    const r = await marketer.get('/console');
    expect(text(r.text)).toMatch(/The model \(version 1\) was fitted on 1 January 2025, \d+ days ago, and 1 order import came in since: fit it again on the model page or with rekindle fit so scores and budgets use them\. See the model/);
    expect(r.text).toContain('<code>rekindle fit</code>');
    expect(r.text).not.toContain('`');
  });

  it('counts the feedback cases waiting for a reply, and names those waiting longer than FEEDBACK_REMINDER_DAYS with a link to each', async () => {
    const now = shop.services.clock();
    const email = (from: string, daysAgo: number) =>
      recordForwardedEmail(shop.services.db, parseForwardedEmail({ from, name: from.split('@')[0], subject: 'My order', text: 'Where is it?', receivedAt: new Date(now.getTime() - daysAgo * 86_400_000).toISOString() }, now));
    const late = await email('late@example.com', 3);
    await email('fresh@example.com', 0.5);
    const r = await marketer.get('/console');
    expect(text(r.text)).toContain('Feedback waiting for a reply 2');
    expect(text(r.text)).toContain('1 case has waited longer than 2 days for a reply');
    expect(r.text).toContain(`href="/console/feedback/${late.caseId}"`);
    expect(r.text).not.toContain('fresh@example.com');
    await shop.services.db.write((tx) => tx.query('DELETE FROM feedback_cases'));
  });

  it('lists the campaign files with a preview link each', async () => {
    const r = await marketer.get('/console/campaigns');
    expect(r.status).toBe(200);
    expect(r.text).toContain('href="/console/campaigns/spring-hello/preview"');
    expect(text(r.text)).toContain('Nothing launched yet');
    const one = await marketer.get('/console/campaigns/spring-hello');
    expect(one.status).toBe(200);
    expect(text(one.text)).toContain('Steps Step Subject Template When 1 A note from {{shopName}} nostalgia-winback/1-we-miss-you 0d after the previous step');
    expect(text(one.text)).toContain('spring-hello has not been launched yet');
  });

  it('previews the audience and money, and serves each step\'s email as its own document without the open pixel', async () => {
    const r = await marketer.get('/console/campaigns/spring-hello/preview');
    expect(r.status).toBe(200);
    const { plan } = await shop.services.campaigns().plan(shop.services.campaigns().campaign('spring-hello'));
    expect(text(r.text)).toContain(`Audience ${plan.treated + plan.holdout} ${plan.treated} treated, ${plan.holdout} held out (20%)`);
    expect(text(r.text)).toContain(`Budget in all ${plan.budgetTotal.toFixed(2)} EUR`);
    expect(text(r.text)).toMatch(/Minimum detectable lift \d+\.\d points/);
    expect(r.text).toContain('src="/console/campaigns/spring-hello/preview/step/1"');
    const email = await marketer.get('/console/campaigns/spring-hello/preview/step/1');
    expect(email.status).toBe(200);
    expect(email.headers.get('content-security-policy')).toContain("style-src 'unsafe-inline'");
    expect(email.headers.get('content-security-policy')).toContain('sandbox');
    expect(email.text).toContain('<html');
    expect(email.text).not.toContain(`${shop.services.config.publicUrl}/o/`);
    expect((await marketer.get('/console/campaigns/spring-hello/preview/step/9')).status).toBe(404);
    expect((await marketer.get('/console/campaigns/no-such/preview')).status).toBe(400);
  });

  it('names the money on the confirmation page, launches only on its POST, and only once for a double submit', async () => {
    const confirm = await marketer.post('/console/campaigns/spring-hello/launch', { incident: '' });
    expect(confirm.status).toBe(200);
    const { plan } = await shop.services.campaigns().plan(shop.services.campaigns().campaign('spring-hello'));
    expect(text(confirm.text)).toContain(`You are about to spend up to ${plan.budgetTotal.toFixed(2)} EUR in offers on ${plan.treated} customers; ${plan.holdout} held out.`);
    expect(confirm.text).toContain('name="runs" value="0"');
    expect(await runs()).toBe(0);
    // Without the CSRF token nothing launches.
    expect((await marketer.post('/console/campaigns/spring-hello/launch/confirm', { runs: '0', incident: '' }, { csrf: false })).status).toBe(403);
    expect(await runs()).toBe(0);
    const first = await marketer.post('/console/campaigns/spring-hello/launch/confirm', { runs: '0', incident: '' });
    expect([first.status, first.location]).toEqual([303, '/console/runs/1?launched=1']);
    const again = await marketer.post('/console/campaigns/spring-hello/launch/confirm', { runs: '0', incident: '' });
    expect([again.status, again.location]).toEqual([303, '/console/runs/1?already=1']);
    expect(await runs()).toBe(1);
    const run = await marketer.get(again.location!);
    expect(text(run.text)).toContain('nothing was launched twice');
    expect(run.text).toContain('href="/console/campaigns/spring-hello/runs/1/outbox"');
    expect((await marketer.get('/console/campaigns/spring-hello')).text).toContain('href="/console/runs/1"');
  });

  it('shows the run\'s steps, pauses and resumes it (a second click is harmless), with the pause on the overview', async () => {
    await shop.dispatch();
    const page = await marketer.get('/console/runs/1');
    expect(page.status).toBe(200);
    expect(page.text).toContain('action="/console/runs/1/pause"');
    expect(text(page.text)).toMatch(/Step 1 100% (\d+) of \1 settled 0 \1 0 0 0 0/);
    for (let i = 0; i < 2; i++) expect((await marketer.post('/console/runs/1/pause')).location).toBe('/console/runs/1');
    expect(await state(1)).toBe('paused');
    const audit: { actor: string; action: string }[] = await shop.services.db.reader.query("SELECT actor, action FROM audit_log WHERE action IN ('launch', 'pause') ORDER BY id");
    expect(audit).toEqual([{ actor: 'console:marketer@shop.test', action: 'launch' }, { actor: 'console:marketer@shop.test', action: 'pause' }]);
    const overview = text((await owner.get('/console')).text);
    expect(overview).toMatch(/Run 1 \(spring-hello\) is paused: paused by the marketer at \d+ \w+ \d{4} at \d\d:\d\d Open run 1/);
    expect((await marketer.get('/console/runs/1')).text).toContain('action="/console/runs/1/resume"');
    expect((await marketer.post('/console/runs/1/resume')).status).toBe(303);
    expect(await state(1)).toBe('active');
  });

  it('cancels only after its confirmation page, and nothing still due goes out', async () => {
    const ask = await marketer.get('/console/runs/1/cancel');
    expect(ask.status).toBe(200);
    expect(text(ask.text)).toContain('It cannot be undone');
    expect(await state(1)).toBe('active');
    expect((await marketer.post('/console/runs/1/cancel')).location).toBe('/console/runs/1');
    expect(await state(1)).toBe('cancelled');
    const [{ due }] = await shop.services.db.reader.query("SELECT CAST(COUNT(*) AS INTEGER) AS due FROM sends WHERE run_id = 1 AND status IN ('scheduled', 'retry')");
    expect(Number(due)).toBe(0);
    const page = await marketer.get('/console/runs/1');
    expect(page.text).not.toContain('/console/runs/1/resume"');
    expect(page.text).not.toContain('/console/runs/1/cancel"');
  });

  it('reports with four charts, each a canvas and a JSON config (no inline script), and the CSV the CLI writes', async () => {
    const r = await owner.get('/console/runs/1/report');
    expect(r.status).toBe(200);
    const ids = [...r.text.matchAll(/<canvas data-chart="([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toEqual(['chart-curve', 'chart-spend', 'chart-funnel', 'chart-steps']);
    for (const id of ids) {
      const json = new RegExp(`<script type="application/json" id="${id}">([^<]*)</script>`).exec(r.text);
      expect(JSON.parse(json![1]).type).toBe('bar');
    }
    expect(r.text).not.toMatch(/<script>(?!<\/script>)|<script(?![^>]*(src=|type="application\/json"))/);
    expect(r.text).toMatch(/<script src="\/console\/assets\/chart-[0-9a-f]{10}\.js" defer><\/script>/);
    const csv = await owner.get('/console/runs/1/report.csv');
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename=rekindle-run-1-spring-hello.csv');
    expect(csv.text).toBe(reportCsv(await runReport(shop.services, 1)));
  });

  it('still shows a campaign\'s runs when its file is gone, and 404 for a campaign with neither', async () => {
    renameSync(path.join(shop.dir, 'campaigns', 'spring-hello.json'), path.join(shop.dir, 'spring-hello.json.old'));
    const page = await marketer.get('/console/campaigns/spring-hello');
    expect(page.status).toBe(200);
    expect(text(page.text)).toContain('The campaign file cannot be read: no campaign "spring-hello"');
    expect(page.text).toContain('href="/console/runs/1"');
    expect((await marketer.get('/console/campaigns/never-launched')).status).toBe(404);
    renameSync(path.join(shop.dir, 'spring-hello.json.old'), path.join(shop.dir, 'campaigns', 'spring-hello.json'));
  });

  it('answers 404 for a run that does not exist', async () => {
    for (const path of ['/console/runs/99', '/console/runs/abc', '/console/runs/99/report', '/console/runs/99/report.csv']) {
      expect({ path, status: (await marketer.get(path)).status }).toEqual({ path, status: 404 });
    }
  });
});
