import pino from 'pino';
import { createLinkSigner, epochSeconds } from '../../../src/links/tokens';
import { loggablePath } from '../../../src/web/logPaths';
import { aDefinition, anOffer, NOW, tokensFor } from '../../support/campaignFixtures';
import { listenCustomer, Listening } from '../../support/customerApp';
import { withCustomerServer } from '../../support/customerServer';
import { testServices, TestServices } from '../../support/services';
import { formTo, postForm } from './pageForms';

const YESTERDAY = new Date(NOW.getTime() - 86_400_000);
/** PUBLIC_URL here ends in /rekindle, which a reverse proxy strips before the request reaches the app. */
const local = (path: string) => path.replace(/^\/rekindle/, '');

describe('signed links: tampered, truncated, foreign, expired, rotated', () => {
  let s: TestServices;
  let http: Listening;
  withCustomerServer({ SHOP_NAME: 'Bean There', PUBLIC_URL: 'https://beanthere.example/rekindle' }, {}, (env) => ({ s, http } = env));

  const get = (path: string) => fetch(http.url(path), { redirect: 'manual' });
  const count = async (sql: string, params: unknown[] = []) => Number((await s.db.reader.query(sql, params))[0].n);
  const eventsOf = (sendId: number) => count('SELECT CAST(COUNT(*) AS INTEGER) AS n FROM events WHERE send_id = $1', [sendId]);

  it('answers a tampered, truncated, foreign-purpose or foreign-key token with a clear 404 page, and records nothing', async () => {
    const offer = await anOffer(s.db);
    const t = tokensFor(s.signer(), offer.sendId);
    const middle = t.landing.length >> 1;
    const flipped = t.landing.slice(0, middle) + (t.landing[middle] === 'A' ? 'B' : 'A') + t.landing.slice(middle + 1);
    const stranger = createLinkSigner({ current: 'another-shop-entirely-0123456789abcdef' });
    const bad = [flipped, t.landing.slice(0, -3), t.click, t.unsubscribe, tokensFor(stranger, offer.sendId).landing, 'not-a-token', 'A'.repeat(300)];
    for (const token of bad) {
      const response = await get(`/w/${token}`);
      expect(response.status).toBe(404);
      const html = await response.text();
      expect(html).toContain('We could not open this link');
      expect(html).toContain('Bean There');
    }
    expect((await get(`/u/${t.landing}`)).status).toBe(404);
    expect((await get(`/c/${t.landing}?to=video`)).status).toBe(404);
    expect((await get(`/w/${tokensFor(s.signer(), 987_654_321).landing}`)).status).toBe(404);
    const cutBeforeToken = await get('/w/');
    expect([cutBeforeToken.status, (await cutBeforeToken.text()).includes('We could not open this link')]).toEqual([404, true]);
    expect(await eventsOf(offer.sendId)).toBe(0);
  });

  it('answers an expired link with 410 "this offer has ended", from which the customer can still write or unsubscribe', async () => {
    const offer = await anOffer(s.db, { firstName: 'Jonas' });
    const t = tokensFor(s.signer(), offer.sendId, YESTERDAY);
    const response = await get(`/w/${t.landing}`);
    expect(response.status).toBe(410);
    const html = await response.text();
    expect(html).toContain('This offer has ended');
    expect(html).toContain('Jonas, the link you followed was good until 19 June 2025');
    expect(html).toContain('id="make-it-right"');
    expect(html).not.toContain('Show my code');
    expect((await get(`/c/${t.click}?to=video`)).status).toBe(410);
    const redeemed = await postForm(http.url(`/r/${t.redeem}`), {});
    expect(redeemed.status).toBe(410);
    expect(await count('SELECT CAST(COUNT(*) AS INTEGER) AS n FROM codes WHERE enrolment_id = $1', [offer.enrolmentId])).toBe(0);
    expect(await eventsOf(offer.sendId)).toBe(0);

    const feedback = formTo(html, '/rekindle/w/');
    expect((await postForm(http.url(local(feedback.action)), { ...feedback.fields, message: 'I was away that month.' })).status).toBe(200);
    const unsubscribe = formTo(html, '/rekindle/u/');
    expect((await postForm(http.url(local(unsubscribe.action)), unsubscribe.fields)).status).toBe(200);
    expect(await s.db.reader.query('SELECT reason FROM suppressions WHERE email = $1', [offer.email])).toEqual([{ reason: 'unsubscribed' }]);
  });

  it('keeps links signed with a previous key working after the key rotates', async () => {
    const offer = await anOffer(s.db);
    const oldKey = s.secret().key;
    const rotated = { current: 'the-new-secret-key-0123456789abcdef-01', previous: [oldKey] };
    const after = await listenCustomer(s, { signer: createLinkSigner(rotated), keys: rotated });
    try {
      const oldLink = tokensFor(s.signer(), offer.sendId).landing;
      const renderedBefore = formTo(await (await get(`/w/${oldLink}`)).text(), '/rekindle/w/');
      const posted = await postForm(after.url(local(renderedBefore.action)), { ...renderedBefore.fields, message: 'Sent from a page rendered before the key changed.' });
      expect(posted.status).toBe(200);
      const page = await fetch(after.url(`/w/${oldLink}`));
      expect(page.status).toBe(200);
      const form = formTo(await page.text(), '/rekindle/r/');
      expect((await postForm(after.url(local(form.action)), form.fields)).status).toBe(303);
      const dropped = await listenCustomer(s, { signer: createLinkSigner({ current: rotated.current }), keys: { current: rotated.current } });
      expect((await fetch(dropped.url(`/w/${oldLink}`))).status).toBe(404);
      await dropped.close();
    } finally {
      await after.close();
    }
  });

  it('says so, and changes nothing, for a link from a test email', async () => {
    const token = s.signer().sign({ sendId: 'test-1750413600000-2', purpose: 'landing', expiresAt: epochSeconds(NOW) + 3600 });
    const response = await get(`/w/${token}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('This link came from a test email');
  });

  it('puts every href, action and stylesheet under PUBLIC_URL\'s path, and the stylesheet is served from there', async () => {
    const offer = await anOffer(s.db);
    const html = await (await get(`/w/${tokensFor(s.signer(), offer.sendId).landing}`)).text();
    const css = /<link rel="stylesheet" href="(\/rekindle\/assets\/pages-[0-9a-f]{10}\.css)">/.exec(html);
    expect(css).not.toBeNull();
    for (const action of html.matchAll(/action="([^"]+)"/g)) expect(action[1]).toMatch(/^\/rekindle\/(r|w|u)\//);
    const sheet = await get((css as RegExpExecArray)[1].replace('/rekindle', ''));
    expect(sheet.status).toBe(200);
    expect(sheet.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(sheet.headers.get('cache-control')).toContain('immutable');
    expect(html).not.toMatch(/<script|<style|style="/);
  });
});

describe('click tracking and the open pixel', () => {
  let s: TestServices;
  let http: Listening;
  withCustomerServer({ SHOP_NAME: 'Bean There', PUBLIC_URL: 'https://beanthere.example/rekindle' }, { limits: { pages: 1000 } }, (env) => ({ s, http } = env));

  const get = (path: string, init: RequestInit = {}) => fetch(http.url(path), { redirect: 'manual', ...init });
  const events = (sendId: number) => s.db.reader.query('SELECT type, customer_id, run_id, data FROM events WHERE send_id = $1 ORDER BY id', [sendId]);

  it('records the click and redirects only to the campaign\'s video or the shop\'s home page', async () => {
    const offer = await anOffer(s.db);
    const { click } = tokensFor(s.signer(), offer.sendId);
    const video = await get(`/c/${click}?to=video&utm_source=rekindle`);
    expect(video.status).toBe(302);
    expect(video.headers.get('location')).toBe('https://video.example/ana-says-sorry');
    expect(video.headers.get('referrer-policy')).toBe('no-referrer');
    const shop = await get(`/c/${click}?to=shop&utm_source=rekindle&utm_medium=email&utm_campaign=nostalgia-winback&utm_content=step-2&utm_term=%3Cx%3E`);
    expect(shop.headers.get('location')).toBe('https://beanthere.example/?utm_source=rekindle&utm_medium=email&utm_campaign=nostalgia-winback&utm_content=step-2');
    for (const to of ['', '?to=https://evil.example', '?to=//evil.example', '?to=video&to=shop', '?next=https://evil.example']) {
      expect((await get(`/c/${click}${to}`)).status).toBe(404);
    }
    expect(await events(offer.sendId)).toEqual([
      { type: 'click', customer_id: offer.customerId, run_id: offer.runId, data: '{"to":"video"}' },
      { type: 'click', customer_id: offer.customerId, run_id: offer.runId, data: '{"to":"shop"}' },
    ]);
  });

  it('has nowhere to send to=video when the campaign declared no video, or declared a non-web address', async () => {
    const noVideo = aDefinition({ spokesperson: { name: 'Ana Lopez', role: 'Founder', replyTo: 'ana@beanthere.example' } });
    const offer = await anOffer(s.db, { definition: noVideo });
    expect((await get(`/c/${tokensFor(s.signer(), offer.sendId).click}?to=video`)).status).toBe(404);
    const sneaky = { ...aDefinition(), spokesperson: { ...aDefinition().spokesperson, videoUrl: 'javascript:alert(1)' } };
    const other = await anOffer(s.db, { definition: sneaky });
    expect((await get(`/c/${tokensFor(s.signer(), other.sendId).click}?to=video`)).status).toBe(404);
  });

  it('always answers the pixel with a 1x1 GIF, recording an open (flagged unreliable) only for a good token', async () => {
    const offer = await anOffer(s.db);
    const { open, landing } = tokensFor(s.signer(), offer.sendId);
    for (const token of [open, landing, 'garbage']) {
      const response = await get(`/o/${token}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/gif');
      expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      expect((await response.arrayBuffer()).byteLength).toBe(42);
    }
    expect(await events(offer.sendId)).toEqual([{ type: 'open', customer_id: offer.customerId, run_id: offer.runId, data: '{"unreliable":true}' }]);
  });

  it('answers a wrong method with 405 and the methods allowed', async () => {
    const t = tokensFor(s.signer(), (await anOffer(s.db)).sendId);
    const cases: [string, string, string][] = [['PUT', `/w/${t.landing}`, 'GET, HEAD'], ['POST', `/o/${t.open}`, 'GET, HEAD'], ['DELETE', `/u/${t.unsubscribe}`, 'GET, HEAD, POST'], ['GET', `/w/${t.landing}/feedback`, 'POST']];
    for (const [method, path, allow] of cases) {
      const response = await get(path, { method });
      expect([method, path, response.status]).toEqual([method, path, 405]);
      expect(response.headers.get('allow')).toBe(allow);
    }
    const unknown = await get('/nowhere');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: { code: 'not_found', message: 'no such route' } });
  });
});

