/**
 * An incident from the marketer's side, through the built CLI with `--now`: record it from a file
 * of emails and order ids with harmed amounts, read its scope, run the apology to exactly those
 * customers, send two updates and the closing email to everyone who has not asked us to stop,
 * and see the run complete. The emails are read back from the outbox, parsed.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { rekindle } from '../../support/cli';
import { queryShop, readOutbox } from '../../support/campaignCli';
import { lapsedCustomers, openShop, Shop } from '../../support/campaignShop';
import type { ParsedMessage } from '../../support/smtpSink';

const AFFECTED = [
  'email,harmed amount',
  'c1@example.com,25.00',
  'order-5,12.40', // c2's second order, named by its order id
  'C3@Example.com',
  'c4@example.com',
].join('\n');

describe('rekindle incident …', () => {
  let shop: Shop;
  const run = (...args: string[]) => rekindle(args, shop.env);
  const file = (name: string, text: string) => {
    const at = path.join(shop.dir, name);
    writeFileSync(at, text);
    return at;
  };
  const create = (affected: string) =>
    run('incident', 'create', '--title', 'Late parcels in May', '--description', 'We shipped your May order nine days late and never told you why.',
      '--make-good', '10.00', '--affected', affected, '--now', '2025-06-02T07:00:00Z', '--json');

  beforeAll(async () => {
    shop = await openShop({ customers: lapsedCustomers(6) });
    await shop.release();
  });
  afterAll(() => shop?.dispose());

  it('names the file and line of an affected list it cannot use, and records nothing', () => {
    const cases: [string, RegExp][] = [
      ['c1@example.com,25.00\nc2@example.com,12,50\n', /:2: expected `email or order id\[,harmed amount\]`/],
      ['c1@example.com\n\nnobody@example.com\n', /:3: no customer with email nobody@example\.com/],
      ['order-1\norder-999\n', /:2: no order "order-999"/],
      ['c1@example.com,lots\n', /:1: harmed amount: /],
    ];
    for (const [i, [text, problem]] of cases.entries()) {
      const bad = file(`bad-${i}.csv`, text);
      const result = create(bad);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`rekindle: ${bad}:`);
      expect(result.stderr).toMatch(problem);
    }
    expect(run('incident', 'show', '1').status).toBe(1);
  });

  it('records the incident and shows its scope', () => {
    expect(create(file('affected.csv', AFFECTED)).json()).toEqual({ id: 1, affected: 4, harmed: '37.40' });
    expect(run('incident', 'show', '1', '--json').json()).toEqual({
      id: 1, title: 'Late parcels in May', description: 'We shipped your May order nine days late and never told you why.', plan: null,
      status: 'open', makeGood: '10.00 EUR', affected: 4, harmed: '37.40', currency: 'EUR', updates: [], runs: [],
    });
  });

  it('runs the apology to exactly the affected, updates everyone not stopped twice, and closes the loop', async () => {
    const preview = run('campaign', 'preview', 'incident-apology', '--incident', '1', '--now', '2025-06-02T08:00:00Z', '--json').json();
    expect(preview).toMatchObject({ audience: 4, treated: 4, holdout: 0 });
    expect(run('campaign', 'launch', 'incident-apology', '--incident', '1', '--now', '2025-06-02T08:00:00Z', '--json').json()).toMatchObject({ audience: 4, holdout: 0 });
    expect(run('dispatch', '--now', '2025-06-02T08:05:00Z', '--json').json()).toMatchObject({ sent: 4 });

    // c4 follows the unsubscribe link in the apology: no more updates for them.
    await queryShop(shop, "INSERT INTO suppressions (email, reason, source, at) VALUES ('c4@example.com', 'unsubscribed', 'link', '2025-06-02T09:00:00.000Z')", [], true);
    // Two updates posted before the next dispatch: each email still tells its own update.
    const post = (kind: string, message: string, at: string) =>
      expect(run('incident', kind, '1', '--message', message, '--now', at, '--json').json()).toEqual({ incidentId: 1, queued: 4 });
    post('update', 'We found the parcels at the courier\'s depot in Leipzig.', '2025-06-03T08:00:00Z');
    post('update', 'Every late parcel has now been delivered.', '2025-06-03T09:00:00Z');
    expect(run('dispatch', '--now', '2025-06-03T09:05:00Z', '--json').json()).toMatchObject({ sent: 6, suppressed: 2 });
    post('resolve', 'We moved to a courier who scans every parcel, and we check the scans each morning.', '2025-06-05T08:00:00Z');
    // A minute later, as the scheduler would: `--now` starts a clock that runs on, so the
    // resolution is due some milliseconds after 08:00, however long the command took to start.
    expect(run('dispatch', '--now', '2025-06-05T08:01:00Z', '--json').json()).toMatchObject({ sent: 3, suppressed: 1 });

    const emails = await readOutbox(shop);
    // In the order sent; the two updates went out together, the first one posted first.
    const order = (m: ParsedMessage) => [(m.parsed.date as Date).getTime(), m.parsed.text?.includes('Leipzig') ? 0 : 1];
    const to = (email: string) =>
      emails.filter((m) => m.to === email).sort((a, b) => order(a)[0] - order(b)[0] || order(a)[1] - order(b)[1]);
    const subjects = (messages: ParsedMessage[]) => messages.map((m) => m.parsed.subject);
    const apology = 'We let you down, and I am sorry';
    const update = 'An update on what went wrong';
    for (const email of ['c1@example.com', 'c2@example.com', 'c3@example.com']) {
      const got = to(email);
      expect(subjects(got)).toEqual([apology, update, update, 'What we changed so it never happens again']);
      expect(got[0].parsed.text).toContain('We shipped your May order nine days late');
      expect(got[0].parsed.text).toContain('We owe you a €10.00 credit on your next order');
      expect(got[1].parsed.text).toContain('depot in Leipzig');
      expect(got[2].parsed.text).toContain('Every late parcel has now been delivered');
      expect(got[3].parsed.text).toContain('a courier who scans every parcel');
      expect(new Set(got.map((m) => m.header('x-rekindle-step'))).size).toBe(4);
    }
    expect(subjects(to('c4@example.com'))).toEqual([apology]);
    expect(emails.filter((m) => ['c5@example.com', 'c6@example.com'].includes(m.to))).toEqual([]);

    const shown = run('incident', 'show', '1', '--json').json();
    expect(shown).toMatchObject({ status: 'resolved', runs: [{ runId: 1, campaign: 'incident-apology', state: 'completed' }] });
    expect(shown.updates.map((u: { kind: string }) => u.kind)).toEqual(['update', 'update', 'resolution']);
    const status = run('campaign', 'status', 'incident-apology', '--json').json();
    expect(status.steps.map((s: { step: number; sent: number; suppressed: number }) => [s.step, s.sent, s.suppressed])).toEqual([[1, 4, 0], [2, 3, 1], [3, 3, 1], [4, 3, 1]]);
  }, 90_000); // eleven runs of the built CLI: over 30 s on a busy machine
});

describe('incident create --affected with Shopify order names', () => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await openShop({ customers: lapsedCustomers(3) });
    await shop.release();
  });
  afterAll(() => shop?.dispose());

  it('accepts the order Name (#1043), by which the Shopify export groups its rows, as well as the numeric Id', () => {
    const run = (...args: string[]) => rekindle(args, shop.env);
    const csv = path.join(shop.dir, 'shopify.csv');
    writeFileSync(csv, [
      'Name,Email,Currency,Total,Created at,Lineitem name,Id',
      '#1043,c1@example.com,EUR,42.50,2024-04-02 10:00:00 +0200,Kenya AA,6104428362525',
      '#1044,c2@example.com,EUR,19.90,2024-04-03 10:00:00 +0200,Mug,6104428362526',
    ].join('\n'));
    expect(run('import', 'orders', csv, '--format', 'shopify', '--json').status).toBe(0);
    const affected = path.join(shop.dir, 'affected.csv');
    writeFileSync(affected, 'order_id,harmed\n#1043,8.00\n6104428362526,2.00\n');
    const created = run('incident', 'create', '--title', 'Late parcels', '--description', 'We shipped late.', '--make-good', '100%',
      '--affected', affected, '--now', '2025-06-02T07:00:00Z', '--json');
    expect(created.stderr).toBe('');
    expect(created.json()).toEqual({ id: 1, affected: 2, harmed: '10.00' });
  });
});
