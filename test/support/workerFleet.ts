/**
 * The several-workers kill test, the same on SQLite and PostgreSQL: a shop with one single-step
 * run of many sends, four `rekindle worker` processes (the built CLI) sending to the loopback SMTP
 * sink, two of them killed with SIGKILL mid-run. What was in flight at each kill is read from the
 * database right after it (nothing changes a dead worker's claims until its lease runs out), and
 * the end is counted against the sink.
 */
import { startRekindle } from './campaignCli';
import { lapsedCustomers, openShop, Shop, step, winback } from './campaignShop';
import { SmtpSink, startSmtpSink } from './smtpSink';

const T0 = '2025-06-02T08:00:00Z';
/** Short, so the survivors take over soon; long enough for a worker on a busy machine to renew in time. */
export const LEASE_SECONDS = 5;

export interface FleetResult {
  sends: number;
  /** Status counts of the step's sends at the end. */
  statuses: Record<string, number>;
  /** Messages at the sink per send id (from the deterministic Message-ID `<send-ID.hash@host>`). */
  messagesPerSend: Map<number, number>;
  /** Recipients with more than one message. */
  twice: string[];
  /** Sends `sent` whose recorded Message-ID never arrived. */
  sentNotArrived: number[];
  /** Sends handed to the mailer, not settled, by a killed worker at its kill: the ones in doubt. */
  handedAtKill: number[];
  /** Claimed by a killed worker at its kill, never handed over: safe to send again. */
  unhandedAtKill: number[];
  uncertain: { id: number; detail: string }[];
  killed: string[];
  /** Exit codes of the two workers stopped with SIGTERM at the end. */
  stoppedWith: (number | null)[];
  seconds: number;
}

export async function runFleet(options: { customers: number; settings?: Record<string, string>; prepare?: () => Promise<void> }): Promise<{ result: FleetResult; shop: Shop; close: () => Promise<void> }> {
  await options.prepare?.();
  const sink = await startSmtpSink();
  const shop = await openShop({
    customers: lapsedCustomers(options.customers),
    campaigns: { 'one-step': winback([step('1-we-miss-you')]) },
    settings: { SMTP_URL: sink.url(), SMTP_MAX_CONNECTIONS: '8', ...options.settings },
  });
  const workers: ReturnType<typeof startRekindle>[] = [];
  const close = async () => {
    for (const w of workers) w.kill(); // those still running after a failure
    await Promise.all(workers.map((w) => w.done));
    await shop.dispose();
    await sink.close();
  };
  try {
    return { shop, close, result: await fleet(shop, sink, workers) };
  } catch (error) {
    await close();
    throw error;
  }
}

