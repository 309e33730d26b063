/**
 * A run's enrolled customers as the simulation sees them: each one's baseline, the fitted
 * model's P(at least one purchase in the attribution window) from the scores the run launched
 * with, so that treated and held-out customers share one baseline drawn from the same model.
 */
import type { Database } from '../db/database';
import type { BgNbdParams } from '../domain/bgnbd';
import { pReactivation } from '../domain/reactivation';
import type { SimulatedCustomer } from '../domain/customerSimulation';
import { DAYS_PER_UNIT, TimeUnit } from '../domain/rfm';
import { timeZone } from '../domain/time';

export interface RunAudience {
  runId: number;
  campaign: string;
  currency: string;
  launchedAt: Date;
  windowDays: number;
  customers: SimulatedCustomer[];
  /** customers.id → the shop's own customer id, which `POST /api/orders` names. */
  externalIds: Map<number, string>;
  /** customers.id → when their offer (and its landing page) ends, for those with one. */
  offerEnds: Map<number, number>;
}

export async function runAudience(db: Database, runId: number, shopTimeZone: string): Promise<RunAudience> {
  const p = (i: number) => db.dialect.param(i);
  const [run] = await db.reader.query(
    `SELECT r.id, r.campaign, r.currency, r.launched_at, r.definition, r.model_version, m.bgnbd, m.time_unit
       FROM campaign_runs r JOIN model_fits m ON m.id = r.model_version WHERE r.id = ${p(0)}`,
    [runId],
  );
  if (!run) throw new Error(`run ${runId} has no model version to simulate its customers from`);
  const params = JSON.parse(run.bgnbd) as BgNbdParams;
  const windowDays = Number((JSON.parse(run.definition) as { attributionWindowDays?: number }).attributionWindowDays ?? 30);
  const t = windowDays / DAYS_PER_UNIT[run.time_unit as TimeUnit];
  // A launch scores as of its day in the shop's time zone (see launchScoreDays).
  const asOf = timeZone(shopTimeZone).day(Date.parse(run.launched_at));
  const rows: any[] = await db.reader.query(
    `SELECT e.customer_id, e.holdout, e.offer, e.offer_expires_at, c.external_id, s.x, s.tx, s.t, s.expected_spend
       FROM enrolments e JOIN customers c ON c.id = e.customer_id
       JOIN customer_scores s ON s.customer_id = e.customer_id AND s.model_version = ${p(1)} AND s.as_of = ${p(2)}
      WHERE e.run_id = ${p(0)} ORDER BY e.customer_id`,
    [runId, Number(run.model_version), asOf],
  );
  const customers = rows.map((r) => ({
    customerId: Number(r.customer_id),
    holdout: Boolean(Number(r.holdout)),
    hasOffer: r.offer !== null,
    baseline: pReactivation(params, t, Number(r.x), Number(r.tx), Number(r.t)),
    expectedSpend: Number(r.expected_spend),
  }));
  return {
    runId,
    campaign: run.campaign,
    currency: run.currency,
    launchedAt: new Date(run.launched_at),
    windowDays,
    customers,
    externalIds: new Map(rows.map((r) => [Number(r.customer_id), String(r.external_id)])),
    offerEnds: new Map(rows.filter((r) => r.offer_expires_at).map((r) => [Number(r.customer_id), Date.parse(r.offer_expires_at)])),
  };
}
