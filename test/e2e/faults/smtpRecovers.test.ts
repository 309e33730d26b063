/**
 * Fault: the SMTP server is down for a while and then recovers: for two passes it answers 421 to
 * every connection (restarting, overloaded), for two more it takes the connection but answers 451
 * to every message (a full queue, greylisting), then it accepts again. Guarantee, counted on the
 * server and in the sends table: while it refuses, every send waits to be retried with backoff,
 * none failed, suppressed or sent, the run not paused; once it recovers every customer gets
 * exactly one email: none lost, none twice.
 */
import { runStatus } from '../../../src/campaigns/runControl';
import type { RetryPolicy } from '../../../src/mail/classify';
import { lapsedCustomers, sinkAndShopPerTest, step, winback } from '../../support/campaignShop';

const MINUTE_MS = 60_000;
const CUSTOMERS = 20;
// 1, 2, 4, 8 minutes, without jitter, so each retry is due at a time the test can reach exactly.
const retry: RetryPolicy = { maxAttempts: 6, baseDelayMs: MINUTE_MS, maxDelayMs: 60 * MINUTE_MS, jitter: 0, random: () => 0 };

describe('an SMTP server refusing with 421 and 451 for a while, then recovering', () => {
  const each = sinkAndShopPerTest();

  it('keeps every send waiting while it refuses, then sends each customer exactly one email', async () => {
    const sink = each.sink;
    const shop = await each.open({ customers: lapsedCustomers(CUSTOMERS), retry, campaigns: { once: winback([step('1-we-miss-you')]) } });
    const { runId, treated } = await shop.services.campaigns().launch('once', {});
    expect(treated).toBe(CUSTOMERS);
    const statuses = async () => {
      const counts: Record<string, number> = {};
      for (const s of await shop.sends(runId)) counts[s.status] = (counts[s.status] ?? 0) + 1;
      return counts;
    };

    const refusals: [string, (reply: string | null) => void][] = [
      ['421 4.3.2 Service not available, closing transmission channel', sink.refuseConnections],
      ['451 4.3.0 Temporary local problem, try again later', sink.refuseMessages],
    ];
    let delayMs = MINUTE_MS;
    for (const [reply, refuse] of refusals) {
      refuse(reply);
      for (let pass = 0; pass < 2; pass++) {
        const where = `${reply.slice(0, 3)}, pass ${pass + 1}`;
        const summary = await shop.dispatch();
        expect({ where, ...summary }).toMatchObject({ where, sent: 0, retried: CUSTOMERS, failed: 0, suppressed: 0, paused: [] });
        expect({ where, statuses: await statuses() }).toEqual({ where, statuses: { retry: CUSTOMERS } });
        expect((await shop.sends(runId)).every((s) => s.detail?.includes(reply.slice(0, 3)))).toBe(true);
        shop.clock.advance(delayMs);
        delayMs *= 2;
      }
      refuse(null);
    }
    expect(sink.received).toHaveLength(0);

    expect(await shop.dispatch()).toMatchObject({ sent: CUSTOMERS, retried: 0, failed: 0, suppressed: 0 });
    shop.clock.advance(60 * MINUTE_MS);
    expect(await shop.dispatch()).toMatchObject({ sent: 0, retried: 0 });

    const perCustomer = sink.countByRecipient();
    expect(perCustomer.size).toBe(CUSTOMERS);
    expect([...perCustomer.values()].filter((n) => n !== 1)).toEqual([]);
    expect(await statuses()).toEqual({ sent: CUSTOMERS });
    expect(await shop.services.db.reader.query('SELECT email FROM suppressions')).toEqual([]);
    expect((await runStatus(shop.services.db, String(runId))).state).not.toBe('paused');
  }, 60_000);
});
