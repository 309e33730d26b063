/**
 * Signing in to the console over real HTTP on loopback, against a real SQLite file: good and bad
 * passwords, disabled users, sessions that expire, end at sign-out and never come back, CSRF on
 * every POST, the sign-in rate limit, the cookie's flags and the return path.
 */
import { TestClock } from '../../support/campaignShop';
import { createStaff, postSignIn, setCookie, signIn, signInForm, STAFF_PASSWORD, startConsole, StartedConsole } from '../../support/console';

const HOUR = 3_600_000;

describe('console sign-in', () => {
  const clock = new TestClock('2026-03-02T09:00:00.000Z');
  let c: StartedConsole;
  beforeAll(async () => {
    c = await startConsole({ clock: clock.now });
  });
  afterAll(async () => c?.close());
  const sessions = async () => Number((await c.services.db.reader.query('SELECT CAST(COUNT(*) AS INTEGER) AS n FROM staff_sessions'))[0].n);

  it('signs an owner in with the right password: a session cookie, then the console in their name', async () => {
    const response = await postSignIn(c.baseUrl, 'Owner@Shop.test', STAFF_PASSWORD);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/console');
    const cookie = setCookie(response.headers, 'rekindle_session') as string;
    expect(cookie).toMatch(/^rekindle_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\/console(;|$)/);
    expect(cookie).not.toMatch(/Secure/); // PUBLIC_URL is http here
    const page = await fetch(`${c.baseUrl}/console`, { headers: { cookie: cookie.split(';')[0] }, redirect: 'manual' });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Olga Owner (owner)');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('cache-control')).toBe('no-store');
    // Only the hash of the token is stored.
    const token = cookie.split(';')[0].split('=')[1];
    const ids = (await c.services.db.reader.query('SELECT id FROM staff_sessions')).map((r: { id: string }) => r.id);
    expect(ids).not.toContain(token);
    expect(ids.every((id: string) => /^[0-9a-f]{64}$/.test(id))).toBe(true);
  });

  it('refuses a wrong password and an unknown email alike, with no session', async () => {
    for (const [email, password] of [['owner@shop.test', 'not the password!'], ['nobody@shop.test', STAFF_PASSWORD]]) {
      const response = await postSignIn(c.baseUrl, email, password);
      expect(response.status).toBe(401);
      expect(setCookie(response.headers, 'rekindle_session')).toBeUndefined();
      expect(await response.text()).toContain('That email and password do not match an account.');
    }
  });

  it('sends a signed-out GET to the sign-in page with its return path, and back there after signing in', async () => {
    const page = await fetch(`${c.baseUrl}/console/campaigns/x?step=2`, { redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/console/sign-in?next=%2Fcampaigns%2Fx%3Fstep%3D2');
    const back = await postSignIn(c.baseUrl, 'marketer@shop.test', STAFF_PASSWORD, { next: '/campaigns/x?step=2' });
    expect(back.headers.get('location')).toBe('/console/campaigns/x?step=2');
  });

  it('never sends a browser off-site after signing in, whatever the return path says', async () => {
    for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example', '/%0d%0aLocation: x', 'javascript:alert(1)', '/ /evil']) {
      const response = await postSignIn(c.baseUrl, 'marketer@shop.test', STAFF_PASSWORD, { next });
      expect(response.status).toBe(303);
      const location = response.headers.get('location') as string;
      expect(new URL(location, 'http://127.0.0.1').origin).toBe('http://127.0.0.1');
      expect(location.startsWith('/console')).toBe(true);
      expect(location === '/console' || location === `/console${next}`).toBe(true);
    }
  });

  it('refuses a sign-in form without its token, or with another browser’s', async () => {
    const form = await signInForm(c.baseUrl);
    const other = await signInForm(c.baseUrl);
    for (const [cookie, token] of [[form.cookie, ''], [form.cookie, other.csrf], ['', form.csrf]]) {
      const response = await fetch(`${c.baseUrl}/console/sign-in`, {
        method: 'POST', redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams({ email: 'owner@shop.test', password: STAFF_PASSWORD, _csrf: token }).toString(),
      });
      expect(response.status).toBe(403);
      expect(setCookie(response.headers, 'rekindle_session')).toBeUndefined();
    }
  });

  it('refuses a POST without the session’s CSRF token, or with a wrong one, and changes nothing', async () => {
    const owner = await c.signIn('owner');
    const before = await sessions();
    for (const csrf of [false, 'x'.repeat(43), ''] as const) {
      const refused = await owner.post('/console/sign-out', {}, { csrf });
      expect(refused.status).toBe(403);
      expect(refused.text).toContain('nothing was changed');
    }
    expect(await sessions()).toBe(before);
    expect((await owner.get('/console')).status).toBe(200);
    // The header form is accepted too (uploads).
    expect((await owner.post('/console/sign-out', {}, { csrf: false, headers: { 'x-csrf-token': owner.csrf } })).status).toBe(303);
  });

  it('signs out: the session row is gone and the old cookie opens nothing', async () => {
    const owner = await c.signIn('owner');
    const before = await sessions();
    const out = await owner.post('/console/sign-out');
    expect(out.status).toBe(303);
    expect(out.location).toBe('/console/sign-in?out=1');
    expect(setCookie(out.headers, 'rekindle_session')).toMatch(/Expires=Thu, 01 Jan 1970/);
    expect(await sessions()).toBe(before - 1);
    const again = await owner.get('/console');
    expect(again.status).toBe(303);
    expect(again.location).toBe('/console/sign-in');
  });

  it('ends a session after 12 idle hours, and any session 7 days after sign-in however busy', async () => {
    const idle = await c.signIn('marketer');
    clock.advance(11 * HOUR);
    expect((await idle.get('/console')).status).toBe(200);
    clock.advance(11 * HOUR); // 11 h since the last request: still alive
    expect((await idle.get('/console')).status).toBe(200);
    clock.advance(12 * HOUR + 1000);
    expect((await idle.get('/console')).status).toBe(303);

    const busy = await c.signIn('marketer');
    for (let hours = 0; hours < 7 * 24 - 10; hours += 10) {
      expect((await busy.get('/console')).status).toBe(200);
      clock.advance(10 * HOUR);
    }
    clock.advance(10 * HOUR);
    expect((await busy.get('/console')).status).toBe(303);
  });

  it('refuses a disabled user, and disabling ends the sessions they have', async () => {
    await createStaff(c.services, 'marketer', { email: 'leaving@shop.test' });
    const session = await signIn(c.baseUrl, 'leaving@shop.test');
    expect((await session.get('/console')).status).toBe(200);
    const { sessionsEnded } = await c.services.staffUsers.disable('LEAVING@shop.test');
    expect(sessionsEnded).toBe(1);
    expect((await session.get('/console')).status).toBe(303);
    const response = await postSignIn(c.baseUrl, 'leaving@shop.test', STAFF_PASSWORD);
    expect(response.status).toBe(401);
    expect(await response.text()).toContain('This account is disabled');
  });
});

describe('console cookies behind an https PUBLIC_URL with a path', () => {
  let c: StartedConsole;
  beforeAll(async () => {
    c = await startConsole({ settings: { PUBLIC_URL: 'https://shop.example/rekindle' } });
  });
  afterAll(async () => c?.close());

  it('marks the session cookie Secure and scopes it to the console under that path', async () => {
    const response = await postSignIn(c.baseUrl, 'owner@shop.test', STAFF_PASSWORD);
    expect(response.headers.get('location')).toBe('/rekindle/console');
    const cookie = setCookie(response.headers, 'rekindle_session') as string;
    expect(cookie).toMatch(/; Path=\/rekindle\/console(;|$)/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; HttpOnly/);
  });
});

describe('the sign-in rate limit', () => {
  let c: StartedConsole;
  beforeAll(async () => {
    c = await startConsole({ settings: { CONSOLE_SIGN_IN_ATTEMPTS: '3' } });
  });
  afterAll(async () => c?.close());

  it('answers 429 after too many failed sign-ins for one email, even with the right password then', async () => {
    await createStaff(c.services, 'marketer', { email: 'target@shop.test' });
    for (let i = 0; i < 3; i++) expect((await postSignIn(c.baseUrl, 'target@shop.test', `wrong password ${i}`)).status).toBe(401);
    const limited = await postSignIn(c.baseUrl, 'Target@shop.test', STAFF_PASSWORD);
    expect(limited.status).toBe(429);
    expect(setCookie(limited.headers, 'rekindle_session')).toBeUndefined();
    expect(await limited.text()).toContain('Too many failed sign-ins');
  });

  it('answers 429 after too many failed sign-ins from one address, whichever emails they try', async () => {
    let status = 0;
    let tries = 0;
    // Five times the per-email limit of 3, the first test's four failures included.
    while (status !== 429 && tries < 20) {
      status = (await postSignIn(c.baseUrl, `guess${tries++}@shop.test`, 'some wrong password')).status;
    }
    expect(status).toBe(429);
    expect(tries).toBe(15 - 4 + 1);
  });
});
