/** The console's shell: pages in the layout, the navigation each role sees, assets under their content hash. */
import path from 'node:path';
import type { Response } from 'express';
import { ConsoleRenderer } from '../../../src/web/console/render';
import { requireRole, Staff } from '../../../src/web/console/staff';

const VIEWS = path.join(__dirname, '../../../views/console');

function fakeResponse(staff?: Staff) {
  const sent: { status?: number; body?: string } = {};
  const res = {
    locals: { staff, csrfToken: 'tok' },
    status(code: number) { sent.status = code; return res; },
    type() { return res; },
    send(body: string) { sent.body = body; return res; },
  };
  return { res: res as unknown as Response, sent };
}

const marketer: Staff = { id: 2, email: 'm@shop.test', name: 'Maria Rossi', role: 'marketer' };
const owner: Staff = { ...marketer, id: 1, role: 'owner' };

describe('console renderer', () => {
  const views = new ConsoleRenderer(VIEWS, '/rekindle');

  it('wraps a page in the layout with the sign-out form carrying the CSRF token', () => {
    const { res, sent } = fakeResponse(marketer);
    views.page(res, 'forbidden', { title: 'Not for you', section: 'users', message: 'owners only' }, 403);
    expect(sent.status).toBe(403);
    expect(sent.body).toContain('<title>Not for you · Rekindle</title>');
    expect(sent.body).toContain('<p>owners only</p>');
    expect(sent.body).toContain('action="/rekindle/console/sign-out"');
    expect(sent.body).toContain('name="_csrf" value="tok"');
  });

  it('shows marketers every section but users and API keys; owners all of them', () => {
    const navOf = (staff: Staff) => {
      const { res, sent } = fakeResponse(staff);
      views.page(res, 'forbidden', { title: 't', section: 'overview' });
      return [...(sent.body as string).matchAll(/<li><a href="([^"]+)"/g)].map((m) => m[1]);
    };
    expect(navOf(marketer)).not.toContain('/rekindle/console/users');
    expect(navOf(marketer)).toContain('/rekindle/console/campaigns');
    expect(navOf(owner)).toEqual(expect.arrayContaining(['/rekindle/console/users', '/rekindle/console/keys']));
  });

  it('serves the stylesheet, chart script and Chart.js under content hashes', () => {
    expect(views.assets.stylesheet.path).toMatch(/^\/assets\/console-[0-9a-f]{10}\.css$/);
    expect(views.assets.chartjs.body.toString('utf8', 0, 200)).toMatch(/Chart\.js/);
  });

  it('requireRole: owners pass everywhere, marketers only where named', () => {
    const run = (staff: Staff, ...roles: Parameters<typeof requireRole>) => {
      let passed: unknown = 'not called';
      requireRole(...roles)({} as never, fakeResponse(staff).res, (err?: unknown) => (passed = err));
      return passed;
    };
    expect(run(owner, 'owner')).toBeUndefined();
    expect(run(marketer, 'marketer')).toBeUndefined();
    expect(run(marketer, 'owner')).toMatchObject({ message: 'this page is for owners; you are signed in as a marketer' });
  });
});
