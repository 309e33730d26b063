/**
 * A marketer in a real headless Chromium, signed in through the console's form, on the data
 * pages of a shop with the CDNOW sample imported, fitted and scored: the model page with its
 * charts drawn and a model check run from the button; a customer found and opened; an incident
 * recorded from an uploaded list and updated; a CSV with an error and then a good one uploaded,
 * the progress followed to the end. Every page: no console errors (under the console's CSP), no
 * serious or critical axe-core violation, a screenshot in docs/screenshots/.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { importCustomersFile } from '../../../src/import/fileImport';
import { fitModels } from '../../../src/scoring/fitService';
import { scoreCustomers } from '../../../src/scoring/scoreService';
import { freePort, launchChromium } from '../../support/browser';
import { signInPage, startConsole, StartedConsole } from '../../support/console';
import { cdnowShop } from '../../integration/scoring/cdnowShop';

const SHOTS = path.resolve(__dirname, '../../../docs/screenshots');
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

describe('a marketer on the console data pages, in a real browser', () => {
  let c: StartedConsole;
  let browser: Browser;
  let page: Page;
  let base: string;
  const errors: string[] = [];
  const files = mkdtempSync(path.join(os.tmpdir(), 'rekindle-upload-'));

  beforeAll(async () => {
    const port = await freePort();
    const s = await cdnowShop({ PUBLIC_URL: `http://127.0.0.1:${port}`, CAC: '30.00', WINBACK_SHARE: 0.5, GROSS_MARGIN: 0.4 });
    await importCustomersFile(path.resolve(__dirname, '../../../samples/cdnow/customers.csv'), 'generic', { db: s.db, clock: s.clock, shop: s.config.shop });
    await fitModels(s, { calibrationEnd: '1997-09-30' });
    await scoreCustomers(s);
    c = await startConsole({ services: s, port });
    base = c.baseUrl;
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    mkdirSync(SHOTS, { recursive: true });
    await signInPage(page, base, 'marketer');
    // From here on: the sign-in page (and the browser's favicon request on it) is not ours.
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await c?.close();
    await c?.services.dispose();
  });

  /** Serious and critical axe-core findings on the page as it is now. */
  async function axeProblems(): Promise<string[]> {
    await page.evaluate(AXE);
    // A string, run in the page: this project's TypeScript has no DOM types.
    const found: string[] = await page.evaluate(`axe.run().then((r) => r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`);
    return found;
  }

  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  it('model: parameters, the P(alive) map and the budget charts drawn; a check run from the button shows its chart', async () => {
    await page.goto(`${base}/console/model`);
    // Every chart on the page has a Chart.js instance drawn on its canvas.
    await page.waitForFunction(`(() => {
      const canvases = [...document.querySelectorAll('canvas[data-chart]')];
      return typeof Chart === 'function' && canvases.length === 3 && canvases.every((canvas) => Chart.getChart(canvas));
    })()`);
    await expect(page.locator('#fit-heading').textContent()).resolves.toBe('Model version 1');
    await page.getByRole('button', { name: 'Check the model against later orders' }).click();
    // The page follows the job's events and reloads itself when it ends.
    await page.locator('img[src^="data:image/svg+xml"]').waitFor({ timeout: 60_000 });
    expect(await page.evaluate(`document.querySelector('img[src^="data:image/svg+xml"]').naturalWidth`)).toBe(720);
    await expect(page.locator('#check-heading + p').textContent()).resolves.toContain('compared with what 2,357 customers bought');
    expect(await axeProblems()).toEqual([]);
    await shot('console-model');
  }, 90_000);

  it('customers: search by name, open one, read the advisor', async () => {
    await page.goto(`${base}/console/customers`);
    await page.fill('#customer-q', 'douglas');
    await Promise.all([page.waitForURL(/q=douglas/), page.getByRole('button', { name: 'Search' }).click()]);
    expect(await axeProblems()).toEqual([]);
    await Promise.all([page.waitForURL(/\/console\/customers\/\d+$/), page.getByRole('link', { name: 'Douglas' }).first().click()]);
    await expect(page.locator('h1').textContent()).resolves.toBe('Douglas');
    await expect(page.locator('#advice-heading').textContent()).resolves.toBe('What we may offer, and why');
    await expect(page.getByText('Douglas has been a customer since').count()).resolves.toBe(1);
    expect(await axeProblems()).toEqual([]);
    await shot('console-customer');
  });

  it('incidents: record one from an uploaded list, post an update', async () => {
    const affected = path.join(files, 'affected.csv');
    writeFileSync(affected, 'email,harmed amount\ncdnow-1@example.com,25.00\ncdnow-2@example.com,12.40\ncdnow-3@example.com\n');
    await page.goto(`${base}/console/incidents`);
    expect(await axeProblems()).toEqual([]);
    await page.fill('#incident-title', 'Late parcels in May');
    await page.fill('#incident-description', 'We shipped your May order nine days late and never told you why.');
    await page.fill('#incident-plan', 'A new courier from June, and a scan check every morning.');
    await page.fill('#incident-make-good', '10.00');
    await page.setInputFiles('#incident-affected', affected);
    await Promise.all([page.waitForURL(/\/console\/incidents\/1$/), page.getByRole('button', { name: 'Record the incident' }).click()]);
    await expect(page.locator('.cards li').first().textContent()).resolves.toContain('3 customers affected');
    await page.fill('#incident-message', "We found the parcels at the courier's depot in Leipzig.");
    await Promise.all([page.waitForURL(/queued=0/), page.getByRole('button', { name: 'Post it' }).click()]);
    await expect(page.locator('#updates-heading + ol li').textContent()).resolves.toContain('depot in Leipzig');
    expect(await axeProblems()).toEqual([]);
    await shot('console-incidents');
  });

  it('import: a CSV with an error shows the line-level error; a good one streams its progress to done', async () => {
    const bad = path.join(files, 'orders.csv');
    writeFileSync(bad, 'order_id,email,ordered_at,amount,currency\nn-1,new-1@example.com,1998-01-10T10:00:00Z,12.50,USD\nn-2,new-2@example.com,1998-01-11T10:00:00Z,"12,50",USD\n');
    await page.goto(`${base}/console/import`);
    expect(await axeProblems()).toEqual([]);
    const phone = await page.context().newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${base}/console/import`);
    await phone.screenshot({ path: path.join(SHOTS, 'console-import-phone.png'), fullPage: true });
    await phone.close();
    await page.selectOption('#import-kind', 'orders-generic');
    await page.setInputFiles('#import-file', bad);
    await page.getByRole('button', { name: 'Import' }).click();
    await page.locator('#import-error').waitFor({ timeout: 30_000 });
    await expect(page.locator('#import-error').textContent()).resolves.toMatch(/^orders\.csv:3: amount: "12,50"/);

    const good = path.join(files, 'more-orders.csv');
    const rows = Array.from({ length: 20_000 }, (_, i) => `m-${i},buyer-${i % 4000}@example.com,1998-0${1 + (i % 6)}-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z,${(10 + (i % 50)).toFixed(2)},USD`);
    writeFileSync(good, ['order_id,email,ordered_at,amount,currency', ...rows].join('\n'));
    await page.goto(`${base}/console/import`);
    await page.selectOption('#import-kind', 'orders-generic');
    await page.setInputFiles('#import-file', good);
    await page.getByRole('button', { name: 'Import' }).click();
    await page.locator('#job-outcome').waitFor({ timeout: 60_000 });
    expect(await page.evaluate(`document.querySelector('progress').value`)).toBe(1000);
    await expect(page.locator('#job-summary').textContent()).resolves.toContain('orders: 20,000 new');
    expect(await axeProblems()).toEqual([]);
    await shot('console-import');
  }, 90_000);

  it('logged no console error on any page', () => {
    expect(errors).toEqual([]);
  });
});
