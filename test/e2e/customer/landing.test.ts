import { createCsrf } from '../../../src/web/customer/csrf';
import { aDefinition, anIncident, anOffer, NOW, tokensFor } from '../../support/campaignFixtures';
import type { Listening } from '../../support/customerApp';
import { withCustomerServer } from '../../support/customerServer';
import { formTo, postForm } from './pageForms';
import type { TestServices } from '../../support/services';

describe('the welcome-back page', () => {
  let s: TestServices;
  let http: Listening;
  withCustomerServer({ SHOP_NAME: 'Bean There', PUBLIC_URL: 'https://rekindle.beanthere.example' }, { limits: { actions: 1000 } }, (env) => ({ s, http } = env));

  const get = (path: string, init?: RequestInit) => fetch(http.url(path), { redirect: 'manual', ...init });
  const events = async (type: string, sendId: number) =>
    (await s.db.reader.query('SELECT type, customer_id, run_id, send_id, data FROM events WHERE type = $1 AND send_id = $2', [type, sendId])) as any[];

  it('greets by first name, shows their history, the offer and the feedback form, and changes nothing but a view counter', async () => {
    const offer = await anOffer(s.db, { firstName: 'maria' });
    const t = tokensFor(s.signer(), offer.sendId);
    const response = await get(`/w/${t.landing}?utm_source=rekindle`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Welcome back, Maria');
    expect(html).toContain('Bean There');
    expect(html).toContain('12 March 2019');
    expect(html).toContain('Ethiopia Yirgacheffe');
    expect(html).toContain('15% off your next order');
    expect(html).toContain('11 July 2025');
    expect(html).toContain('id="make-it-right"');
    expect(html).toContain('How can we make it right?');
    expect(html).toMatch(/<form method="post" action="\/r\/[A-Za-z0-9_-]+">/);
    expect(html).not.toMatch(/<script/i);
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none';style-src 'self';img-src 'self';form-action 'self';base-uri 'none';frame-ancestors 'none'");
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await s.db.reader.query('SELECT CAST(COUNT(*) AS INTEGER) AS n FROM codes')).toEqual([{ n: 0 }]);
    expect(await events('landing', offer.sendId)).toEqual([{ type: 'landing', customer_id: offer.customerId, run_id: offer.runId, send_id: offer.sendId, data: null }]);
  });

  it('tells a customer who bought once, a month ago, nothing about staying with us long', async () => {
    const offer = await anOffer(s.db, { facts: { firstOrderDay: '2025-06-02', lastOrderDay: '2025-06-02', orders: 1, favouriteProducts: [] } });
    const html = await (await get(`/w/${tokensFor(s.signer(), offer.sendId).landing}`)).text();
    expect(html).toContain('You first ordered from Bean There on 2 June 2025');
    expect(html).not.toContain('that long');
    expect(html).toContain('You chose a small shop when you could have gone anywhere');
  });

  it('says what went wrong and what we are doing, for an apology', async () => {
    const incidentId = await anIncident(s.db);
    const offer = await anOffer(s.db, { firstName: null, incidentId, definition: aDefinition({ name: 'incident-apology', kind: 'incident', holdout: 0, audience: { incidentAffected: true } }) });
    const html = await (await get(`/w/${tokensFor(s.signer(), offer.sendId).landing}`)).text();
    expect(html).toContain('We got this wrong');
    expect(html).toContain('We shipped your order of 3 June nine days late, and we never told you why. That was our mistake, and I am sorry.');
    expect(html).toContain('We have moved to a second courier');
  });

  it('reveals the code by POST with its CSRF token, the same code on every later visit', async () => {
    const offer = await anOffer(s.db);
    const landing = `/w/${tokensFor(s.signer(), offer.sendId).landing}`;
    const form = formTo(await (await get(landing)).text(), '/r/');
    const redeemed = await postForm(http.url(form.action), form.fields);
    expect(redeemed.status).toBe(303);
    const location = redeemed.headers.get('location') as string;
    expect(location).toMatch(/^\/w\/[A-Za-z0-9_-]+#your-code$/);
    const [{ code }] = await s.db.reader.query('SELECT code FROM codes WHERE enrolment_id = $1', [offer.enrolmentId]);
    const shown = await (await get(location.split('#')[0])).text();
    expect(shown).toContain(`<p class="code" aria-labelledby="code-label">${code}</p>`);
    expect(shown).not.toContain('Show my code');
    expect((await postForm(http.url(form.action), form.fields)).status).toBe(303);
    expect(await (await get(landing)).text()).toContain(code);
    expect(await s.db.reader.query('SELECT CAST(COUNT(*) AS INTEGER) AS n FROM codes WHERE enrolment_id = $1', [offer.enrolmentId])).toEqual([{ n: 1 }]);
  });

  it('refuses a redeem without its CSRF token, with a forged one, or by GET, and issues nothing', async () => {
    const offer = await anOffer(s.db);
    const form = formTo(await (await get(`/w/${tokensFor(s.signer(), offer.sendId).landing}`)).text(), '/r/');
    const missing = await postForm(http.url(form.action), {});
    expect(missing.status).toBe(403);
    expect(await missing.text()).toContain('This form has gone stale');
    expect((await postForm(http.url(form.action), { csrf: 'A'.repeat(22) })).status).toBe(403);
    const other = await anOffer(s.db);
    const foreignForm = formTo(await (await get(`/w/${tokensFor(s.signer(), other.sendId).landing}`)).text(), '/r/');
    expect((await postForm(http.url(form.action), foreignForm.fields)).status).toBe(403);
    const byGet = await get(form.action);
    expect(byGet.status).toBe(405);
    expect(byGet.headers.get('allow')).toBe('POST');
    expect(await s.db.reader.query('SELECT CAST(COUNT(*) AS INTEGER) AS n FROM codes WHERE enrolment_id = $1', [offer.enrolmentId])).toEqual([{ n: 0 }]);
  });

  it('offers no button without an offer, and a forged redeem there issues nothing', async () => {
    const offer = await anOffer(s.db, { rung: null });
    const html = await (await get(`/w/${tokensFor(s.signer(), offer.sendId).landing}`)).text();
    expect(html).not.toContain('Show my code');
    expect(html).toContain('id="make-it-right"');
    const token = tokensFor(s.signer(), offer.sendId).redeem;
    const csrf = createCsrf({ current: s.secret().key }).token('redeem', token);
    const response = await postForm(http.url(`/r/${token}`), { csrf });
    expect(response.status).toBe(303);
    expect(await s.db.reader.query('SELECT CAST(COUNT(*) AS INTEGER) AS n FROM codes WHERE enrolment_id = $1', [offer.enrolmentId])).toEqual([{ n: 0 }]);
  });

  it('stores "how can we make it right?" with the customer, run and incident', async () => {
    const incidentId = await anIncident(s.db);
    const offer = await anOffer(s.db, { incidentId, definition: aDefinition({ name: 'incident-apology', kind: 'incident', holdout: 0, audience: { incidentAffected: true } }) });
    const form = formTo(await (await get(`/w/${tokensFor(s.signer(), offer.sendId).landing}`)).text(), '/w/');
    const sent = await postForm(http.url(form.action), { ...form.fields, message: '  The parcel came late twice.\r\nA call would have helped. <b>x</b> ' });
    expect(sent.status).toBe(200);
    expect(await sent.text()).toContain('Thank you, Maria');
    expect(await s.db.reader.query('SELECT customer_id, run_id, send_id, incident_id, message, at FROM feedback WHERE send_id = $1', [offer.sendId])).toEqual([
      { customer_id: offer.customerId, run_id: offer.runId, send_id: offer.sendId, incident_id: incidentId, message: 'The parcel came late twice.\nA call would have helped. <b>x</b>', at: NOW.toISOString() },
    ]);
    expect(await events('feedback', offer.sendId)).toHaveLength(1);
  });

  it('asks again for an empty message, refuses one without its token, and a body too large to read', async () => {
    const offer = await anOffer(s.db);
    const form = formTo(await (await get(`/w/${tokensFor(s.signer(), offer.sendId).landing}`)).text(), '/w/');
    const empty = await postForm(http.url(form.action), { ...form.fields, message: ' \n ' });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('Your message is empty; write a few words, however short.');
    expect((await postForm(http.url(form.action), { message: 'hello' })).status).toBe(403);
    const huge = await postForm(http.url(form.action), { ...form.fields, message: 'x'.repeat(200_000) });
    expect(huge.status).toBe(413);
    expect(await huge.text()).toContain('That was more than we can take');
    const long = await postForm(http.url(form.action), { ...form.fields, message: 'y'.repeat(5001) });
    expect(long.status).toBe(400);
    expect(await s.db.reader.query('SELECT CAST(COUNT(*) AS INTEGER) AS n FROM feedback WHERE send_id = $1', [offer.sendId])).toEqual([{ n: 0 }]);
  });

  it('200 concurrent redeem POSTs for one offer issue exactly one code, and every one of them sees it', async () => {
    const offer = await anOffer(s.db);
    const form = formTo(await (await get(`/w/${tokensFor(s.signer(), offer.sendId).landing}`)).text(), '/r/');
    const responses = await Promise.all(Array.from({ length: 200 }, () => postForm(http.url(form.action), form.fields)));
    expect(responses.map((r) => r.status)).toEqual(Array(200).fill(303));
    const codes = await s.db.reader.query('SELECT code FROM codes WHERE enrolment_id = $1', [offer.enrolmentId]);
    expect(codes).toHaveLength(1);
    const shown = await (await get(responses[199].headers.get('location')!.split('#')[0])).text();
    expect(shown).toContain(codes[0].code);
  });
});
