/**
 * Plays a launched run forward day by day on the demo's clock: each morning the dispatcher sends
 * what is due; in between, the simulated customers act on the emails that reached them, in time
 * order, through the app's real routes. Safe to play again: an order already placed, or an
 * email already opened, is not done twice, so a second demo only re-reads what happened.
 */
import type { CustomerPlan, SimulationPlan } from '../domain/customerSimulation';
import type { Services } from '../wiring';
import { linksOfSend } from './outboxLinks';
import type { Shopper } from './shopper';
import type { RunAudience } from './simulatedAudience';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The nostalgia win-back's second email carries the offer: won-back customers answer that one. */
export const OFFER_STEP = 2;

export interface PlayForward {
  services: Services;
  audience: RunAudience;
  plan: SimulationPlan;
  seed: number;
  shopper: Shopper;
  /** Moves the clock the services (and so the app) read. */
  setNow(at: Date): void;
  /** The first morning's dispatch; one more each day for `days` days. */
  start: Date;
  days: number;
}

export interface PlayedForward {
  emailsSent: number;
  ordered: number;
  redeemed: number;
}

interface Received {
  sendId: number;
  at: number;
}

type Action = { at: number; customer: CustomerPlan } & ({ kind: 'open'; sendId: number } | { kind: 'win-back'; sendId: number } | { kind: 'buy' });

/** The demo's order ids name run, seed and customer: a re-run finds them, and the seed it used. */
export const demoOrderPrefix = (runId: number) => `demo-r${runId}-s`;
const orderIdOf = (runId: number, seed: number, customerId: number) => `${demoOrderPrefix(runId)}${seed}-c${customerId}`;

export async function playForward(p: PlayForward): Promise<PlayedForward> {
  const { db, config } = p.services;
  const runId = p.audience.runId;
  const d = db.dialect;
  const placed = new Set<string>(
    (await db.reader.query(`SELECT order_id FROM orders WHERE order_id LIKE ${d.param(0)}`, [`${demoOrderPrefix(runId)}%`])).map((r: any) => r.order_id),
  );
  const opened = new Set<number>(
    (await db.reader.query(`SELECT DISTINCT send_id FROM events WHERE run_id = ${d.param(0)} AND type = 'open'`, [runId])).map((r: any) => Number(r.send_id)),
  );
  const plans = new Map(p.plan.customers.map((c) => [c.customerId, c]));
  const offerEmails = new Map<number, Received>();
  const seen = new Set<number>();
  const launch = p.audience.launchedAt.getTime();
  const windowEnd = launch + p.audience.windowDays * DAY;
  const queue: Action[] = p.plan.customers
    .filter((c) => c.baselineOrderAfterDays !== null)
    .map((c) => ({ kind: 'buy', at: launch + (c.baselineOrderAfterDays as number) * DAY, customer: c }));
  const done: PlayedForward = { emailsSent: 0, ordered: 0, redeemed: 0 };

  const order = async (c: CustomerPlan, at: number, landing: string | null) => {
    const orderId = orderIdOf(runId, p.seed, c.customerId);
    if (placed.has(orderId)) return;
    const code = landing ? await p.shopper.visitAndRedeem(landing) : null;
    const customerId = p.audience.externalIds.get(c.customerId) as string;
    await p.shopper.order({ orderId, customerId, orderedAt: new Date(at).toISOString(), subtotal: c.amount, currency: p.audience.currency, code });
    placed.add(orderId);
    done.ordered++;
    if (code) done.redeemed++;
  };
  const act = async (a: Action) => {
    p.setNow(new Date(a.at));
    if (a.kind === 'open') {
      if (opened.has(a.sendId)) return;
      const { open } = await linksOfSend(config.outboxDir, p.audience.campaign, a.sendId);
      if (open) await p.shopper.open(open);
      opened.add(a.sendId);
    } else if (a.kind === 'win-back') {
      await order(a.customer, a.at, (await linksOfSend(config.outboxDir, p.audience.campaign, a.sendId)).landing);
    } else {
      // Buying anyway: with the offer's code if its email came first, the offer still runs, and they choose to use it.
      const email = offerEmails.get(a.customer.customerId);
      const ends = p.audience.offerEnds.get(a.customer.customerId) ?? 0;
      const useCode = a.customer.usesCodeAnyway && email !== undefined && email.at < a.at && a.at < ends;
      await order(a.customer, a.at, useCode ? (await linksOfSend(config.outboxDir, p.audience.campaign, email.sendId)).landing : null);
    }
  };
  const runUntil = async (until: number) => {
    queue.sort((a, b) => a.at - b.at || a.customer.customerId - b.customer.customerId);
    while (queue.length && queue[0].at < until) await act(queue.shift() as Action);
  };

  const dispatcher = p.services.dispatcher();
  for (let day = 0; day <= p.days; day++) {
    const morning = p.start.getTime() + day * DAY;
    await runUntil(morning);
    p.setNow(new Date(morning));
    done.emailsSent += (await dispatcher.dispatchOnce()).sent;
    const sends: any[] = await db.reader.query(`SELECT id, customer_id, step, sent_at FROM sends WHERE run_id = ${d.param(0)} AND status = 'sent' ORDER BY id`, [runId]);
    for (const s of sends) {
      const sendId = Number(s.id);
      const customer = plans.get(Number(s.customer_id));
      if (seen.has(sendId) || !customer) continue;
      seen.add(sendId);
      const at = Date.parse(s.sent_at);
      if (customer.opens) queue.push({ kind: 'open', sendId, at: at + 2 * HOUR, customer });
      if (Number(s.step) !== OFFER_STEP) continue;
      offerEmails.set(customer.customerId, { sendId, at });
      if (customer.wonBack) queue.push({ kind: 'win-back', sendId, at: at + customer.respondAfterDays * DAY, customer });
    }
  }
  // What the last emails set off, up to the end of the attribution window.
  await runUntil(windowEnd);
  return done;
}
