/**
 * `rekindle feedback list`: what customers wrote on the welcome-back page ("how can we make it
 * right?"), posted through the real page form, read back by the built CLI, newest first.
 */
import { rmSync } from 'node:fs';
import { sendReply } from '../../../src/feedback/replies';
import path from 'node:path';
import { aDefinition, anIncident, anOffer, tokensFor } from '../../support/campaignFixtures';
import { rekindle } from '../../support/cli';
import { listenCustomer } from '../../support/customerApp';
import { testServices } from '../../support/services';
import { TestClock } from '../../support/campaignShop';
import { formTo, postForm } from './pageForms';
import { databaseUrlOf } from '../../support/testDatabase';

describe('rekindle feedback list', () => {
  let env: Record<string, string>;
  let dir: string;
  let older: { customerId: number; runId: number; email: string };
  let newer: { customerId: number; runId: number; email: string; incidentId: number };
  const run = (...args: string[]) => rekindle(['feedback', 'list', '--now', '2025-06-22T00:00:00Z', ...args], env);

  beforeAll(async () => {
    const clock = new TestClock('2025-06-20T10:00:00.000Z');
    const s = await testServices({ SHOP_NAME: 'Bean There', SECRET_KEY: 'test-signing-key-0123456789abcdef0123456789' }, clock.now);
    dir = s.dir;
    env = { REKINDLE_ENV: 'test', DATABASE_URL: databaseUrlOf(s), SHOP_CURRENCY: 'EUR', SECRET_KEY: 'test-signing-key-0123456789abcdef0123456789' };
    expect(rekindle(['feedback', 'list', '--json'], env).json()).toEqual([]);
    const http = await listenCustomer(s);
    const post = async (sendId: number, message: string) => {
      const page = await (await fetch(http.url(`/w/${tokensFor(s.signer(), sendId).landing}`))).text();
      const form = formTo(page, '/w/');
      expect((await postForm(http.url(form.action), { ...form.fields, message })).status).toBe(200);
    };
    try {
      const first = await anOffer(s.db, { firstName: 'Maria' });
      older = first;
      await post(first.sendId, 'I was away that month.');
      const anna = await s.staffUsers.create({ email: 'anna@shop.test', name: 'Anna Berger', role: 'marketer', password: 'a long enough password' });
      await sendReply(s, 1, { id: anna.id, name: 'Anna Berger' }, 'Welcome back, Maria.', 'reply-key-0001');
      clock.set('2025-06-21T09:30:00.000Z');
      const incidentId = await anIncident(s.db);
      const second = await anOffer(s.db, { firstName: null, incidentId, definition: aDefinition({ name: 'incident-apology', kind: 'incident', holdout: 0, audience: { incidentAffected: true } }) });
      newer = { ...second, incidentId };
      await post(second.sendId, 'The parcel came late twice.\r\nA call would have helped.');
    } finally {
      await http.close();
      await s.close();
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints every message as JSON, newest first, with customer, campaign, run, step and incident', () => {
    const result = run('--json');
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.json()).toEqual([
      {
        id: 2, at: '2025-06-21T09:30:00.000Z', customer: { id: newer.customerId, email: newer.email, name: null },
        campaign: 'incident-apology', runId: newer.runId, step: 1, incidentId: newer.incidentId, message: 'The parcel came late twice.\nA call would have helped.',
        caseId: 2, source: 'page', state: 'new', assignee: null, waitingSince: '2025-06-21T09:30:00.000Z', overdue: false,
      },
      {
        id: 1, at: '2025-06-20T10:00:00.000Z', customer: { id: older.customerId, email: older.email, name: 'Maria' },
        campaign: 'nostalgia-winback', runId: older.runId, step: 1, incidentId: null, message: 'I was away that month.',
        caseId: 1, source: 'page', state: 'replied', assignee: 'Anna Berger', waitingSince: null, overdue: false,
      },
    ]);
  });

  it('--limit keeps the newest N, and says in words how many are left out', () => {
    expect(run('--limit', '1', '--json').json().map((f: { id: number }) => f.id)).toEqual([2]);
    const text = run('--limit', '1');
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('2025-06-21T09:30:00.000Z');
    expect(text.stdout).toContain(newer.email);
    expect(text.stdout).toContain('incident-apology run');
    expect(text.stdout).toContain('    The parcel came late twice.\n    A call would have helped.');
    expect(text.stdout).not.toContain('I was away');
    expect(text.stdout).toContain('1 older message not shown');
    for (const bad of ['0', '-3', 'ten']) {
      const refused = run('--limit', bad);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/^rekindle: --limit: .*whole number/);
    }
  });

  it('shows the words and who wrote them in the text listing', () => {
    const text = run().stdout;
    expect(text.indexOf('The parcel came late twice.')).toBeLessThan(text.indexOf('I was away that month.'));
    expect(text).toContain(`Maria <${older.email}>`);
    expect(text).toContain('nostalgia-winback run');
  });

  it('--waiting keeps the messages of cases waiting for an answer, overdue after FEEDBACK_REMINDER_DAYS', () => {
    const waiting = run('--waiting', '--json').json();
    expect(waiting.map((f: { id: number }) => f.id)).toEqual([2]);
    const later = rekindle(['feedback', 'list', '--waiting', '--now', '2025-06-23T09:31:00Z', '--json'], env).json();
    expect(later.map((f: { overdue: boolean }) => f.overdue)).toEqual([true]);
    const text = run();
    expect(text.stdout).toContain('replied, Anna Berger');
    expect(text.stdout).toContain('new, unassigned, waiting since 2025-06-21T09:30:00.000Z');
  });
});
