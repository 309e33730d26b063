/**
 * Before launch (issue 12 item 3): what the planned holdout can tell. The baseline is the stored
 * model's chance that the audience comes back on its own within the attribution window; the
 * break-even lift is where the campaign pays for itself: (expected incentive cost + send cost) /
 * (treated × margin of one typical next order, E[M] × margin rate). Scores are read grouped by
 * (x, t_x, T), so a large audience is a few thousand groups, not a row per customer.
 */
import type { Database } from '../db/database';
import { Money, moneyFromStatistic } from '../domain/money';
import { pReactivation } from '../domain/reactivation';
import { breakEvenLift, holdoutAdvice } from '../domain/roi';
import { modelByVersion } from '../scoring/modelStore';
import { DEFAULT_ATTRIBUTION_DAYS } from './runReport';

export interface HoldoutPower {
  /** Share of the audience the model expects back within the window without the campaign. */
  baselineReactivationRate: number | null;
  /** Smallest lift in reactivation rate the holdout detects, 80% power, α = 0.05. */
  minimumDetectableLift: number | null;
  breakEvenLift: number | null;
  holdoutWarning: string | null;
}

export interface PowerInput {
  modelVersion: number | null;
  asOf: string;
  customerIds: number[];
  treated: number;
  holdout: number;
  attributionWindowDays?: number;
  marginRate: number;
  expectedIncentiveCost: Money;
  sendCostEach: Money;
  emailsPerTreated: number;
}

export async function holdoutPower(db: Database, p: PowerInput): Promise<HoldoutPower> {
  const none: HoldoutPower = { baselineReactivationRate: null, minimumDetectableLift: null, breakEvenLift: null, holdoutWarning: null };
  if (p.modelVersion === null || !p.customerIds.length) return none;
  const model = await modelByVersion(db, p.modelVersion);
  if (!model) return none;
  const d = db.dialect;
  const groups: { x: number; tx: number; t: number; n: number | string; spend: number | string }[] = await db.reader.query(
    `SELECT cs.x, cs.tx, cs.t, COUNT(*) AS n, SUM(cs.expected_spend) AS spend
       FROM ${d.jsonRows(2)} JOIN customer_scores cs ON cs.model_version = ${d.param(0)} AND cs.as_of = ${d.param(1)} AND cs.customer_id = ${d.jsonAt(0, 'int')}
      GROUP BY cs.x, cs.tx, cs.t`,
    [p.modelVersion, p.asOf, JSON.stringify(p.customerIds.map((id) => [id]))],
  );
  const days = p.attributionWindowDays ?? DEFAULT_ATTRIBUTION_DAYS;
  const t = model.timeUnit === 'week' ? days / 7 : days;
  let customers = 0;
  let comeBack = 0;
  let spend = 0;
  for (const g of groups) {
    const n = Number(g.n);
    customers += n;
    comeBack += n * pReactivation(model.bgnbd, t, Number(g.x), Number(g.tx), Number(g.t));
    spend += Number(g.spend);
  }
  if (customers === 0) return none;
  const baseline = comeBack / customers;
  const costs = p.expectedIncentiveCost.plus(p.sendCostEach.mul(p.treated * p.emailsPerTreated));
  const marginPerWinBack = moneyFromStatistic(spend / customers).mul(p.marginRate);
  const breakEven = breakEvenLift(costs, p.treated, marginPerWinBack);
  const advice = holdoutAdvice({ treated: p.treated, holdout: p.holdout, baseline, breakEvenLift: breakEven });
  return { baselineReactivationRate: baseline, minimumDetectableLift: advice.minimumDetectableLift, breakEvenLift: breakEven, holdoutWarning: advice.warning };
}
