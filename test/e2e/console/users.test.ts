/** The Users and API keys pages over real HTTP, signed in as an owner through the real sign-in. */
import { ConsoleClient, postSignIn, signIn, startConsole, StartedConsole } from '../../support/console';

describe('the Users page', () => {
  let c: StartedConsole;
  let owner: ConsoleClient;
  beforeAll(async () => {
    c = await startConsole();
    owner = await c.signIn('owner');
  });
  afterAll(async () => c?.close());

  it('lists the staff users with their roles, and marks who you are', async () => {
    const page = await owner.get('/console/users');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<td>owner@shop.test <span class="muted">(you)</span></td>');
    expect(page.text).toMatch(/<td>marketer@shop\.test<\/td>\s*<td>Maria Rossi<\/td>\s*<td>marketer<\/td>/);
    expect(page.text).not.toMatch(/scrypt/);
  });

  it('creates a user who can then sign in, and refuses a short password or a taken email with the form kept', async () => {
    const created = await owner.post('/console/users', { email: 'Kim@Shop.test', name: 'Kim Lee', role: 'marketer', password: 'kims first password' });
    expect(created.status).toBe(303);
    expect(created.location).toBe('/console/users?created=kim%40shop.test');
    expect((await owner.get(created.location as string)).text).toContain('Created kim@shop.test.');
    const kim = await signIn(c.baseUrl, 'kim@shop.test', 'kims first password');
    expect((await kim.get('/console')).text).toContain('Kim Lee (marketer)');

    const short = await owner.post('/console/users', { email: 'lou@shop.test', name: 'Lou', role: 'owner', password: 'short' });
    expect(short.status).toBe(400);
    expect(short.text).toContain('password: is 5 characters long; use at least 12');
    expect(short.text).toContain('value="lou@shop.test"');
    expect(short.text).toMatch(/<option value="owner" selected>/);
    const taken = await owner.post('/console/users', { email: 'KIM@shop.test', role: 'owner', password: 'another long password' });
    expect(taken.status).toBe(409);
    expect(taken.text).toContain('a staff user with email kim@shop.test exists already');
    expect((await c.services.staffUsers.list()).map((u) => u.email)).toEqual(['kim@shop.test', 'marketer@shop.test', 'owner@shop.test']);
  });

  it('disables a user: their open session ends at once and they cannot sign in again', async () => {
    await c.services.staffUsers.create({ email: 'temp@shop.test', role: 'marketer', password: 'temporary password' });
    const temp = await signIn(c.baseUrl, 'temp@shop.test', 'temporary password');
    const id = (await c.services.staffUsers.list()).find((u) => u.email === 'temp@shop.test')?.id;
    const done = await owner.post(`/console/users/${id}/disable`);
    expect(done.status).toBe(200);
    expect(done.text).toContain('Disabled temp@shop.test; 1 session ended.');
    expect((await temp.get('/console')).status).toBe(303);
    expect((await postSignIn(c.baseUrl, 'temp@shop.test', 'temporary password')).status).toBe(401);
  });

  it('will not let an owner disable themselves, and answers 404 for a user that does not exist', async () => {
    const self = await owner.post(`/console/users/${c.owner.id}/disable`);
    expect(self.status).toBe(400);
    expect(self.text).toContain('You cannot disable yourself here');
    expect((await owner.get('/console')).status).toBe(200);
    expect((await owner.post('/console/users/9999/disable')).status).toBe(404);
  });
});

describe('the API keys page', () => {
  let c: StartedConsole;
  let owner: ConsoleClient;
  beforeAll(async () => {
    c = await startConsole();
    owner = await c.signIn('owner');
  });
  afterAll(async () => c?.close());

  it('says how to start when there are no keys', async () => {
    expect((await owner.get('/console/keys')).text).toContain('No API keys yet.');
  });

  it('creates a key, shows its secret once, and the key works on the API until it is revoked', async () => {
    const created = await owner.post('/console/keys', { role: 'checkout', label: 'Shop checkout' });
    expect(created.status).toBe(201);
    const key = /value="(rk_[a-f0-9]{16}_[A-Za-z0-9_-]{43})"/.exec(created.text)?.[1] as string;
    expect(key).toBeDefined();
    const id = key.slice(3, 19);
    const list = await owner.get('/console/keys');
    expect(list.text).toContain(`<td><code>${id}</code></td>`);
    expect(list.text).toContain('Shop checkout');
    expect(list.text).not.toContain(key.slice(20));
    const api = () => fetch(`${c.baseUrl}/api/codes/validate`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: '{"code":"NOPE"}' });
    expect((await api()).status).not.toBe(401);
    const revoked = await owner.post(`/console/keys/${id}/revoke`);
    expect(revoked.status).toBe(303);
    expect((await owner.get(revoked.location as string)).text).toContain(`Revoked key ${id}`);
    expect((await api()).status).toBe(401);
    expect((await owner.post(`/console/keys/${id}/revoke`)).status).toBe(404);
  });

  it('refuses a role that does not exist', async () => {
    const refused = await owner.post('/console/keys', { role: 'admin' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('role: choose one of owner, marketer, checkout');
    expect(await c.services.apiKeys.list()).toHaveLength(1);
  });
});
