/**
 * The console through its real sign-in: staff users created through the service the CLI uses,
 * a small HTTP client holding the session cookie and CSRF token (over real HTTP on loopback),
 * and a playwright helper signing a browser page in.
 *
 *   const c = await startConsole();                 // services on a temp SQLite file + the app listening
 *   const owner = await c.signIn('owner');          // or signIn(c.baseUrl, 'owner') / signIn(url, email, password)
 *   const page = await owner.get('/console/users'); // { status, text, headers, location }
 *   await owner.post('/console/users', { email: 'x@shop.test', role: 'marketer' });  // _csrf added
 */
import type { Page } from 'playwright-core';
import type { Clock } from '../../src/clock';
import type { StaffRole } from '../../src/web/console/staff';
import type { Services } from '../../src/wiring';
import { listenCustomer, Listening } from './customerApp';
import { testServices, TestServices } from './services';

export const STAFF_PASSWORD = 'correct horse battery staple';
export const staffEmail = (role: StaffRole) => `${role}@shop.test`;

export interface CreatedStaff {
  id: number;
  email: string;
  password: string;
  role: StaffRole;
}

/** A staff user as `rekindle users create` makes one; `owner@shop.test` / `marketer@shop.test` by default. */
export async function createStaff(services: Services, role: StaffRole, options: { email?: string; name?: string; password?: string } = {}): Promise<CreatedStaff> {
  const email = options.email ?? staffEmail(role);
  const password = options.password ?? STAFF_PASSWORD;
  const user = await services.staffUsers.create({ email, role, name: options.name, password });
  return { id: user.id, email: user.email, password, role };
}

export interface Reply {
  status: number;
  text: string;
  headers: Headers;
  /** The Location of a redirect. */
  location: string | null;
}

export interface ConsoleClient {
  /** `rekindle_session=...`, as sent in the Cookie header. */
  cookie: string;
  /** The session's CSRF token, as the pages' forms carry it. */
  csrf: string;
  /** `/console/...` (or a path under /console without the prefix); redirects are not followed. */
  get(path: string, headers?: Record<string, string>): Promise<Reply>;
  /** A urlencoded form POST; `_csrf` is added unless `csrf` is given (`false`: none at all). */
  post(path: string, fields?: Record<string, string>, options?: { csrf?: string | false; headers?: Record<string, string> }): Promise<Reply>;
  /** Any request with the session cookie. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

const consolePath = (path: string) => (path.startsWith('/console') ? path : `/console${path}`);

async function reply(response: Response): Promise<Reply> {
  return { status: response.status, text: await response.text(), headers: response.headers, location: response.headers.get('location') };
}

/** `name=value` of the Set-Cookie named `name`, or undefined. */
export function setCookie(headers: Headers, name: string): string | undefined {
  return headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
}

export const formToken = (html: string): string | undefined => /name="_csrf" value="([^"]*)"/.exec(html)?.[1];

/** Starts a sign-in: the form's token and its cookie, as a browser would get them. */
export async function signInForm(baseUrl: string): Promise<{ cookie: string; csrf: string }> {
  const response = await fetch(`${baseUrl}/console/sign-in`, { redirect: 'manual' });
  const cookie = (setCookie(response.headers, 'rekindle_sign_in') ?? '').split(';')[0];
  const csrf = formToken(await response.text());
  if (!cookie || !csrf) throw new Error(`the sign-in page gave no form token (status ${response.status})`);
  return { cookie, csrf };
}

/** Posts the sign-in form as a browser would; the reply is not followed. */
export async function postSignIn(baseUrl: string, email: string, password: string, options: { next?: string; headers?: Record<string, string> } = {}): Promise<Response> {
  const form = await signInForm(baseUrl);
  const query = options.next === undefined ? '' : `?next=${encodeURIComponent(options.next)}`;
  return fetch(`${baseUrl}/console/sign-in${query}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie, ...options.headers },
    body: new URLSearchParams({ email, password, _csrf: form.csrf }).toString(),
  });
}

/** Signs in as a role's default user (see createStaff) or as `email` with `password`. Throws if the console refuses. */
export async function signIn(baseUrl: string, emailOrRole: StaffRole | string, password = STAFF_PASSWORD): Promise<ConsoleClient> {
  const email = emailOrRole === 'owner' || emailOrRole === 'marketer' ? staffEmail(emailOrRole) : emailOrRole;
  const response = await postSignIn(baseUrl, email, password);
  const session = setCookie(response.headers, 'rekindle_session');
  if (response.status !== 303 || !session) throw new Error(`sign-in as ${email} failed with ${response.status}: ${await response.text()}`);
  const cookie = session.split(';')[0];
  const send = (path: string, init: RequestInit = {}) =>
    fetch(`${baseUrl}${consolePath(path)}`, { redirect: 'manual', ...init, headers: { cookie, ...(init.headers as Record<string, string>) } });
  const home = await send('/console');
  const csrf = formToken(await home.text());
  if (!csrf) throw new Error(`the console's first page (${home.status}) carries no CSRF token`);
  return {
    cookie,
    csrf,
    fetch: send,
    get: async (path, headers = {}) => reply(await send(path, { headers })),
    post: async (path, fields = {}, options = {}) => {
      const token = options.csrf === undefined ? csrf : options.csrf;
      const body = new URLSearchParams(token === false ? fields : { ...fields, _csrf: token }).toString();
      return reply(await send(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers } }));
    },
  };
}

/** Signs a playwright page in through the sign-in form; ends on the page it was sent to. */
export async function signInPage(page: Page, baseUrl: string, emailOrRole: StaffRole | string, password = STAFF_PASSWORD): Promise<void> {
  const email = emailOrRole === 'owner' || emailOrRole === 'marketer' ? staffEmail(emailOrRole) : emailOrRole;
  await page.goto(`${baseUrl}/console/sign-in`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL((url) => !url.pathname.endsWith('/sign-in')), page.click('button[type="submit"]')]);
}

export interface StartedConsole {
  services: TestServices;
  http: Listening;
  /** `http://127.0.0.1:PORT`: PUBLIC_URL's origin. */
  baseUrl: string;
  owner: CreatedStaff;
  marketer: CreatedStaff;
  signIn(role: StaffRole): Promise<ConsoleClient>;
  close(): Promise<void>;
}

/**
 * Real services on a temp SQLite file, an owner and a marketer (STAFF_PASSWORD), and the app on
 * a loopback port. `services` may be given (e.g. a campaign shop's); then close() leaves them open.
 */
export async function startConsole(options: { settings?: Record<string, unknown>; clock?: Clock; services?: Services; port?: number } = {}): Promise<StartedConsole> {
  const own = options.services ? undefined : await testServices(options.settings, options.clock);
  const services = (options.services ?? own) as TestServices;
  const owner = await createStaff(services, 'owner', { name: 'Olga Owner' });
  const marketer = await createStaff(services, 'marketer', { name: 'Maria Rossi' });
  const http = await listenCustomer(services, {}, options.port ?? 0);
  const baseUrl = http.url('');
  return {
    services, http, baseUrl, owner, marketer,
    signIn: (role) => signIn(baseUrl, role),
    async close() {
      await http.close();
      await own?.dispose();
    },
  };
}