describe('request logs', () => {
  it('a failure on our side gets a page, and a log line without the token or the customer', async () => {
    const s = await testServices({}, () => NOW);
    const lines: string[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => void lines.push(line) });
    const http = await listenCustomer({ ...s, logger });
    try {
      const offer = await anOffer(s.db);
      const { landing } = tokensFor(s.signer(), offer.sendId);
      await s.db.write((tx) => tx.query('DROP TABLE redemptions').then(() => tx.query('DROP TABLE codes')));
      const response = await fetch(http.url(`/w/${landing}`));
      expect(response.status).toBe(500);
      expect(await response.text()).toContain('Something went wrong on our side');
      const mine = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'a public page failed');
      expect(mine).toEqual([expect.objectContaining({ route: '/w/:token', err: expect.objectContaining({ name: 'QueryFailedError' }) })]);
      expect(JSON.stringify(mine)).not.toContain(landing);
      expect(JSON.stringify(mine)).not.toContain(offer.email);
    } finally {
      await http.close();
      await s.dispose();
    }
  });

  it('say for every request, once it is answered, the method, the route, the status and the time taken (issue 16)', async () => {
    const s = await testServices({}, () => NOW);
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const http = await listenCustomer({ ...s, logger });
    try {
      const { landing } = tokensFor(s.signer(), (await anOffer(s.db)).sendId);
      expect((await fetch(http.url(`/w/${landing}?utm_source=mail`))).status).toBe(200);
      expect((await fetch(http.url(`/r/${landing}`), { method: 'POST' })).status).toBe(404);
      await http.close();
      const logged = lines.map((l) => JSON.parse(l)).filter((l) => l.req);
      expect(logged).toEqual([
        expect.objectContaining({ level: 30, msg: 'request completed', req: { method: 'GET', path: '/w/:token' }, res: { status: 200 }, responseTime: expect.any(Number) }),
        expect.objectContaining({ level: 30, msg: 'request completed', req: { method: 'POST', path: '/r/:token' }, res: { status: 404 } }),
      ]);
      expect(lines.join('')).not.toContain(landing);
    } finally {
      await s.dispose();
    }
  });

  it('keep the route and drop the token', () => {
    expect(loggablePath('/w/AQFoWQmAHbsnTTa4S2K1hwYPnT0OgzXVWM8C/feedback')).toBe('/w/:token/feedback');
    expect(loggablePath('/u/AQJxrJYAHbsnTTbEZxRuJNANgW2z6SL0buV6')).toBe('/u/:token');
    expect(loggablePath('/api/codes/redeem')).toBe('/api/codes/redeem');
  });
});

describe('rate limits on the public routes', () => {
  it('answers 429 with Retry-After once an address goes over its limit', async () => {
    const s = await testServices({}, () => NOW);
    const http = await listenCustomer(s, { limits: { pages: 3, windowMs: 60_000 } });
    try {
      const { landing } = tokensFor(s.signer(), (await anOffer(s.db)).sendId);
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await fetch(http.url(`/w/${landing}`))).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const limited = await fetch(http.url(`/w/${landing}`));
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await limited.text()).toContain('Please slow down a little');
      expect((await fetch(http.url('/healthz'))).status).toBe(200);
    } finally {
      await http.close();
      await s.dispose();
    }
  });
});
