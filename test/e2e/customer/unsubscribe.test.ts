import { anOffer, NOW, tokensFor } from '../../support/campaignFixtures';
import type { Listening } from '../../support/customerApp';
import { withCustomerServer } from '../../support/customerServer';
import type { TestServices } from '../../support/services';
import { formTo, postForm } from './pageForms';

describe('unsubscribing', () => {
  let s: TestServices;
  let http: Listening;
  withCustomerServer({ SHOP_NAME: 'Bean There' }, {}, (env) => ({ s, http } = env));

  const suppression = (email: string) => s.db.reader.query('SELECT reason, source, at FROM suppressions WHERE email = $1', [email]);
  const unsubscribeEvents = (sendId: number) => s.db.reader.query("SELECT customer_id, run_id, data FROM events WHERE type = 'unsubscribe' AND send_id = $1", [sendId]);
  const oneClick = (token: string, init: RequestInit = {}) =>
    fetch(http.url(`/u/${token}`), { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click', ...init });

  it('shows a confirmation page on GET (as a mail scanner would fetch it) and unsubscribes nobody', async () => {
    const offer = await anOffer(s.db, { firstName: 'Sofia' });
    const page = await fetch(http.url(`/u/${tokensFor(s.signer(), offer.sendId).unsubscribe}`));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Stop emails from Bean There?');
    expect(html).toContain('Sofia, press the button');
    expect(html).toContain('c•••@example.com');
    expect(html).not.toContain(offer.email);
    expect(await suppression(offer.email)).toEqual([]);
  });

  it('unsubscribes on the button\'s POST, for every later send at once', async () => {
    const offer = await anOffer(s.db);
    await s.db.write((tx) => tx.query("INSERT INTO sends (enrolment_id, run_id, customer_id, step, status, due_at) VALUES ($1, $2, $3, 2, 'scheduled', $4)", [offer.enrolmentId, offer.runId, offer.customerId, NOW.toISOString()]));
    const token = tokensFor(s.signer(), offer.sendId).unsubscribe;
    const form = formTo(await (await fetch(http.url(`/u/${token}`))).text(), '/u/');
    const done = await postForm(http.url(form.action), form.fields);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('You will not hear from us again');
    expect(await suppression(offer.email)).toEqual([{ reason: 'unsubscribed', source: 'page', at: NOW.toISOString() }]);
    expect(await s.db.reader.query('SELECT step, status, detail FROM sends WHERE enrolment_id = $1 ORDER BY step', [offer.enrolmentId])).toEqual([
      { step: 1, status: 'sent', detail: null },
      { step: 2, status: 'suppressed', detail: 'unsubscribed' },
    ]);
    expect(await unsubscribeEvents(offer.sendId)).toEqual([{ customer_id: offer.customerId, run_id: offer.runId, data: '{"source":"page"}' }]);
  });

  it('refuses the page\'s POST without its CSRF token', async () => {
    const offer = await anOffer(s.db);
    const response = await postForm(http.url(`/u/${tokensFor(s.signer(), offer.sendId).unsubscribe}`), { csrf: 'forged' });
    expect(response.status).toBe(403);
    expect(await suppression(offer.email)).toEqual([]);
  });

  it('takes the RFC 8058 one-click POST without cookie or token: 200, no redirect, once', async () => {
    const offer = await anOffer(s.db);
    const token = tokensFor(s.signer(), offer.sendId).unsubscribe;
    const first = await oneClick(token);
    expect(first.status).toBe(200);
    expect(first.headers.get('location')).toBeNull();
    expect(first.headers.get('set-cookie')).toBeNull();
    expect(await first.text()).toBe('Unsubscribed.\n');
    expect((await oneClick(token)).status).toBe(200);
    expect(await suppression(offer.email)).toEqual([{ reason: 'unsubscribed', source: 'one-click', at: NOW.toISOString() }]);
    expect(await unsubscribeEvents(offer.sendId)).toHaveLength(1);
  });

  it('takes the one-click body as multipart too, and turns a bounce into an unsubscribe', async () => {
    const offer = await anOffer(s.db);
    await s.db.write((tx) => tx.query("INSERT INTO suppressions (email, reason, source, at) VALUES ($1, 'bounced', 'smtp', $2)", [offer.email, NOW.toISOString()]));
    const form = new FormData();
    form.set('List-Unsubscribe', 'One-Click');
    const response = await fetch(http.url(`/u/${tokensFor(s.signer(), offer.sendId).unsubscribe}`), { method: 'POST', body: form, redirect: 'manual' });
    expect(response.status).toBe(200);
    expect(await suppression(offer.email)).toEqual([{ reason: 'unsubscribed', source: 'one-click', at: NOW.toISOString() }]);
  });

  it('honours an expired unsubscribe link, and refuses a tampered one', async () => {
    const offer = await anOffer(s.db);
    const expired = s.signer().sign({ sendId: String(offer.sendId), purpose: 'unsubscribe', expiresAt: Math.floor(NOW.getTime() / 1000) - 60 });
    expect((await fetch(http.url(`/u/${expired}`))).status).toBe(200);
    expect((await oneClick(expired)).status).toBe(200);
    expect(await suppression(offer.email)).toHaveLength(1);
    const other = await anOffer(s.db);
    const token = tokensFor(s.signer(), other.sendId).unsubscribe;
    expect((await oneClick(token.slice(0, -2))).status).toBe(404);
    expect((await oneClick(tokensFor(s.signer(), other.sendId).landing)).status).toBe(404);
    expect(await suppression(other.email)).toEqual([]);
  });
});
