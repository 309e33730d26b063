/**
 * Fault: the SMTP connection drops in the middle of DATA: the client has said DATA and the socket
 * goes, with no reply, before the message's end could be written (the sink drops it before its
 * 354; a drop after the end was written is droppedAfterData.test.ts). The server cannot have taken
 * that message, so by the product's rule (src/mail/classify.ts: a dropped connection is transient
 * unless the end of DATA was written) the send waits and is retried after the backoff; it is
 * never marked sent, failed or suppressed on a guess. Guarantee, counted on the server and in the sends table: every customer ends with exactly
 * one email, none twice, and none is lost silently: in between, each dropped send is visible as
 * waiting to be retried, with the connection problem as its reason.
 */
import type { RetryPolicy } from '../../../src/mail/classify';
import { lapsedCustomers, sinkAndShopPerTest, step, winback } from '../../support/campaignShop';

const MINUTE_MS = 60_000;
const CUSTOMERS = 24;
const DROPPED = 7;
const retry: RetryPolicy = { maxAttempts: 6, baseDelayMs: MINUTE_MS, maxDelayMs: 60 * MINUTE_MS, jitter: 0, random: () => 0 };

describe('an SMTP connection dropped mid-DATA', () => {
  const each = sinkAndShopPerTest();

  it('retries the dropped sends and delivers every customer exactly one email', async () => {
    const sink = each.sink;
    const shop = await each.open({ customers: lapsedCustomers(CUSTOMERS), retry, campaigns: { once: winback([step('1-we-miss-you')]) } });
    const { runId } = await shop.services.campaigns().launch('once', {});

    sink.dropMidData(DROPPED);
    const first = await shop.dispatch();
    expect(first).toMatchObject({ sent: CUSTOMERS - DROPPED, retried: DROPPED, failed: 0, suppressed: 0, paused: [] });
    expect(sink.received).toHaveLength(CUSTOMERS - DROPPED);
    const rows = await shop.sends(runId);
    // Nothing in between is silent: every send is sent, or waiting with the connection problem as its reason.
    expect(rows.filter((s) => s.status === 'sent')).toHaveLength(CUSTOMERS - DROPPED);
    const waiting = rows.filter((s) => s.status !== 'sent');
    expect(waiting).toHaveLength(DROPPED);
    for (const s of waiting) expect({ status: s.status, detail: s.detail }).toEqual({ status: 'retry', detail: expect.stringMatching(/connection problem/) });
    // Those customers got nothing yet: what they will get is the retry, not a second copy.
    const got = sink.countByRecipient();
    expect(waiting.filter((s) => got.has(s.email))).toEqual([]);

    shop.clock.advance(MINUTE_MS);
    expect(await shop.dispatch()).toMatchObject({ sent: DROPPED, retried: 0, failed: 0 });
    shop.clock.advance(60 * MINUTE_MS);
    expect(await shop.dispatch()).toMatchObject({ sent: 0, retried: 0 });

    const perCustomer = sink.countByRecipient();
    expect(perCustomer.size).toBe(CUSTOMERS);
    expect([...perCustomer.values()].filter((n) => n !== 1)).toEqual([]);
    const after = await shop.sends(runId);
    expect(after.filter((s) => s.status !== 'sent')).toEqual([]);
    // Each recorded Message-ID is the one that arrived.
    const arrived = new Set((await sink.messages()).map((m) => m.parsed.messageId));
    expect(after.filter((s) => !arrived.has(s.messageId ?? undefined))).toEqual([]);
  }, 60_000);
});
