/**
 * A real headless Chromium, with JavaScript switched off, walks the customer's path from a link
 * in a real outbox email: the shipped win-back campaign is launched and played forward to its
 * offer email, the .eml is parsed, and its landing link is followed. Landing page → redeem →
 * code shown → reload shows the same code → feedback sent → unsubscribe. Every page is saved
 * to docs/screenshots/, and no request may leave the loopback server.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { aDefinition, anIncident, anOffer, tokensFor } from '../../support/campaignFixtures';
import { lapsedCustomers, openShop, Shop } from '../../support/campaignShop';
import { freePort, launchChromium } from '../../support/browser';
import { listenCustomer, Listening } from '../../support/customerApp';

const SHOTS = path.resolve(__dirname, '../../../docs/screenshots');
/** The shipped win-back campaign in the words of this coffee shop (the shipped news is the CDNOW sample's). */
const CAMPAIGN = 'bean-there-winback';
const BEAN_THERE = {
  with: {
    content: {
      whatsNew: [
        { title: 'Fresh roasts every Tuesday', detail: 'Everything we ship is roasted in the same week, and the roast date is on every bag.' },
        { title: 'Free returns', detail: 'If a coffee is not for you, send it back within 30 days and we refund you in full.' },
      ],
    },
    spokesperson: { name: 'Maria Rossi', role: 'Founder', replyTo: 'maria@shop.example', talkToUs: '+49 30 1234 5678' },
  },
};

