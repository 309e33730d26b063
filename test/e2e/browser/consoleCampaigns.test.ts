/**
 * The campaigns section in a real headless Chromium, signed in through the real sign-in form, on
 * the demo's shop (the CDNOW sample, its win-back played through its window by the demo's
 * simulated customers): overview, campaigns, a run, its report with every chart drawn, a preview
 * with its emails; then a campaign launched from the browser through the confirmation, paused and
 * resumed. Each page: axe-core finds no serious or critical violation, and nothing is written to
 * the browser console (a CSP refusal, a script error, a failed request). Screenshots go to
 * docs/screenshots/console-*.png.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { freePort, launchChromium } from '../../support/browser';
import { signInPage, startConsole, StartedConsole } from '../../support/console';
import { DemoShop, openDemoShop } from '../../support/demoShop';

const SHOTS = path.resolve(__dirname, '../../../docs/screenshots');
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

describe('the console\'s campaign pages in a browser', () => {
  let shop: DemoShop;
  let c: StartedConsole;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    shop = await openDemoShop({ PUBLIC_URL: `http://127.0.0.1:${port}` });
    c = await startConsole({ services: shop.services, port });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('console', (m) => {
      // A failed request is told by the response handler below, with its address.
      if ((m.type() === 'error' || m.type() === 'warning') && !m.text().startsWith('Failed to load resource')) problems.push(`${page.url()}: ${m.text()}`);
    });
    // The browser asks for /favicon.ico on its own; the console has none (not a page's request).
    page.on('response', (r) => {
      if (r.status() >= 400 && new URL(r.url()).pathname !== '/favicon.ico') problems.push(`${r.status()} ${r.url()}`);
    });
    page.on('pageerror', (e) => problems.push(`${page.url()}: ${e.message}`));
    context.on('request', (r) => {
      if (!r.url().startsWith(`http://127.0.0.1:${port}/`)) problems.push(`left the loopback: ${r.url()}`);
    });
    mkdirSync(SHOTS, { recursive: true });
    await signInPage(page, c.baseUrl, 'owner');
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await c?.close();
    await shop?.dispose();
  });

  const open = async (url: string) => {
    const response = await page.goto(`${c.baseUrl}${url}`);
    expect(response?.status()).toBe(200);
  };
  /** Every canvas on the page has a Chart.js chart with data in it (the test's TypeScript has no DOM: page code is a string). */
  const DRAWN = `(() => {
    const canvases = [...document.querySelectorAll('canvas[data-chart]')];
    return canvases.length > 0 && window.Chart !== undefined && canvases.every((c) => (window.Chart.getChart(c)?.data.datasets.length ?? 0) > 0);
  })()`;
  const chartsDrawn = (target: Page = page) => target.waitForFunction(DRAWN, undefined, { timeout: 10_000 });
  const serious = async (): Promise<string[]> => {
    await page.evaluate(AXE);
    const violations: { id: string; impact: string; nodes: { target: string[] }[] }[] = await page.evaluate(
      'axe.run().then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => ({ target: n.target })) })))',
    );
    return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  };
  const shot = (name: string, target: Page = page) => target.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  it('shows the campaigns, with the played run and the files to preview', async () => {
    await open('/console/campaigns');
    await expect(page.locator('h1').textContent()).resolves.toBe('Campaigns');
    await expect(page.locator('table').first().textContent()).resolves.toContain('summer-hello');
    await expect(page.getByRole('link', { name: `Run ${shop.runId}`, exact: true }).count()).resolves.toBe(1);
    expect(await serious()).toEqual([]);
    await shot('console-campaigns');
  });

  it('draws the report\'s four charts, with their figures in tables, on a phone too', async () => {
    await open(`/console/runs/${shop.runId}/report`);
    await chartsDrawn();
    await expect(page.locator('canvas[data-chart]').count()).resolves.toBe(4);
    await expect(page.locator('.cards').first().textContent()).resolves.toMatch(/Incremental margin\s*[\d,]+\.\d\d USD/);
    expect(await serious()).toEqual([]);
    await shot('console-report');
    const phone = await page.context().newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${c.baseUrl}/console/runs/${shop.runId}/report`);
    await chartsDrawn(phone);
    await shot('console-report-phone', phone);
    await phone.close();
  });

  it('previews a campaign with the money, the holdout and every email', async () => {
    await open('/console/campaigns/summer-hello/preview');
    await expect(page.locator('.cards').textContent()).resolves.toMatch(/Budget in all\s*[\d,]+\.\d\d USD/);
    const frames = page.locator('iframe.email-frame');
    await expect(frames.count()).resolves.toBe(4);
    for (let i = 0; i < 4; i++) {
      await expect(page.frameLocator('iframe.email-frame').nth(i).locator('body').textContent()).resolves.toContain('Second Spin Records');
    }
    // Styled in its frame: the email's own CSP lets its inline styles apply (the console's would not).
    const background = await page.frameLocator('iframe.email-frame').first().locator('body').evaluate('(b) => getComputedStyle(b).backgroundColor');
    expect(background).not.toBe('rgba(0, 0, 0, 0)');
    expect(await serious()).toEqual([]);
    // Chromium paints no sandboxed frame outside the viewport: a viewport as tall as the page shows every email.
    const height = Number(await page.evaluate('document.documentElement.scrollHeight'));
    await page.setViewportSize({ width: 1280, height });
    await shot('console-preview');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('launches from the browser only through the confirmation naming the money, then pauses and resumes the run', async () => {
    await page.getByRole('button', { name: 'Launch summer-hello…' }).click();
    await page.waitForURL(/\/launch$/);
    await expect(page.locator('main').textContent()).resolves.toMatch(/You are about to spend up to [\d,]+\.\d\d USD in offers on [\d,]+ customers; [\d,]+ held out\./);
    const [{ n: before }] = await shop.services.db.reader.query('SELECT CAST(COUNT(*) AS INTEGER) AS n FROM campaign_runs');
    expect(Number(before)).toBe(1);
    expect(await serious()).toEqual([]);
    await page.getByRole('button', { name: /^Yes, launch summer-hello for [\d,]+ customers$/ }).click();
    await page.waitForURL(/\/console\/runs\/\d+\?launched=1$/);
    const runId = Number(/runs\/(\d+)/.exec(page.url())![1]);
    expect(runId).toBe(shop.runId + 1);
    await expect(page.locator('[role="status"]').textContent()).resolves.toContain(`Launched: run ${runId} is sending`);
    await shop.services.dispatcher().dispatchOnce();
    await page.getByRole('button', { name: `Pause run ${runId}` }).click();
    await page.waitForURL(new RegExp(`/console/runs/${runId}$`));
    await expect(page.locator('.cards').textContent()).resolves.toContain('paused');
    await page.getByRole('button', { name: `Resume run ${runId}` }).click();
    await expect(page.getByRole('button', { name: `Pause run ${runId}` }).count()).resolves.toBe(1);
    expect((await shop.services.db.reader.query('SELECT state FROM campaign_runs WHERE id = $1', [runId]))[0].state).toBe('active');
    expect(await serious()).toEqual([]);
    await shot('console-run');
  });

  it('shows the overview: the running campaign, the week\'s figures in a chart, and what needs attention', async () => {
    await open('/console');
    await chartsDrawn();
    await expect(page.locator('h1').textContent()).resolves.toBe('Overview');
    await expect(page.locator('#running-h + .table-wrap').textContent()).resolves.toContain('summer-hello');
    const alerts = await page.locator('.alert').allTextContents();
    expect(alerts).toContainEqual(expect.stringMatching(/The model \(version 1\) was fitted on 1 July 1998/));
    expect(await serious()).toEqual([]);
    await shot('console-overview');
  });

  it('wrote nothing to the browser console and asked nothing of any other host', () => {
    expect(problems).toEqual([]);
  });
});
