/**
 * Who stops getting emails, and when: a purchase after enrolment ends the sequence; a suppressed
 * address (unsubscribed, bounced, complained) is never mailed; consent `no` never gets marketing,
 * yet does get the service notice about an incident that harmed them.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createIncident } from '../../../src/campaigns/incidentService';
import { runStatus } from '../../../src/campaigns/runControl';
import { importCustomers } from '../../../src/import/importer';
import { DAY_MS, lapsedCustomers, openShop, Shop, suppress, TWO_STEPS } from '../../support/campaignShop';
import { SmtpSink, startSmtpSink } from '../../support/smtpSink';

describe('exits and suppressions', () => {
  let sink: SmtpSink;
  let shop: Shop;
  let runId: number;
  const received = (email: string) => sink.countByRecipient().get(email) ?? 0;

  beforeAll(async () => {
    sink = await startSmtpSink();
    shop = await openShop({
      customers: [...lapsedCustomers(8), { email: 'never@example.com', firstName: 'Nia', consent: 'no', orderDays: ['2024-01-05', '2024-02-05', '2024-03-05'] }],
      settings: { SMTP_URL: sink.url() },
      campaigns: { 'two-steps': TWO_STEPS },
    });
    await suppress(shop.services, 'c2@example.com', 'unsubscribed', shop.clock.now());
    // c1's latest order was sent back: it is no purchase, in the facts the emails tell either.
    await shop.addOrders([{ email: 'c1@example.com', day: '2024-05-10', refunded: true }]);
    const launched = await shop.services.campaigns().launch('two-steps', {});
    runId = launched.runId;
    // Eight customers, less the unsubscribed one and the one who said no to marketing.
    expect(launched).toMatchObject({ audience: 7, treated: 7, holdout: 0 });
    expect(await shop.dispatch()).toMatchObject({ sent: 7 });

    // Between step 1 and step 2: one customer buys, three ask us to stop in different ways,
    // one withdraws marketing consent through a customers import.
    shop.clock.advance(2 * DAY_MS);
    await shop.addOrders([{ email: 'c3@example.com', day: '2025-06-04', at: shop.clock.now().toISOString() }]);
    // c8 buys and returns it in full: not a purchase, so the sequence goes on.
    await shop.addOrders([{ email: 'c8@example.com', day: '2025-06-04', at: shop.clock.now().toISOString(), refunded: true }]);
    await suppress(shop.services, 'c4@example.com', 'unsubscribed', shop.clock.now());
    await suppress(shop.services, 'c5@example.com', 'bounced', shop.clock.now());
    await suppress(shop.services, 'c6@example.com', 'complained', shop.clock.now());
    await importCustomers(shop.services.db, [{ email: 'c7@example.com', consent: 'no', line: 2 }], { source: 'csv:generic', file: 'customers.csv', now: shop.clock.now });
    await shop.playForward();
  });
  afterAll(async () => {
    await shop?.dispose();
    await sink?.close();
  });

  it('never mails an address suppressed before the launch, nor a customer who said no to marketing', () => {
    expect(received('c2@example.com')).toBe(0);
    expect(received('never@example.com')).toBe(0);
  });

  it('stops the sequence of a customer who bought after enrolment, and records why', async () => {
    expect(received('c3@example.com')).toBe(1);
    const [enrolment] = await shop.services.db.reader.query(
      "SELECT e.exited_at, e.exit_reason FROM enrolments e JOIN customers c ON c.id = e.customer_id WHERE c.email = 'c3@example.com'",
    );
    expect(enrolment).toEqual({ exited_at: expect.any(String), exit_reason: 'purchase' });
    expect((await shop.sends(runId)).find((s) => s.email === 'c3@example.com' && s.step === 2)).toMatchObject({ status: 'exited', detail: 'purchase' });
  });

  it('counts neither an order refunded in full as the last purchase nor one after enrolment as a reason to stop', async () => {
    const [c1] = await shop.services.db.reader.query("SELECT e.facts FROM enrolments e JOIN customers c ON c.id = e.customer_id WHERE c.email = 'c1@example.com'");
    expect(JSON.parse(c1.facts)).toMatchObject({ orders: 3, lastOrderDay: '2024-03-02' });
    expect(received('c8@example.com')).toBe(2);
  });

  it('sends nothing more to an address that unsubscribed, bounced or complained, nor after consent was withdrawn', async () => {
    for (const email of ['c4@example.com', 'c5@example.com', 'c6@example.com', 'c7@example.com']) expect(received(email)).toBe(1);
    const step2 = (await shop.sends(runId)).filter((s) => s.step === 2);
    const detail = (email: string) => step2.find((s) => s.email === email)?.detail;
    expect([detail('c4@example.com'), detail('c5@example.com'), detail('c6@example.com'), detail('c7@example.com')]).toEqual(['unsubscribed', 'bounced', 'complained', 'no-consent']);
  });

  it('carries on for everyone else, and counts each kind of ending in the status', async () => {
    for (const email of ['c1@example.com', 'c8@example.com']) expect(received(email)).toBe(2);
    const status = await runStatus(shop.services.db, String(runId));
    expect(status.state).toBe('completed');
    expect(status.steps).toEqual([
      { step: 1, due: 0, sent: 7, failed: 0, suppressed: 0, exited: 0, uncertain: 0 },
      { step: 2, due: 0, sent: 2, failed: 0, suppressed: 4, exited: 1, uncertain: 0 },
    ]);
  });

  it('still sends the incident notice to a customer who said no to marketing, but never to a suppressed address', async () => {
    const affected = path.join(shop.dir, 'affected.csv');
    writeFileSync(affected, 'email\nnever@example.com\nc2@example.com\nc7@example.com\n');
    const incident = await createIncident(shop.services.db, {
      title: 'Late parcels', description: 'Our courier lost a week of parcels and we did not tell you.', makeGood: '5.00',
      affectedFile: affected, currency: 'EUR', now: shop.clock.now(),
    });
    const launched = await shop.services.campaigns().launch('incident-apology', { incidentId: incident.id });
    expect(launched).toMatchObject({ audience: 2, holdout: 0 });
    await shop.playForward();
    const apologies = (await sink.messages()).filter((m) => m.header('x-rekindle-campaign') === 'incident-apology');
    expect(apologies.map((m) => m.to)).toEqual(['c7@example.com', 'never@example.com']);
  });
});
