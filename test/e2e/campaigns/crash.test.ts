/**
 * The crash test: `rekindle dispatch` is killed with SIGKILL half-way through a step, then run
 * again with `--now` past the claim lease (2 minutes), and everything is counted against the
 * send rows. Through the outbox the evidence is exact: every treated customer ends with exactly
 * one email. Through SMTP nothing can prove whether an in-flight message left: those are
 * reported uncertain and never resent. Either way, no customer ever gets a step twice.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { rekindle } from '../../support/cli';
import { queryShop, readOutbox, runRekindle, startRekindle } from '../../support/campaignCli';
import { lapsedCustomers, openShop, Shop } from '../../support/campaignShop';
import { SmtpSink, startSmtpSink } from '../../support/smtpSink';

const T0 = '2025-06-02T08:00:00Z';
const CUSTOMERS = 1500;
const KILL_AFTER = 200;
/** 1,500 customers through four runs of the built CLI: a minute and more on a busy machine. */
const TIMEOUT_MS = 120_000;

interface SendRow {
  id: number;
  email: string;
  status: string;
  message_id: string | null;
}

describe('a dispatch killed mid-send and restarted', () => {
  let shop: Shop;
  let sink: SmtpSink | undefined;
  const run = (...args: string[]) => rekindle(args, shop.env);
  afterEach(async () => {
    await shop?.dispose();
    await sink?.close();
    sink = undefined;
  });

  async function launchedShop(settings: Record<string, string> = {}): Promise<number> {
    shop = await openShop({ customers: lapsedCustomers(CUSTOMERS), settings });
    await shop.release();
    return run('campaign', 'launch', 'nostalgia-winback', '--now', T0, '--json').json().treated;
  }

  const step1 = () => run('campaign', 'status', 'nostalgia-winback', '--json').json().steps[0];
  const sends = () => queryShop<SendRow>(shop, 'SELECT s.id, c.email, s.status, s.message_id FROM sends s JOIN customers c ON c.id = s.customer_id WHERE s.step = 1');
  /** The send a message belongs to, from its deterministic Message-ID `<send-ID.hash@host>`. */
  const sendIdOf = (messageId: string) => Number(/^<send-(\d+)\./.exec(messageId)?.[1]);

  it('through the outbox: sends every customer step 1 exactly once, the files matching the sends', async () => {
    const treated = await launchedShop();
    const child = startRekindle(['dispatch', '--now', '2025-06-02T08:05:00Z', '--json'], shop.env);
    const outbox = path.join(shop.env.OUTBOX_DIR, 'nostalgia-winback');
    await waitFor(() => existsSync(outbox) && readdirSync(outbox).filter((f) => f.endsWith('.eml')).length >= KILL_AFTER);
    child.kill();
    expect((await child.done).status).toBeNull(); // killed, not finished
    const killed = step1();
    expect(killed.sent).toBeLessThan(treated);
    expect(killed.sent + killed.due).toBe(treated);

    const summary = run('dispatch', '--now', '2025-06-02T08:09:00Z', '--json').json();
    expect(summary.reconciled.uncertain).toBe(0);
    expect(summary.reconciled.sent + summary.reconciled.resend).toBeGreaterThan(0);
    expect(step1()).toEqual({ step: 1, due: 0, sent: treated, failed: 0, suppressed: 0, exited: 0, uncertain: 0 });

    // One file per send, named by it, addressed to that send's customer, and nothing else.
    const rows = new Map((await sends()).map((s) => [s.id, s]));
    const emails = await readOutbox(shop);
    expect(emails).toHaveLength(treated);
    expect(new Set(emails.map((m) => m.to)).size).toBe(treated);
    for (const m of emails) {
      const send = rows.get(sendIdOf(m.parsed.messageId as string));
      expect(send).toMatchObject({ email: m.to, status: 'sent' });
      expect(m.header('x-rekindle-step')).toBe('1');
    }
  }, TIMEOUT_MS);

  it('through SMTP: reports what was in flight as uncertain, never resends it, and nothing arrives twice', async () => {
    sink = await startSmtpSink();
    const treated = await launchedShop({ SMTP_URL: sink.url() });
    const child = startRekindle(['dispatch', '--now', '2025-06-02T08:05:00Z', '--json'], shop.env);
    sink.onMessage((count) => count === KILL_AFTER && child.kill());
    expect((await child.done).status).toBeNull();
    expect(step1().sent).toBeLessThan(treated);

    // Asynchronously: the sink in this process must keep answering while the child sends.
    const summary = (await runRekindle(['dispatch', '--now', '2025-06-02T08:09:00Z', '--json'], shop.env)).json();
    // SMTP leaves no evidence either way: what was handed to the mailer is uncertain; what was
    // claimed but never handed over cannot have left, and is sent now.
    expect(summary.reconciled).toEqual({ sent: 0, resend: expect.any(Number), uncertain: expect.any(Number) });
    expect(summary.reconciled.uncertain).toBeGreaterThan(0);
    // Claimed a chunk ahead and recorded a chunk at a time: far fewer than a batch (500) in doubt.
    expect(summary.reconciled.uncertain).toBeLessThan(250);
    const final = step1();
    expect(final).toMatchObject({ due: 0, failed: 0, uncertain: summary.reconciled.uncertain });
    expect(final.sent + final.uncertain).toBe(treated);
    expect((await runRekindle(['dispatch', '--now', '2025-06-03T08:00:00Z', '--json'], shop.env)).json()).toMatchObject({ sent: 0 }); // uncertain stays unsent

    const rows = await sends();
    const byId = new Map(rows.map((s) => [s.id, s]));
    const messages = await sink.messages();
    expect([...sink.countByRecipient().values()].every((n) => n === 1)).toBe(true);
    // Every message belongs to a send that is sent or uncertain, addressed to its customer ...
    for (const m of messages) {
      const send = byId.get(sendIdOf(m.parsed.messageId as string));
      expect(send?.email).toBe(m.to);
      expect(['sent', 'uncertain']).toContain(send?.status);
    }
    // ... and every send recorded as sent arrived, with the Message-ID recorded for it.
    const arrived = new Set(messages.map((m) => m.parsed.messageId));
    const sent = rows.filter((s) => s.status === 'sent');
    expect(sent).toHaveLength(final.sent);
    expect(sent.filter((s) => !arrived.has(s.message_id ?? undefined))).toEqual([]);
  }, TIMEOUT_MS);
});

async function waitFor(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`still waiting after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
