/**
 * The console in a real headless Chromium: sign in through the form as each role, the pages
 * each role sees (the owner's Users and API keys; the marketer's Outbox and one email in it),
 * axe-core finding no serious or critical accessibility problem on any of them, no console
 * error (a CSP violation is one), and no request leaving the loopback server. Screenshots go to
 * docs/screenshots/console-*.png.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { freePort, launchChromium } from '../../support/browser';
import { lapsedCustomers, openShop, Shop, TWO_STEPS } from '../../support/campaignShop';
import { signInPage, startConsole, StartedConsole } from '../../support/console';

const SHOTS = path.resolve(__dirname, '../../../docs/screenshots');
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const CAMPAIGN = 'bean-winback';

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core run in the page (through the DevTools protocol, which the page's CSP does not govern). */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const violations = (await page.evaluate('axe.run(document).then((r) => r.violations)')) as Violation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('the console in a browser: signing in as each role', () => {
  let shop: Shop;
  let c: StartedConsole;
  let browser: Browser;
  let runId: number;
  let port: number;
  const foreign: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    port = await freePort();
    shop = await openShop({ customers: lapsedCustomers(6), campaigns: { [CAMPAIGN]: TWO_STEPS }, settings: { PUBLIC_URL: `http://127.0.0.1:${port}` } });
    runId = (await shop.services.campaigns().launch(CAMPAIGN, {})).runId;
    await shop.dispatch();
    c = await startConsole({ services: shop.services, port });
    await shop.services.apiKeys.create('checkout', 'Shop checkout');
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await c?.close();
    await shop?.dispose();
  });

  async function newPage(width = 1280): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    context.on('request', (request) => {
      if (!request.url().startsWith(`http://127.0.0.1:${port}/`)) foreign.push(request.url());
    });
    const page = await context.newPage();
    page.on('console', (message) => {
      // A 401 or 403 page is still a page: Chromium logs its status, which the tests expect.
      const documentStatus = message.location().url === page.url() && /status of 40[13]/.test(message.text());
      if (message.type() === 'error' && !documentStatus) errors.push(`${message.location().url}: ${message.text()}`);
    });
    page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`));
    return { context, page };
  }

  afterEach(() => {
    const seen = { errors: errors.splice(0), foreign: foreign.splice(0) };
    expect(seen).toEqual({ errors: [], foreign: [] });
  });

  it('shows the sign-in page, refuses a wrong password, and lets the owner manage users and keys', async () => {
    const { context, page } = await newPage();
    await page.goto(`${c.baseUrl}/console/users`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'console-sign-in.png'), fullPage: true });

    await page.fill('#email', 'owner@shop.test');
    await page.fill('#password', 'not the right one');
    await page.click('button[type="submit"]');
    expect(await page.textContent('[role="alert"]')).toContain('do not match an account');
    expect(await seriousViolations(page)).toEqual([]);

    await signInPage(page, c.baseUrl, 'owner');
    await page.goto(`${c.baseUrl}/console/users`);
    expect(await page.textContent('h1')).toBe('Users');
    expect(await page.locator('nav[aria-label="Console"] a').allTextContents()).toEqual(expect.arrayContaining(['Users', 'API keys']));
    await page.fill('#user-email', 'kim@shop.test');
    await page.fill('#user-name', 'Kim Lee');
    await page.selectOption('#user-role', 'marketer');
    await page.fill('#user-password', 'kims first password');
    await page.click('form[action="/console/users"] button[type="submit"]');
    expect(await page.textContent('[role="status"]')).toContain('Created kim@shop.test.');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'console-users.png'), fullPage: true });

    await page.goto(`${c.baseUrl}/console/keys`);
    await page.check('#key-role-checkout');
    await page.fill('#key-label', 'Second till');
    await page.click('form[action="/console/keys"] button[type="submit"]');
    expect(await page.inputValue('#new-key')).toMatch(/^rk_[a-f0-9]{16}_/);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'console-keys.png'), fullPage: true });

    await page.click('.who button[type="submit"]');
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    expect(await page.textContent('[role="status"]')).toContain('You are signed out.');
    await context.close();
  });

  it('lets a marketer read the outbox and an email in it, and shows them the 403 page on Users', async () => {
    const { context, page } = await newPage();
    await signInPage(page, c.baseUrl, 'marketer');
    expect(await page.locator('nav[aria-label="Console"] a').allTextContents()).not.toContain('Users');
    await page.goto(`${c.baseUrl}/console/campaigns/${CAMPAIGN}/runs/${runId}/outbox?step=1`);
    expect(await page.locator('tbody tr').count()).toBe(6);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'console-outbox.png'), fullPage: true });

    await page.click('tbody tr:first-child a');
    const frame = page.frameLocator('iframe.email-frame');
    await expect(frame.locator('body')).toBeTruthy();
    expect(await frame.locator('body').textContent()).toContain('Bean There');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'console-outbox-email.png'), fullPage: true });

    const forbidden = await page.goto(`${c.baseUrl}/console/users`);
    expect(forbidden?.status()).toBe(403);
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });

  it('fits a phone: the outbox at 390 pixels wide', async () => {
    const { context, page } = await newPage(390);
    await signInPage(page, c.baseUrl, 'marketer');
    await page.goto(`${c.baseUrl}/console/campaigns/${CAMPAIGN}/runs/${runId}/outbox?step=1`);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'console-outbox-phone.png'), fullPage: true });
    await context.close();
  });
});
