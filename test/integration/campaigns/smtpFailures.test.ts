/**
 * What the dispatcher does with each kind of SMTP answer, against a real loopback server told
 * to refuse: a 4xx is retried after the (shortened) backoff and sent once; a 5xx for a recipient
 * suppresses the address for good; a refused login pauses the run and says why.
 */
import { changeRunState, runStatus } from '../../../src/campaigns/runControl';
import type { RetryPolicy } from '../../../src/mail/classify';
import { lapsedCustomers, Shop, sinkAndShopPerTest, TWO_STEPS } from '../../support/campaignShop';
import type { SmtpSink } from '../../support/smtpSink';

const MINUTE_MS = 60_000;
// One minute, then two: short enough to play forward, and jitter-free so due times are exact.
const retry: RetryPolicy = { maxAttempts: 3, baseDelayMs: MINUTE_MS, maxDelayMs: 10 * MINUTE_MS, jitter: 0, random: () => 0 };
describe('SMTP failures, classified and acted on', () => {
  const each = sinkAndShopPerTest();
  let sink: SmtpSink;
  let shop: Shop;

  const open = async (credentials?: { user: string; pass: string }) => {
    shop = await each.open({ customers: lapsedCustomers(8), settings: { SMTP_URL: sink.url(credentials) }, retry, campaigns: { 'two-steps': TWO_STEPS } });
    return (await shop.services.campaigns().launch('two-steps', {})).runId;
  };
  beforeEach(() => {
    sink = each.sink;
  });

  it('retries a 4xx after the backoff and then sends it exactly once', async () => {
    const runId = await open();
    sink.refuseNext(3, '451 4.7.1 Greylisted, please try again later');
    expect(await shop.dispatch()).toMatchObject({ sent: 5, retried: 3, failed: 0 });
    const retrying = (await shop.sends(runId)).filter((s) => s.status === 'retry');
    expect(retrying).toHaveLength(3);
    expect(retrying[0].detail).toMatch(/451 4\.7\.1/);

    shop.clock.advance(MINUTE_MS - 1000);
    expect(await shop.dispatch()).toMatchObject({ sent: 0 });
    shop.clock.advance(1000);
    expect(await shop.dispatch()).toMatchObject({ sent: 3, retried: 0 });
    expect([...sink.countByRecipient().values()]).toEqual(Array(8).fill(1));
    expect((await runStatus(shop.services.db, String(runId))).steps[0]).toMatchObject({ sent: 8, due: 0, failed: 0 });
  });

  it('gives up after the last attempt: the send fails and the sequence stops there', async () => {
    const runId = await open();
    sink.refuseRecipient('c3@example.com', '452 4.2.2 Mailbox full');
    await shop.playForward();
    expect(sink.countByRecipient().get('c3@example.com')).toBeUndefined();
    const c3 = (await shop.sends(runId)).filter((s) => s.email === 'c3@example.com');
    expect(c3).toEqual([expect.objectContaining({ step: 1, status: 'failed', detail: expect.stringContaining('Mailbox full') })]);
    const status = await runStatus(shop.services.db, String(runId));
    expect(status.steps.map((s) => [s.sent, s.failed])).toEqual([[7, 1], [7, 0]]);
  });

  it('suppresses an address refused with a 5xx, and that customer gets nothing more from any campaign', async () => {
    const runId = await open();
    sink.refuseRecipient('c5@example.com', '550 5.1.1 <c5@example.com>: Recipient address rejected: no such user');
    expect(await shop.dispatch()).toMatchObject({ sent: 7, suppressed: 1 });
    const [row] = await shop.services.db.reader.query("SELECT email, reason, source FROM suppressions WHERE email = 'c5@example.com'");
    expect(row).toEqual({ email: 'c5@example.com', reason: 'bounced', source: 'smtp' });

    sink.refuseRecipient('c5@example.com', null); // even if the mailbox came back, we must not write again
    await shop.playForward();
    expect(sink.countByRecipient().get('c5@example.com')).toBeUndefined();
    expect((await shop.sends(runId)).filter((s) => s.email === 'c5@example.com').map((s) => s.status)).toEqual(['suppressed']);

    // A later campaign leaves the address out of its audience altogether.
    const again = await shop.services.campaigns().launch('two-steps', { newRun: true });
    expect(again.audience).toBe(7);
    await shop.playForward();
    expect(sink.countByRecipient().get('c5@example.com')).toBeUndefined();
    expect(sink.countByRecipient().get('c1@example.com')).toBe(4);
  });

  it('pauses the run when the server refuses our login, says why, and resumes once it is fixed', async () => {
    const credentials = { user: 'rekindle', pass: 'stale-password' };
    sink.requireLogin({ user: 'rekindle', pass: 'current-password' });
    const runId = await open(credentials);
    const summary = await shop.dispatch();
    expect(summary).toMatchObject({ sent: 0, failed: 0, suppressed: 0, paused: [{ runId, reason: expect.stringMatching(/refused our login.*SMTP_URL/) }] });
    expect(sink.received).toHaveLength(0);
    const paused = await runStatus(shop.services.db, String(runId));
    expect(paused).toMatchObject({ state: 'paused', reason: expect.stringContaining('refused our login') });
    // Nobody is blamed for our credentials: every send waits, none failed or suppressed.
    expect(paused.steps[0]).toMatchObject({ due: 8, sent: 0, failed: 0, suppressed: 0 });
    expect(await shop.services.db.reader.query('SELECT * FROM suppressions')).toEqual([]);

    shop.clock.advance(MINUTE_MS);
    expect(await shop.dispatch()).toMatchObject({ sent: 0, paused: [] }); // paused: nothing is tried

    sink.requireLogin(credentials); // the mail server's password is set to what we send
    await changeRunState(shop.services.db, String(runId), 'resume', shop.clock.now());
    expect(await shop.dispatch()).toMatchObject({ sent: 8 });
    expect([...sink.countByRecipient().values()]).toEqual(Array(8).fill(1));
  });
});