describe('a customer in a real browser, from an email in the outbox', () => {
  let shop: Shop;
  let http: Listening;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let landingUrl: string;
  const foreign: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    shop = await openShop({ customers: lapsedCustomers(8), settings: { PUBLIC_URL: `http://127.0.0.1:${port}` }, campaigns: { [CAMPAIGN]: BEAN_THERE } });
    await shop.services.campaigns().launch(CAMPAIGN, {});
    // Step 2 is the offer email, a week after launch.
    await shop.playForward(new Date(new Date(shop.clock.now()).getTime() + 8 * 86_400_000).toISOString());
    landingUrl = await offerLinkFromOutbox(shop);
    http = await listenCustomer(shop.services, {}, port);
    browser = await launchChromium();
    context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1024, height: 900 } });
    context.on('request', (request) => {
      if (!request.url().startsWith(`http://127.0.0.1:${port}/`)) foreign.push(request.url());
    });
    page = await context.newPage();
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await http?.close();
    await shop?.dispose();
  });

  const shot = (name: string, target: Page = page, fullPage = true) => target.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });

  it('shows the personal page, greeting the customer and offering to reveal the code', async () => {
    const response = await page.goto(landingUrl);
    expect(response?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toMatch(/^Welcome back/);
    await expect(page.locator('.shop-name').textContent()).resolves.toBe('Bean There');
    await expect(page.locator('#make-it-right h2').textContent()).resolves.toBe('How can we make it right?');
    await shot('1-landing');
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(landingUrl);
    await shot('1-landing-phone', phone);
    await phone.close();
  });

  it('reveals a code on the button press, and the same code after a reload', async () => {
    await page.getByRole('button', { name: 'Show my code' }).click();
    await page.waitForURL(/#your-code$/);
    const code = (await page.locator('.code').textContent())?.trim() ?? '';
    expect(code).toMatch(/^[A-Z0-9]{4,}(-[A-Z0-9]{4,})+$/);
    // What the customer sees: the browser scrolled to the code.
    await shot('2-code', page, false);
    await page.reload();
    await expect(page.locator('.code').textContent()).resolves.toBe(code);
    const rows = await shop.services.db.reader.query('SELECT code FROM codes');
    expect(rows).toEqual([{ code }]);
  });

  it('sends "how can we make it right?" with the keyboard alone', async () => {
    await page.locator('#message').focus();
    await page.keyboard.type('The last parcel arrived crushed. A sturdier box would win me back.');
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement.textContent')).resolves.toMatch(/^Send to /);
    const before = page.url();
    await page.keyboard.press('Enter');
    // Enter starts a navigation that waitForLoadState() alone did not wait for (it answered for
    // the page being left): wait for the page the form posts to.
    await page.waitForURL((url) => url.href !== before);
    await page.waitForLoadState();
    await expect(page.locator('h1').textContent()).resolves.toMatch(/^Thank you/);
    await shot('3-feedback-sent');
    const [row] = await shop.services.db.reader.query('SELECT message FROM feedback');
    expect(row.message).toBe('The last parcel arrived crushed. A sturdier box would win me back.');
  });

  it('unsubscribes from a confirmation page, never from the link alone', async () => {
    await page.goto(landingUrl);
    await page.getByRole('link', { name: /^Stop all emails/ }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Stop emails from Bean There?');
    expect(await shop.services.db.reader.query('SELECT CAST(COUNT(*) AS INTEGER) AS n FROM suppressions')).toEqual([{ n: 0 }]);
    await shot('4-unsubscribe');
    await page.getByRole('button', { name: 'Stop all emails' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('You will not hear from us again');
    await shot('5-unsubscribed');
    expect(await shop.services.db.reader.query('SELECT reason FROM suppressions')).toEqual([{ reason: 'unsubscribed' }]);
  });

  it('tells a customer whose offer ran out, or whose link broke, what happened and what they can still do', async () => {
    // The link outlives the offer (a 'keep in touch' answer still works): the page says it ended.
    shop.clock.advance(30 * 86_400_000);
    const after = await page.goto(landingUrl);
    expect(after?.status()).toBe(200);
    await expect(page.locator('body').textContent()).resolves.toContain('This offer ended on');
    // Months later the link itself has run out.
    shop.clock.advance(90 * 86_400_000);
    const ended = await page.goto(landingUrl);
    expect(ended?.status()).toBe(410);
    await expect(page.locator('h1').textContent()).resolves.toBe('This offer has ended');
    await expect(page.locator('#make-it-right textarea').count()).resolves.toBe(1);
    await shot('6-offer-ended');
    const broken = await page.goto(landingUrl.replace(/\/w\/([A-Za-z0-9_-]{10})/, '/w/$1x'));
    expect(broken?.status()).toBe(404);
    await shot('7-link-broken');
  });

  it('owns up first on an apology, then says what the shop is doing and what it owes', async () => {
    const now = shop.clock.now();
    const until = new Date(now.getTime() + 60 * 86_400_000);
    const incidentId = await anIncident(shop.services.db);
    const apology = aDefinition({ name: 'incident-apology', kind: 'incident', holdout: 0, audience: { incidentAffected: true }, spokesperson: { name: 'Maria Rossi', role: 'Founder', replyTo: 'maria@shop.example' } });
    const makeGood = { id: `make-good:${incidentId}`, kind: 'fixed_credit', label: 'A 12.40 EUR credit to make up for what happened', amount: '12.40', pRedeem: 1 };
    const offer = await anOffer(shop.services.db, { definition: apology, incidentId, treatment: 'make-good', rung: makeGood, offerExpiresAt: until, firstName: 'Sofia' });
    await page.goto(landingUrl.replace(/\/w\/[^?]+/, `/w/${tokensFor(shop.services.signer(), offer.sendId, until).landing}`));
    await expect(page.locator('h1').textContent()).resolves.toBe('Sofia, we got this wrong');
    await expect(page.locator('.offer-value').textContent()).resolves.toBe('We owe you a €12.40 credit on your next order.');
    await shot('8-apology');
  });

  it('made no request to anyone but the shop', () => {
    expect(foreign).toEqual([]);
  });
});

/** The landing link of an offer email (step 2) as the customer's mail program shows it. */
async function offerLinkFromOutbox(shop: Shop): Promise<string> {
  const [send] = await shop.services.db.reader.query(
    "SELECT s.id FROM sends s JOIN enrolments e ON e.id = s.enrolment_id WHERE s.step = 2 AND s.status = 'sent' AND e.treatment = 'offer' ORDER BY s.id LIMIT 1",
  );
  if (!send) throw new Error('no offer email was sent: did the campaign play forward to step 2?');
  const mail = await simpleParser(readFileSync(path.join(shop.env.OUTBOX_DIR, CAMPAIGN, `${send.id}.eml`)));
  const link = /href="(http:\/\/127\.0\.0\.1:\d+\/w\/[^"]+)"/.exec(String(mail.html));
  if (!link) throw new Error(`send ${send.id}: no landing link in the email`);
  // As the mail program does: the HTML attribute's character references decoded.
  return link[1].replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
}
