/**
 * The console's feedback inbox over real HTTP, signed in through the real sign-in, on a real
 * SQLite file with the real outbox: the inbox (longest waiting first, overdue marked), a case's
 * conversation, replying once however often the form is posted, assigning, resolving, reopening.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { saveFeedback } from '../../../src/customer/feedback';
import { parseForwardedEmail, recordForwardedEmail } from '../../../src/feedback/inbound';
import { REPLY_FOLDER } from '../../../src/feedback/replyMail';
import { anOffer, OfferFixture } from '../../support/campaignFixtures';
import { DAY_MS, TestClock } from '../../support/campaignShop';
import { ConsoleClient, startConsole, StartedConsole } from '../../support/console';

describe('console: feedback', () => {
  const clock = new TestClock('2025-06-20T10:00:00.000Z');
  let c: StartedConsole;
  let marketer: ConsoleClient;
  let jonas: OfferFixture;
  let pageCase: number;
  let emailCase: number;
  const outbox = () => {
    try {
      return readdirSync(path.join(c.services.dir, 'outbox', REPLY_FOLDER)).filter((f) => f.endsWith('.eml'));
    } catch {
      return [];
    }
  };
  const keyOf = (html: string) => /name="idempotencyKey" value="([^"]+)"/.exec(html)?.[1] as string;

  beforeAll(async () => {
    c = await startConsole({ clock: clock.now, settings: { SHOP_NAME: 'Bean There', SHOP_TIMEZONE: 'Europe/Berlin' } });
    jonas = await anOffer(c.services.db, { firstName: 'Jonas' });
    pageCase = await saveFeedback(c.services.db, { customerId: jonas.customerId, runId: jonas.runId, sendId: jonas.sendId, incidentId: null }, 'The parcel came late.\n\nAnd nobody told me why.', clock.now());
    clock.advance(DAY_MS);
    emailCase = (await recordForwardedEmail(c.services.db, parseForwardedEmail({ from: 'sam@elsewhere.example', name: 'Sam Stranger', subject: 'Your email', text: 'Who are you?', messageId: '<s1@elsewhere.example>' }, clock.now()))).caseId;
    clock.advance(DAY_MS + 60_000); // Jonas has now waited just over two days
    marketer = await c.signIn('marketer');
  });
  afterAll(async () => c?.close());

  it('lists the cases with the longest waiting first and the overdue one marked', async () => {
    const page = await marketer.get('/console/feedback');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<title>Feedback · Rekindle</title>');
    expect(page.text.indexOf('Jonas')).toBeGreaterThan(0);
    expect(page.text.indexOf('Jonas')).toBeLessThan(page.text.indexOf('Sam Stranger'));
    expect(page.text).toContain('1 customer has waited longer than 2 days for an answer');
    expect(page.text).toContain('<strong class="bad">overdue: waiting 2 days</strong>');
    expect(page.text).toContain('Waiting (2)');
    expect(page.text).toContain(`href="/console/feedback/${pageCase}"`);
    const mine = await marketer.get('/console/feedback?filter=mine');
    expect(mine.text).toContain('No open cases are yours');
  });

  it('shows a case: the customer\'s words, their campaign and step, and a reply form', async () => {
    const page = await marketer.get(`/console/feedback/${pageCase}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<p>The parcel came late.<br></p><p>And nobody told me why.<br></p>');
    expect(page.text).toContain('nostalgia-winback, run');
    expect(page.text).toContain('step 1 sent');
    expect(page.text).toContain('Reply as Maria Rossi');
    expect(page.text).toContain('subject “Re: How can we make it right?”');
    expect((await marketer.get('/console/feedback/999')).status).toBe(404);
    expect((await marketer.get('/console/feedback/nope')).status).toBe(404);
  });

  it('sends a reply once however often the form is posted, then shows it in the conversation', async () => {
    const key = keyOf((await marketer.get(`/console/feedback/${pageCase}`)).text);
    const fields = { body: 'Dear Jonas,\nthat was our mistake.', idempotencyKey: key };
    const [first, second] = [await marketer.post(`/console/feedback/${pageCase}/reply`, fields), await marketer.post(`/console/feedback/${pageCase}/reply`, fields)];
    expect(first.status).toBe(303);
    expect(second.location).toBe(first.location);
    expect(first.location).toMatch(new RegExp(`^/console/feedback/${pageCase}#reply-\\d+$`));
    expect(outbox()).toHaveLength(1);
    const page = await marketer.get(`/console/feedback/${pageCase}`);
    expect(page.text).toContain('Maria Rossi replied');
    expect(page.text).toContain('Reply sent');
    expect(page.text).toContain('Replied; with Maria Rossi');
    expect(keyOf(page.text)).not.toBe(key); // a new page view, a new reply
  });

  it('refuses a second answer written while a colleague\'s went out, keeping the draft', async () => {
    const owner = await c.signIn('owner');
    const [mine, theirs] = [(await marketer.get(`/console/feedback/${emailCase}`)).text, (await owner.get(`/console/feedback/${emailCase}`)).text];
    const seen = (html: string) => /name="seenReply" value="(\d+)"/.exec(html)?.[1] as string;
    const sent = outbox().length;
    expect((await owner.post(`/console/feedback/${emailCase}/reply`, { body: 'Hello Sam, we are a coffee shop.', idempotencyKey: keyOf(theirs), seenReply: seen(theirs) })).status).toBe(303);
    const late = await marketer.post(`/console/feedback/${emailCase}/reply`, { body: 'Hi Sam, sorry for the email.', idempotencyKey: keyOf(mine), seenReply: seen(mine) });
    expect(late.status).toBe(409);
    expect(late.text).toContain('Olga Owner replied to this case while you were writing');
    expect(late.text).toContain('>Hi Sam, sorry for the email.</textarea>');
    expect(outbox()).toHaveLength(sent + 1);
  });

  it('keeps what was typed and names the problem when a reply cannot go', async () => {
    const page = await marketer.post(`/console/feedback/${emailCase}/reply`, { body: '   ', idempotencyKey: 'console-key-0001' });
    expect(page.status).toBe(400);
    expect(page.text).toContain('Your reply: is empty');
    expect(outbox()).toHaveLength(2);
  });

  it('assigns, resolves once, and reopens', async () => {
    const owner = c.owner.id;
    expect((await marketer.post(`/console/feedback/${emailCase}/assign`, { assignee: String(owner) })).status).toBe(303);
    expect((await marketer.get(`/console/feedback/${emailCase}`)).text).toContain('Replied; with Olga Owner');
    expect((await marketer.post(`/console/feedback/${emailCase}/assign`, { assignee: '424242' })).status).toBe(400);
    expect((await marketer.post(`/console/feedback/${emailCase}/assign`, { assignee: '' })).status).toBe(303);
    expect((await marketer.get(`/console/feedback/${emailCase}`)).text).toContain('Replied; with nobody');
    expect((await marketer.post(`/console/feedback/${emailCase}/resolve`)).status).toBe(303);
    const again = await marketer.post(`/console/feedback/${emailCase}/resolve`);
    expect(again.status).toBe(409);
    expect(again.text).toContain(`case ${emailCase} is resolved already`);
    expect((await marketer.get('/console/feedback?filter=resolved')).text).toContain('Sam Stranger');
    expect((await marketer.post(`/console/feedback/${emailCase}/reopen`)).status).toBe(303);
    expect((await marketer.get(`/console/feedback/${emailCase}`)).text).toContain('Replied; with nobody');
  });
});
