/**
 * When emails may go out, with the injected clock: quiet hours (the send window, in the shop's
 * time zone, Europe/Berlin here) and the frequency cap across campaigns. Asserted on what the
 * SMTP server received and the Date each message carries.
 */
import { DAY_MS, lapsedCustomers, Shop, sinkAndShopPerTest, step, winback } from '../../support/campaignShop';
import type { SmtpSink } from '../../support/smtpSink';

const HOUR_MS = 3_600_000;
const WINDOW = { from: '09:00', to: '19:00' };

describe('quiet hours and the frequency cap', () => {
  const each = sinkAndShopPerTest();
  let sink: SmtpSink;
  let shop: Shop;
  beforeEach(() => {
    sink = each.sink;
  });

  const dates = async () => (await sink.messages()).map((m) => (m.parsed.date as Date).toISOString());

  it('a send due just before the window closes, found after it closed, waits for the window to open', async () => {
    shop = await each.open({
      customers: lapsedCustomers(6),
      campaigns: { evening: winback([step('1-we-miss-you')], { sendWindow: WINDOW }) },
    });
    shop.clock.set('2025-06-02T16:58:00.000Z'); // 18:58 in Berlin: inside the window, due now
    await shop.services.campaigns().launch('evening', {});
    shop.clock.set('2025-06-02T17:30:00.000Z'); // 19:30: the dispatcher was late, the window has closed
    expect(await shop.dispatch()).toMatchObject({ sent: 0, deferred: 6 });
    expect(sink.received).toHaveLength(0);

    shop.clock.set('2025-06-03T06:59:00.000Z'); // 08:59 the next morning
    expect(await shop.dispatch()).toMatchObject({ sent: 0, deferred: 0 });
    shop.clock.set('2025-06-03T07:00:00.000Z'); // 09:00
    expect(await shop.dispatch()).toMatchObject({ sent: 6 });
    expect(await dates()).toEqual(Array(6).fill('2025-06-03T07:00:00.000Z'));
  });

  it('a launch during quiet hours schedules the first step for the opening of the window', async () => {
    shop = await each.open({
      customers: lapsedCustomers(4),
      campaigns: { night: winback([step('1-we-miss-you')], { sendWindow: WINDOW }) },
    });
    shop.clock.set('2025-06-02T21:00:00.000Z'); // 23:00 in Berlin
    await shop.services.campaigns().launch('night', {});
    expect(await shop.dispatch()).toMatchObject({ sent: 0 });
    shop.clock.advance(HOUR_MS);
    expect(await shop.dispatch()).toMatchObject({ sent: 0 });
    await shop.playForward();
    expect(await dates()).toEqual(Array(4).fill('2025-06-03T07:00:00.000Z'));
  });

  it('holds a step back until the customer is under the cap, counting other campaigns\' emails', async () => {
    const cap = { maxEmails: 1, perDays: 3 };
    shop = await each.open({
      customers: lapsedCustomers(5),
      campaigns: {
        'two-steps': winback([step('1-we-miss-you'), step('2-a-thank-you', '1d')], { frequencyCap: cap }),
        'one-more': winback([step('4-should-we-stop')], { frequencyCap: cap }),
      },
    });
    const launchedAt = shop.clock.now().getTime();
    await shop.services.campaigns().launch('two-steps', {});
    expect(await shop.dispatch()).toMatchObject({ sent: 5 });

    shop.clock.advance(HOUR_MS); // another campaign, an hour later: the cap holds it back
    await shop.services.campaigns().launch('one-more', {});
    expect(await shop.dispatch()).toMatchObject({ sent: 0, deferred: 5 });

    shop.clock.set(new Date(launchedAt + DAY_MS).toISOString()); // step 2 is due, but under the cap only after 3 days
    expect(await shop.dispatch()).toMatchObject({ sent: 0, deferred: 5 });
    await shop.playForward();

    const perCustomer = new Map<string, string[]>();
    for (const m of await sink.messages()) perCustomer.set(m.to, [...(perCustomer.get(m.to) ?? []), (m.parsed.date as Date).toISOString()]);
    expect(perCustomer.size).toBe(5);
    for (const sent of perCustomer.values()) {
      const days = sent.map((d) => (Date.parse(d) - launchedAt) / DAY_MS).sort((a, b) => a - b);
      expect(days).toEqual([0, 3, 6]);
    }
  });

  it('never lets two campaigns due in the same pass past the cap together', async () => {
    const cap = { maxEmails: 1, perDays: 3 };
    const oneStep = (template: string) => winback([step(template)], { frequencyCap: cap });
    shop = await each.open({
      customers: lapsedCustomers(3),
      campaigns: { first: oneStep('1-we-miss-you'), second: oneStep('4-should-we-stop') },
    });
    await shop.services.campaigns().launch('first', {});
    await shop.services.campaigns().launch('second', {});
    expect(await shop.dispatch()).toMatchObject({ sent: 3, deferred: 3 });
    expect([...sink.countByRecipient().values()]).toEqual([1, 1, 1]);
    await shop.playForward();
    expect(await dates()).toEqual(expect.arrayContaining(Array(3).fill(shop.clock.now().toISOString())));
    expect([...sink.countByRecipient().values()]).toEqual([2, 2, 2]);
  });
});
