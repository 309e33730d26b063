/** Where the customer of a case stands with the campaigns: the run their latest message came through and the last step they were sent. */
import type { Database } from '../db/database';

export interface CustomerCampaign {
  campaign: string;
  runId: number;
  /** The last step sent to them in that run; null when nothing was (held out, or not yet). */
  step: number | null;
  /** ISO 8601: when that step went out. */
  sentAt: string | null;
  holdout: boolean;
}

/** The case's run when known, else the customer's latest enrolment; null when neither exists. */
export async function customerCampaign(db: Database, customerId: number | null, runId: number | null): Promise<CustomerCampaign | null> {
  if (customerId === null) return null;
  const p = (i: number) => db.dialect.param(i);
  const [row] = await db.reader.query(
    `SELECT r.campaign, e.run_id, e.holdout,
            (SELECT MAX(s.step) FROM sends s WHERE s.enrolment_id = e.id AND s.status IN ('sent', 'uncertain')) AS step,
            (SELECT MAX(s.sent_at) FROM sends s WHERE s.enrolment_id = e.id AND s.status IN ('sent', 'uncertain')) AS sent_at
       FROM enrolments e JOIN campaign_runs r ON r.id = e.run_id
      WHERE e.customer_id = ${p(0)}
      ORDER BY CASE WHEN e.run_id = ${p(1)} THEN 0 ELSE 1 END, e.run_id DESC LIMIT 1`,
    [customerId, runId ?? -1],
  );
  if (!row) return null;
  return { campaign: row.campaign, runId: Number(row.run_id), step: row.step === null ? null : Number(row.step), sentAt: row.sent_at, holdout: Boolean(Number(row.holdout)) };
}
