/**
 * The Outbox page over real HTTP, signed in as a marketer: a launched run's sends step by step,
 * and each sent email as the customer got it, compared with an independent MIME parser
 * (mailparser) reading the outbox file, or the message the SMTP sink received.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { lapsedCustomers, openShop, Shop, TWO_STEPS } from '../../support/campaignShop';
import { ConsoleClient, startConsole, StartedConsole } from '../../support/console';
import { SmtpSink, startSmtpSink } from '../../support/smtpSink';

const CAMPAIGN = 'bean-winback';
const pixelOf = /<img[^>]+src="https:\/\/rekindle\.beanthere\.example\/o\/[^"]+"[^>]*>/;

describe('the Outbox page, outbox delivery', () => {
  let shop: Shop;
  let c: StartedConsole;
  let marketer: ConsoleClient;
  let runId: number;
  beforeAll(async () => {
    shop = await openShop({ customers: lapsedCustomers(5), campaigns: { [CAMPAIGN]: TWO_STEPS } });
    runId = (await shop.services.campaigns().launch(CAMPAIGN, {})).runId;
    await shop.dispatch();
    c = await startConsole({ services: shop.services });
    marketer = await c.signIn('marketer');
  });
  afterAll(async () => {
    await c?.close();
    await shop?.dispose();
  });
  const outbox = (tail = '') => `/console/campaigns/${CAMPAIGN}/runs/${runId}/outbox${tail}`;

  it('lists the sends of step 1 with their status, and counts every step', async () => {
    const page = await marketer.get(outbox('?step=1'));
    expect(page.status).toBe(200);
    const sends = await shop.sends(runId);
    expect(sends.filter((s) => s.step === 1).map((s) => s.status)).toEqual(Array(5).fill('sent'));
    for (const s of sends.filter((x) => x.step === 1)) {
      expect(page.text).toContain(`<td>${s.email}`);
      expect(page.text).toContain(`href="${outbox(`/${s.id}`)}"`);
    }
    expect(page.text).toContain('5 sent');
    expect(page.text).toContain('Sends of step 1, 1 to 5 of 5');
  });

  it('lists step 2’s sends, written when step 1 left, as scheduled with no email to view yet', async () => {
    const page = await marketer.get(outbox('?step=2'));
    expect(page.status).toBe(200);
    expect(page.text).toContain('5 scheduled');
    expect(page.text.match(/<td class="">scheduled<\/td>/g)).toHaveLength(5);
    expect(page.text).not.toContain('View the email');
  });

  it('shows a sent email as the outbox file holds it, with neither its open pixel nor working links', async () => {
    const [send] = (await shop.sends(runId)).filter((s) => s.step === 1);
    const file = readFileSync(path.join(shop.dir, 'outbox', CAMPAIGN, `${send.id}.eml`));
    const expected = await simpleParser(file);
    const page = await marketer.get(outbox(`/${send.id}`));
    expect(page.status).toBe(200);
    const escaped = (text: string) => text.replace(/&/g, '&amp;').replace(/'/g, '&#x27;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    expect(page.text).toContain(`<th scope="row">Subject</th><td>${escaped(expected.subject as string)}</td>`);
    expect(page.text).toMatch(new RegExp(`<th scope="row">To</th><td>[^<]*&lt;${send.email.replace(/\./g, '\\.')}&gt;</td>`));
    expect(page.text).toContain('byte for byte what the customer got');
    expect(page.text).toContain(`<iframe class="email-frame" src="${outbox(`/${send.id}/html`)}"`);

    const html = await marketer.fetch(outbox(`/${send.id}/html`));
    expect(html.headers.get('content-security-policy')).toMatch(/^sandbox; default-src 'none'/);
    const body = await html.text();
    expect(expected.html).toMatch(pixelOf);
    expect(body).not.toMatch(pixelOf);
    expect(body).toBe((expected.html as string).replace(pixelOf, '').replace(/<head[^>]*>/i, (h) => `${h}<base target="_blank">`));

    const eml = await marketer.fetch(outbox(`/${send.id}/eml`));
    expect(eml.headers.get('content-type')).toMatch(/^message\/rfc822/);
    expect(Buffer.from(await eml.arrayBuffer()).equals(file)).toBe(true);
  });

  it('answers 404 for another campaign’s run, a send of another run, and a send that has not left', async () => {
    const sends = await shop.sends(runId);
    const scheduled = sends.find((s) => s.status !== 'sent');
    expect((await marketer.get(`/console/campaigns/nostalgia-winback/runs/${runId}/outbox`)).status).toBe(404);
    expect((await marketer.get(outbox('/999999'))).status).toBe(404);
    if (scheduled) expect((await marketer.get(outbox(`/${scheduled.id}`))).status).toBe(404);
    expect((await marketer.get(`/console/campaigns/${CAMPAIGN}/runs/abc/outbox`)).status).toBe(404);
  });
});

describe('the Outbox page, SMTP delivery', () => {
  let sink: SmtpSink;
  let shop: Shop;
  let c: StartedConsole;
  beforeAll(async () => {
    sink = await startSmtpSink();
    shop = await openShop({ customers: lapsedCustomers(2), campaigns: { [CAMPAIGN]: TWO_STEPS }, settings: { SMTP_URL: sink.url() } });
    await shop.services.campaigns().launch(CAMPAIGN, {});
    await shop.dispatch();
    c = await startConsole({ services: shop.services });
  });
  afterAll(async () => {
    await c?.close();
    await shop?.dispose();
    await sink?.close();
  });

  it('composes an email sent through SMTP again, as the customer got it', async () => {
    const marketer = await c.signIn('marketer');
    const [received] = await sink.messages();
    const [send] = (await shop.sends()).filter((s) => s.email === received.to);
    const base = `/console/campaigns/${CAMPAIGN}/runs/${send.runId}/outbox/${send.id}`;
    const page = await marketer.get(base);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Sent through SMTP: composed again');
    const body = await (await marketer.fetch(`${base}/html`)).text();
    expect(body).toBe((received.parsed.html as string).replace(pixelOf, '').replace(/<head[^>]*>/i, (h) => `${h}<base target="_blank">`));
    const eml = Buffer.from(await (await marketer.fetch(`${base}/eml`)).arrayBuffer());
    expect(eml.equals(received.raw)).toBe(true);
  });
});
