/**
 * A send a crash left `sending` through SMTP becomes `uncertain`: never resent, since it may have
 * left. But it must not end the customer's sequence: the later steps go out on schedule, timed
 * from when the uncertain one was attempted, as if it had been sent.
 */
import { DAY_MS, lapsedCustomers, LAUNCH_AT, Shop, sinkAndShopPerTest, TWO_STEPS } from '../../support/campaignShop';
import type { SmtpSink } from '../../support/smtpSink';
import { marketerConsole } from '../../e2e/console/dataConsole';

const MINUTE_MS = 60_000;

describe('an uncertain send', () => {
  const each = sinkAndShopPerTest();
  let sink: SmtpSink;
  let shop: Shop;
  beforeEach(() => {
    sink = each.sink;
  });

  it('is not resent, and the customer still gets the later steps on schedule', async () => {
    shop = await each.open({ customers: lapsedCustomers(3), campaigns: { 'two-steps': TWO_STEPS } });
    const runId = (await shop.services.campaigns().launch('two-steps', {})).runId;
    const c2 = shop.customerId('c2@example.com');
    // What a killed process leaves: claimed by a worker that no longer exists, the SMTP outcome lost.
    await shop.services.db.write((tx) =>
      tx.query(`UPDATE sends SET status = 'sending', claimed_by = 'gone-0000/1', claimed_at = $1, attempts = 1 WHERE customer_id = $2 AND step = 1`, [LAUNCH_AT, c2]),
    );
    shop.clock.advance(3 * MINUTE_MS); // past the two-minute lease
    expect(await shop.dispatch()).toMatchObject({ sent: 2, reconciled: { sent: 0, resend: 0, uncertain: 1 } });
    expect(sink.countByRecipient().get('c2@example.com')).toBeUndefined();

    const c2Sends = async () => (await shop.sends(runId)).filter((s) => s.customerId === c2).map((s) => [s.step, s.status]);
    expect(await c2Sends()).toEqual([[1, 'uncertain'], [2, 'scheduled']]);
    // The run's page says why, as `campaign status` does.
    const http = await marketerConsole(shop.services);
    const page = await (await http.fetch(`/console/runs/${runId}`)).text();
    await http.close();
    expect(page).toMatch(/Uncertain, not sent again: 1 — reconciled after a crash of gone-0000/);
    const [{ due_at }] = await shop.services.db.reader.query('SELECT due_at FROM sends WHERE customer_id = $1 AND step = 2', [c2]);
    expect(due_at).toBe(new Date(new Date(LAUNCH_AT).getTime() + 7 * DAY_MS).toISOString()); // a week after the attempt

    await shop.playForward();
    expect(await c2Sends()).toEqual([[1, 'uncertain'], [2, 'sent']]);
    expect(sink.countByRecipient()).toEqual(new Map([['c1@example.com', 2], ['c2@example.com', 1], ['c3@example.com', 2]]));
  });
});
