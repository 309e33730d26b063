/**
 * Stopping `serve` (SIGTERM, as systemd, Docker or a deploy does) in the middle of a step, with a
 * slow SMTP server on loopback: no new send starts, the ones on their way finish and are recorded,
 * the ones claimed but not tried go back to wait, unclaimed, and the process says so and exits 0.
 * Counted against what the SMTP server received: every message that arrived is recorded `sent`,
 * nothing is left `sending` (so nothing turns `uncertain`), and the next dispatch sends the rest,
 * each exactly once.
 */
import { spawn } from 'node:child_process';
import { CLI, rekindle } from '../../support/cli';
import { queryShop, runRekindle } from '../../support/campaignCli';
import { lapsedCustomers, openShop, Shop } from '../../support/campaignShop';
import { SmtpSink, startSmtpSink } from '../../support/smtpSink';

const T0 = '2025-06-02T08:00:00Z';
const STOP_AFTER = 100;

interface SendRow {
  id: number;
  status: string;
  claimed_by: string | null;
  message_id: string | null;
}

describe('serve stopped by SIGTERM mid-step', () => {
  let shop: Shop;
  let sink: SmtpSink;
  afterEach(async () => {
    await shop?.dispose();
    await sink?.close();
  });

  /** The send a message belongs to, from its deterministic Message-ID `<send-ID.hash@host>`. */
  const sendIdOf = (messageId: string) => Number(/^<send-(\d+)\./.exec(messageId)?.[1]);

  it('finishes and records the sends on their way, releases the rest, logs it, exits 0; the next dispatch sends the rest once', async () => {
    sink = await startSmtpSink();
    sink.slowDown(50);
    shop = await openShop({ customers: lapsedCustomers(400), settings: { SMTP_URL: sink.url() } });
    await shop.release();
    const treated: number = rekindle(['campaign', 'launch', 'nostalgia-winback', '--now', T0, '--json'], shop.env).json().treated;

    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--now', '2025-06-02T08:05:00Z'], {
      env: { PATH: process.env.PATH ?? '', ...shop.env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.resume();
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    sink.onMessage((count) => count === STOP_AFTER && child.kill('SIGTERM'));
    expect(await exited).toBe(0);
    const arrivedBeforeStop = sink.received.length;
    expect(arrivedBeforeStop).toBeGreaterThanOrEqual(STOP_AFTER);
    expect(arrivedBeforeStop).toBeLessThan(treated);

    // Every message the server took is recorded sent, with its Message-ID; nothing else is.
    const rows = await queryShop<SendRow>(shop, 'SELECT id, status, claimed_by, message_id FROM sends WHERE step = 1');
    const arrived = new Map((await sink.messages()).map((m) => [sendIdOf(m.parsed.messageId as string), m.parsed.messageId]));
    expect(rows.filter((r) => r.status === 'sent').map((r) => [r.id, r.message_id]).sort()).toEqual([...arrived].sort());
    // Every other send waits, unclaimed: none left `sending` for a later dispatch to call uncertain.
    expect(rows.filter((r) => r.status !== 'sent')).toEqual(rows.filter((r) => r.status === 'scheduled' && r.claimed_by === null));

    const logs = stderr.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
    const stopped = logs.find((l) => /dispatch stopped/.test(l.msg));
    expect(stopped).toMatchObject({ finished: expect.any(Number), released: expect.any(Number), sent: arrivedBeforeStop });
    expect(stopped.released).toBeGreaterThan(0);
    expect(logs.some((l) => /rekindle stopped/.test(l.msg))).toBe(true);

    const summary = (await runRekindle(['dispatch', '--now', '2025-06-02T08:10:00Z', '--json'], shop.env)).json();
    expect(summary).toMatchObject({ sent: treated - arrivedBeforeStop, reconciled: { sent: 0, resend: 0, uncertain: 0 } });
    expect(sink.received).toHaveLength(treated);
    expect([...sink.countByRecipient().values()].every((n) => n === 1)).toBe(true);
  }, 90_000);
});