async function fleet(shop: Shop, sink: SmtpSink, workers: ReturnType<typeof startRekindle>[]): Promise<FleetResult> {
  const db = shop.services.db;
  const p = db.dialect.param;
  const launched = await shop.services.campaigns().launch('one-step', {});
  const sends = launched.treated;
  const started = Date.now();
  workers.push(...Array.from({ length: 4 }, () =>
    startRekindle(['worker', '--now', '2025-06-02T08:05:00Z', '--lease', String(LEASE_SECONDS), '--poll', '0.3'], { ...shop.env, LOG_LEVEL: 'warn' }),
  ));
  const killed: string[] = [];
  const handedAtKill: number[] = [];
  const unhandedAtKill: number[] = [];
  const kill = async (i: number) => {
    workers[i].kill();
    const { stdout } = await workers[i].done;
    const id = /worker (\S+) started/.exec(stdout)?.[1];
    if (!id) throw new Error(`worker ${i} never said its id: ${stdout}`);
    killed.push(id);
    // On PostgreSQL a COMMIT the worker sent just before it died is still carried out by its
    // server backend, which may finish after the process is gone: read what it left once that
    // has settled, well inside the lease, before anyone may take its claims over.
    await new Promise((resolve) => setTimeout(resolve, LEASE_SECONDS * 200));
    const rows: { id: number; handed_at: string | null }[] = await db.reader.query(`SELECT id, handed_at FROM sends WHERE status = 'sending' AND claimed_by LIKE ${p(0)}`, [`${id}/%`]);
    for (const r of rows) (r.handed_at ? handedAtKill : unhandedAtKill).push(Number(r.id));
  };
  await waitFor(() => sink.received.length >= sends * 0.2, 240_000);
  await kill(0);
  await waitFor(() => sink.received.length >= sends * 0.45, 240_000);
  await kill(1);
  // Until every send is settled: the survivors take over the dead claims once their lease ends.
  const unsettled = async () => Number((await db.reader.query(`SELECT COUNT(*) AS n FROM sends s WHERE s.status IN ('scheduled', 'retry', 'sending')`))[0].n);
  const until = Date.now() + 240_000;
  while ((await unsettled()) > 0) {
    if (Date.now() > until) throw new Error(`still ${await unsettled()} sends unsettled after 4 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const seconds = (Date.now() - started) / 1000;
  for (const w of workers.slice(2)) w.kill('SIGTERM');
  const stoppedWith = await Promise.all(workers.slice(2).map(async (w) => (await w.done).status));

  const rows: { id: number; email: string; status: string; message_id: string | null; detail: string | null }[] = await db.reader.query(
    'SELECT s.id, c.email, s.status, s.message_id, s.detail FROM sends s JOIN customers c ON c.id = s.customer_id',
  );
  const statuses: Record<string, number> = {};
  for (const r of rows) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  const messagesPerSend = new Map<number, number>();
  const arrived = new Set<string>();
  const perRecipient = new Map<string, number>();
  for (const m of sink.received) {
    const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(m.raw.toString('latin1'))?.[1] ?? '';
    arrived.add(messageId);
    const id = Number(/^<send-(\d+)\./.exec(messageId)?.[1]);
    messagesPerSend.set(id, (messagesPerSend.get(id) ?? 0) + 1);
    perRecipient.set(m.to, (perRecipient.get(m.to) ?? 0) + 1);
  }
  return {
    sends,
    statuses,
    messagesPerSend,
    twice: [...perRecipient].filter(([, n]) => n > 1).map(([to]) => to),
    sentNotArrived: rows.filter((r) => r.status === 'sent' && !arrived.has(r.message_id ?? '')).map((r) => Number(r.id)),
    handedAtKill: handedAtKill.sort((a, b) => a - b),
    unhandedAtKill,
    uncertain: rows.filter((r) => r.status === 'uncertain').map((r) => ({ id: Number(r.id), detail: r.detail ?? '' })).sort((a, b) => a.id - b.id),
    killed,
    stoppedWith,
    seconds,
  };
}

/** The checks both databases share: every send exactly once, none lost, doubt only where a killed worker had handed a send over. */
export function expectExactlyOnce(r: FleetResult): void {
  expect(r.killed).toHaveLength(2);
  expect(r.stoppedWith).toEqual([0, 0]);
  // None lost: every send settled, sent or uncertain (no failure at a sink that accepts all).
  expect(Object.keys(r.statuses).sort()).toEqual(Object.keys(r.statuses).length === 1 ? ['sent'] : ['sent', 'uncertain']);
  expect((r.statuses.sent ?? 0) + (r.statuses.uncertain ?? 0)).toBe(r.sends);
  // Exactly once: no recipient and no send twice at the sink; every sent send arrived.
  expect(r.twice).toEqual([]);
  expect([...r.messagesPerSend.values()].filter((n) => n !== 1)).toEqual([]);
  expect(r.sentNotArrived).toEqual([]);
  // Uncertain exactly where a killed worker had handed the send to the mailer; the sends it had
  // claimed but not handed over were sent again (once), not left in doubt.
  expect(r.uncertain.map((u) => u.id)).toEqual(r.handedAtKill);
  for (const u of r.uncertain) expect(r.killed.some((w) => u.detail.includes(w))).toBe(true);
  for (const id of r.unhandedAtKill) expect(r.messagesPerSend.get(id)).toBe(1);
}

/** The test itself: runs the fleet, prints its numbers (they go in the commit and the report), checks them. */
export function fleetTest(label: string, options: Parameters<typeof runFleet>[0]): void {
  it(`sends ${options.customers} emails each exactly once, loses none, and leaves in doubt only what a killed worker had handed to the mailer`, async () => {
    const { result, close } = await runFleet(options);
    try {
      const { sends, statuses, uncertain, unhandedAtKill, seconds } = result;
      process.stdout.write(`${label} fleet: ${JSON.stringify({ sends, statuses, uncertain: uncertain.length, resentAfterKill: unhandedAtKill.length, seconds })}\n`);
      expectExactlyOnce(result);
    } finally {
      await close();
    }
  }, 600_000);
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`still waiting after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
