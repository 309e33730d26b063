/**
 * Fault: the SMTP server answers a plain 550 to every RCPT TO, in per-recipient words ("user
 * unknown"), while it is really refusing us (a blocklist, a misrouted relay, a policy). One such
 * answer is that address's problem and suppresses it (smtpFailures.test.ts); the same answer for
 * every recipient in a row, with none accepted, is the server's. Guarantee, through the built CLI
 * and counted in the sends and suppressions tables: the run is paused and `dispatch` exits 1
 * saying why (as `campaign status` does), nobody is suppressed, failed or sent, every send waits;
 * once the server takes mail again and the run is resumed, every customer gets exactly one email.
 */
import { queryShop, runRekindle } from '../../support/campaignCli';
import { lapsedCustomers, sinkAndShopPerTest, step, winback } from '../../support/campaignShop';

const CUSTOMERS = 40;
const DISPATCH_AT = '2025-06-02T08:05:00Z';

describe('an SMTP server refusing every recipient', () => {
  const each = sinkAndShopPerTest();

  it('pauses the run with the reason, suppresses nobody and loses nothing; after a resume each customer gets one email', async () => {
    const sink = each.sink;
    const shop = await each.open({ customers: lapsedCustomers(CUSTOMERS), campaigns: { once: winback([step('1-we-miss-you')]) } });
    const { runId, treated } = await shop.services.campaigns().launch('once', {});
    expect(treated).toBe(CUSTOMERS);
    await shop.release();
    const cli = (...args: string[]) => runRekindle(args, shop.env);
    const statuses = async () => Object.fromEntries((await queryShop<{ status: string; n: number }>(shop, 'SELECT status, COUNT(*) AS n FROM sends GROUP BY status')).map((r) => [r.status, r.n]));

    sink.refuseNext(1_000_000, '550 5.1.1 Recipient address rejected: User unknown in local recipient table');
    const refused = await cli('dispatch', '--now', DISPATCH_AT, '--json');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`rekindle: run ${runId} \\(once\\) paused: .*refused .*recipients? in a row`));
    expect(refused.json()).toMatchObject({ sent: 0, suppressed: 0, failed: 0, paused: [{ runId, campaign: 'once', reason: expect.stringContaining('550 5.1.1') }] });
    expect(sink.received).toHaveLength(0);
    expect(await queryShop(shop, 'SELECT email FROM suppressions')).toEqual([]);
    expect(await statuses()).toEqual({ scheduled: CUSTOMERS });
    // Nothing is held by a lease: any worker may take the sends once the run is resumed.
    expect(await queryShop(shop, "SELECT id FROM sends WHERE lease_until IS NOT NULL")).toEqual([]);

    const status = await cli('campaign', 'status', String(runId));
    expect(status.stdout).toMatch(/paused — .*refused .*in a row/);
    // Paused: the next dispatch tries nobody.
    expect((await cli('dispatch', '--now', DISPATCH_AT, '--json')).json()).toMatchObject({ sent: 0, suppressed: 0 });
    expect(await statuses()).toEqual({ scheduled: CUSTOMERS });

    sink.refuseNext(0, '');
    expect((await cli('campaign', 'resume', String(runId))).status).toBe(0);
    const resumed = await cli('dispatch', '--now', DISPATCH_AT, '--json');
    expect({ status: resumed.status, stderr: resumed.stderr }).toEqual({ status: 0, stderr: '' });
    expect(resumed.json()).toMatchObject({ sent: CUSTOMERS, suppressed: 0, paused: [] });
    const perCustomer = sink.countByRecipient();
    expect(perCustomer.size).toBe(CUSTOMERS);
    expect([...perCustomer.values()].filter((n) => n !== 1)).toEqual([]);
    expect(await statuses()).toEqual({ sent: CUSTOMERS });
  }, 90_000);
});
