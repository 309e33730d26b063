/**
 * Every console route, for both roles, over real HTTP: it walks CONSOLE_TABLES, the very tables
 * `consoleRoutes` mounts, so a route added later is checked without anyone editing this file
 * (unless it has a path parameter this file cannot fill yet: then the test says which).
 * Marketers get 403 on owner-only routes; nobody gets 403 where their role is allowed; a
 * signed-out GET goes to the sign-in page; a POST without the CSRF token is refused for both.
 */
import { CONSOLE_TABLES, ConsoleRoute } from '../../../src/web/console';
import { lapsedCustomers, openShop, Shop } from '../../support/campaignShop';
import { ConsoleClient, startConsole, StartedConsole } from '../../support/console';

const ROUTES: ConsoleRoute[] = CONSOLE_TABLES.flat();
/** Sections only owners may use (nav.ts marks the same ones ownerOnly). */
const OWNER_ONLY = /^\/(users|keys)(\/|$)/;

describe('every console route, for owners and marketers', () => {
  let shop: Shop;
  let c: StartedConsole;
  let owner: ConsoleClient;
  let marketer: ConsoleClient;
  /** Values for path parameters, from a small shop with one launched, dispatched run. */
  let params: Record<string, string>;

  beforeAll(async () => {
    shop = await openShop({ customers: lapsedCustomers(4) });
    const launched = await shop.services.campaigns().launch('nostalgia-winback', {});
    await shop.dispatch();
    c = await startConsole({ services: shop.services });
    owner = await c.signIn('owner');
    marketer = await c.signIn('marketer');
    const [send] = await shop.sends(launched.runId);
    // Owner-only POSTs act on these, not on the users and key the test signs in with.
    const spare = await c.services.staffUsers.create({ email: 'spare@shop.test', role: 'marketer', password: 'spare password 123' });
    const key = await c.services.apiKeys.create('marketer', 'spare');
    params = {
      name: 'nostalgia-winback', campaign: 'nostalgia-winback', runId: String(launched.runId), run: String(launched.runId),
      step: '1', sendId: String(send.id), send: String(send.id), customerId: String(send.customerId),
      userId: String(spare.id), email: spare.email, keyId: key.id,
      incidentId: '1', jobId: 'no-such-job',
    };
  });
  afterAll(async () => {
    await c?.close();
    await shop?.dispose();
  });

  const pathOf = (route: ConsoleRoute) =>
    `/console${route.path}`.replace(/:(\w+)/g, (_, name: string) => {
      if (!(name in params)) throw new Error(`${route.method.toUpperCase()} ${route.path}: add a value for :${name} to the params in roles.test.ts`);
      return encodeURIComponent(params[name]);
    }).replace(/\/$/, '') || '/console';

  it('walks a non-empty table whose roles follow the contract', () => {
    expect(ROUTES.length).toBeGreaterThan(0);
    for (const route of ROUTES) {
      const expected = OWNER_ONLY.test(route.path) ? [] : ['marketer'];
      expect({ route: `${route.method} ${route.path}`, roles: [...route.roles] }).toEqual({ route: `${route.method} ${route.path}`, roles: expected });
    }
  });

  it('sends signed-out GETs to the sign-in page and refuses signed-out POSTs the same way', async () => {
    for (const route of ROUTES) {
      const response = await fetch(`${c.baseUrl}${pathOf(route)}`, { method: route.method.toUpperCase(), redirect: 'manual' });
      expect({ route: route.path, status: response.status }).toEqual({ route: route.path, status: 303 });
      expect(response.headers.get('location')).toMatch(/^\/console\/sign-in/);
    }
  });

  it('answers GETs: 403 to marketers on owner-only pages, never 403 (nor 5xx) where the role is allowed', async () => {
    for (const route of ROUTES.filter((r) => r.method === 'get')) {
      for (const [role, client] of [['marketer', marketer], ['owner', owner]] as const) {
        const allowed = role === 'owner' || route.roles.includes('marketer');
        const { status } = await client.get(pathOf(route));
        const seen = { route: route.path, role, status };
        if (allowed) expect({ ...seen, status: status === 403 || status >= 500 ? status : 'ok' }).toEqual({ ...seen, status: 'ok' });
        else expect(seen).toEqual({ ...seen, status: 403 });
      }
    }
  });

  it('refuses every POST without the CSRF token for both roles, and marketers on owner-only ones even with it', async () => {
    for (const route of ROUTES.filter((r) => r.method === 'post')) {
      for (const client of [marketer, owner]) {
        const { status, text } = await client.post(pathOf(route), {}, { csrf: false });
        expect({ route: route.path, status }).toEqual({ route: route.path, status: 403 });
        expect(text).toContain('nothing was changed');
      }
      if (!route.roles.includes('marketer')) expect({ route: route.path, status: (await marketer.post(pathOf(route))).status }).toEqual({ route: route.path, status: 403 });
    }
  });

  it('lets allowed roles through on POSTs with the token (an empty form is refused for its content, never its role)', async () => {
    for (const route of ROUTES.filter((r) => r.method === 'post')) {
      const clients = route.roles.includes('marketer') ? [marketer, owner] : [owner];
      for (const client of clients) {
        const { status } = await client.post(pathOf(route));
        expect({ route: route.path, status: status === 403 || status >= 500 ? status : 'ok' }).toEqual({ route: route.path, status: 'ok' });
      }
    }
  });
});
