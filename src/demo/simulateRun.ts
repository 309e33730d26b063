/**
 * The demo's closing of the loop: simulated customers act on a launched run through the app on
 * a loopback port, then the run's ROI report is read at the end of its attribution window,
 * beside the truth the simulation knows: the reactivation rate the campaign really added.
 */
import type { Services } from '../wiring';
import { planCustomers } from '../domain/customerSimulation';
import { runReport } from '../reporting/runReport';
import type { RunReport } from '../reporting/reportTypes';
import { listenOnLoopback } from './loopbackApp';
import { demoOrderPrefix, playForward, PlayedForward } from './playForward';
import { Shopper } from './shopper';
import { runAudience } from './simulatedAudience';

/** P(won back | treated, would not have bought anyway): about +9 points on the CDNOW audience. */
export const EXTRA_REACTIVATION = 0.1;
const DAY = 86_400_000;

export interface Simulated {
  /** The reactivation rate the campaign added: extra × mean(1 − baseline) over the audience. */
  trueUplift: number;
  /** Shares of treated and held-out customers the simulation made order in the window. */
  treatedRate: number;
  holdoutRate: number;
  seed: number;
}

export interface SimulateOptions {
  runId: number;
  /** Used unless the run was simulated before: then the seed it was simulated with. */
  seed: number;
  start: Date;
  days: number;
  setNow(at: Date): void;
  say(line: string): void;
}

export async function simulateCustomers(services: Services, o: SimulateOptions): Promise<{ report: RunReport; simulated: Simulated; played: PlayedForward }> {
  const audience = await runAudience(services.db, o.runId, services.config.shop.timeZone);
  const seed = (await seedUsed(services, o.runId)) ?? o.seed;
  if (seed !== o.seed) o.say(`run ${o.runId} was simulated with seed ${seed} before: its customers stay as they were`);
  const plan = planCustomers(audience.customers, { seed, extraProbability: EXTRA_REACTIVATION, windowDays: audience.windowDays, currency: audience.currency });
  const http = await listenOnLoopback(services);
  // The shop's checkout and order feed, as the demo plays them: a key of its own, revoked after.
  const key = await services.apiKeys.create('owner', 'rekindle demo: simulated checkout');
  let played: PlayedForward;
  try {
    played = await playForward({ services, audience, plan, seed, shopper: new Shopper(http.base, key.key), setNow: o.setNow, start: o.start, days: o.days });
  } finally {
    await http.close();
    await services.apiKeys.revoke(key.id);
  }
  o.setNow(new Date(audience.launchedAt.getTime() + audience.windowDays * DAY));
  const report = await runReport(services, o.runId);
  const rate = (holdout: boolean) => {
    const group = plan.customers.filter((c) => c.holdout === holdout);
    return group.length ? group.filter((c) => c.baselineOrderAfterDays !== null || c.wonBack).length / group.length : 0;
  };
  return { report, simulated: { trueUplift: plan.trueUplift, treatedRate: rate(false), holdoutRate: rate(true), seed }, played };
}

/** The seed named in the run's demo orders, if it has any. */
async function seedUsed(services: Services, runId: number): Promise<number | null> {
  const [row] = await services.db.reader.query(`SELECT order_id FROM orders WHERE order_id LIKE ${services.db.dialect.param(0)} LIMIT 1`, [`${demoOrderPrefix(runId)}%`]);
  const match = row ? /-s(\d+)-c\d+$/.exec(row.order_id) : null;
  return match ? Number(match[1]) : null;
}
