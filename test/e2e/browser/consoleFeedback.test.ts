/**
 * The feedback inbox in a real headless Chromium, signed in through the form as a marketer: the
 * inbox and a case page have no serious or critical axe-core finding and no console error; a
 * reply typed into the case page lands in the outbox as a plain email in the marketer's name,
 * threaded to the case. Screenshots: docs/screenshots/console-feedback.png and
 * console-feedback-case.png.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import type { Browser, Page } from 'playwright-core';
import { saveFeedback } from '../../../src/customer/feedback';
import { parseForwardedEmail, recordForwardedEmail } from '../../../src/feedback/inbound';
import { caseThreadId } from '../../../src/feedback/messageIds';
import { sendReply } from '../../../src/feedback/replies';
import { resolveCase } from '../../../src/feedback/caseActions';
import { REPLY_FOLDER } from '../../../src/feedback/replyMail';
import { freePort, launchChromium, seriousViolations } from '../../support/browser';
import { anOffer } from '../../support/campaignFixtures';
import { DAY_MS, TestClock } from '../../support/campaignShop';
import { signInPage, startConsole, StartedConsole } from '../../support/console';

const SHOTS = path.resolve(__dirname, '../../../docs/screenshots');
const OPENED = '2025-06-20T08:00:00.000Z';

describe('the feedback inbox in a browser', () => {
  const clock = new TestClock(OPENED);
  let c: StartedConsole;
  let browser: Browser;
  let page: Page;
  let port: number;
  let jonasCase: number;
  const problems: string[] = [];

  beforeAll(async () => {
    port = await freePort();
    c = await startConsole({ clock: clock.now, port, settings: { PUBLIC_URL: `http://127.0.0.1:${port}`, SHOP_NAME: 'Bean There', SHOP_TIMEZONE: 'Europe/Berlin', MAIL_FROM: 'hello@beanthere.example' } });
    const db = c.services.db;
    const [jonas, lea, tom] = [await anOffer(db, { firstName: 'Jonas' }), await anOffer(db, { firstName: 'Lea' }), await anOffer(db, { firstName: 'Tom' })];
    const write = (who: typeof jonas, text: string) => saveFeedback(db, { customerId: who.customerId, runId: who.runId, sendId: who.sendId, incidentId: null }, text, clock.now());
    jonasCase = await write(jonas, 'My last order arrived nine days late and nobody told me why.\n\nI used to order every month. A word from you would have been enough.');
    clock.advance(DAY_MS);
    const leaCase = await write(lea, 'The beans were stale. Please check your stock.');
    await sendReply(c.services, leaCase, { id: c.owner.id, name: 'Olga Owner' }, 'Dear Lea, you are right; we have thrown out the old batch.', 'browser-seed-0001');
    await resolveCase(db, leaCase, clock.now());
    await write(tom, 'Could you send the grinder manual again?');
    clock.advance(DAY_MS * 1.5);
    await recordForwardedEmail(db, parseForwardedEmail({ from: 'sam@elsewhere.example', name: 'Sam Stranger', subject: 'Re: It has been a while', text: 'Is the Yirgacheffe back?', messageId: '<sam-1@elsewhere.example>' }, clock.now()));
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.on('request', (request) => {
      if (!request.url().startsWith(`http://127.0.0.1:${port}/`)) problems.push(`left the server: ${request.url()}`);
    });
    page = await context.newPage();
    page.on('console', (message) => {
      // Chromium asks for /favicon.ico on its own; the console has none, and that is not this page's error.
      if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) problems.push(`${message.location().url}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
    await signInPage(page, c.baseUrl, 'marketer');
  });
  afterAll(async () => {
    await browser?.close();
    await c?.close();
  });
  afterEach(() => expect(problems.splice(0)).toEqual([]));

  it('lists the cases, the overdue one first and marked, with no serious accessibility problem', async () => {
    await page.goto(`${c.baseUrl}/console/feedback`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Feedback');
    const firstRow = page.locator('tbody tr').first();
    await expect(firstRow.locator('td').first().textContent()).resolves.toContain('Jonas');
    await expect(firstRow.locator('.bad').textContent()).resolves.toBe('overdue: waiting 2 days');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'console-feedback.png'), fullPage: true });
  });

  it('replies to a case from its page; the reply is in the outbox as a plain email in the marketer\'s name, threaded to the case', async () => {
    await page.getByRole('link', { name: 'Jonas' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Feedback from Jonas');
    await page.locator('#body').fill('Dear Jonas,\n\nyou are right, and I am sorry: your order sat in our warehouse for a week because of a labelling mistake. We now check every label before the parcel leaves.\n\nA fresh bag of your usual is on its way, on us.');
    await Promise.all([page.waitForURL(/#reply-\d+$/), page.getByRole('button', { name: 'Send reply' }).click()]);
    await expect(page.locator('article[id^="reply-"] h3').textContent()).resolves.toMatch(/^Maria Rossi replied/);
    await expect(page.locator('article[id^="reply-"] .good').textContent()).resolves.toBe('Reply sent');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'console-feedback-case.png'), fullPage: true });

    const dir = path.join(c.services.dir, 'outbox', REPLY_FOLDER);
    const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
    const mails = await Promise.all(files.map((f) => simpleParser(readFileSync(path.join(dir, f)))));
    const mail = mails.find((m) => m.text?.startsWith('Dear Jonas'));
    expect(mail?.from?.value).toEqual([{ name: 'Maria Rossi', address: 'hello@beanthere.example' }]);
    expect(mail?.subject).toBe('Re: How can we make it right?');
    expect(mail?.inReplyTo).toBe(caseThreadId(jonasCase, OPENED, `http://127.0.0.1:${port}`));
    expect(mail?.references).toBe(mail?.inReplyTo);
    expect(mail?.html).toBe(false);
    expect(mail?.text).toMatch(/A fresh bag of your usual is on its way, on us\.\n\nMaria Rossi\nBean There\n$/);
  });
});
