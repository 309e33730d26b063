/**
 * The report's SQL: every figure is aggregated in the database, per run, group and step, so a run
 * of 100,000 customers and a million orders is a handful of indexed queries, not rows in memory.
 * Standard SQL for SQLite and PostgreSQL alike; only placeholders come from the dialect.
 *
 * Attribution: an enrolled customer's orders count when they are kept, not refunded in full, in
 * the run's currency, placed at or after launch and before the window closes. Orders are found
 * through `orders_customer_day` (customer, day), bounded by the window's days, so the years of
 * history before launch are never read.
 */
import type { Database } from '../db/database';
import { InputError } from '../domain/errors';

export interface RunRow {
  id: number;
  campaign: string;
  definition: string;
  currency: string;
  launchedAt: string;
  modelVersion: number | null;
}

/** The attribution window: [from, to) as ISO instants, and the UTC days that bound the index range. */
export interface Window {
  from: string;
  to: string;
}

/** A run id, or a campaign name meaning its latest run. */
export async function findReportRun(db: Database, ref: string | number): Promise<RunRow> {
  const d = db.dialect;
  const text = String(ref).trim();
  const byId = /^\d+$/.test(text);
  const rows: any[] = await db.reader.query(
    `SELECT id, campaign, definition, currency, launched_at, model_version FROM campaign_runs WHERE ${byId ? 'id' : 'campaign'} = ${d.param(0)} ORDER BY id DESC LIMIT 1`,
    [byId ? Number(text) : text],
  );
  if (!rows.length) {
    throw new InputError(`no run "${text}": give a run id or the name of a launched campaign (\`rekindle campaign list\`)`, { field: 'RUN' });
  }
  const r = rows[0];
  return { id: Number(r.id), campaign: r.campaign, definition: r.definition, currency: r.currency, launchedAt: r.launched_at, modelVersion: r.model_version === null ? null : Number(r.model_version) };
}

const DAY_MS = 86_400_000;
/** Order days are in the shop's time zone: one day of slack either side covers every zone. */
export const dayBounds = (w: Window) => [new Date(Date.parse(w.from) - DAY_MS).toISOString().slice(0, 10), new Date(Date.parse(w.to) + DAY_MS).toISOString().slice(0, 10)];

export interface OutcomeRow {
  holdout: boolean;
  /** Treated customers only: the latest step sent before their first order in the window; null if none was. */
  step: number | null;
  customers: number;
  reactivated: number;
  revenueMinor: number;
  revenueSquares: number;
  purchaseDays: number;
}

/** Per group (treated / holdout) and, for the treated who came back, per step that preceded it. */
export async function outcomes(db: Database, run: RunRow, w: Window): Promise<OutcomeRow[]> {
  const p = (i: number) => db.dialect.param(i);
  const [fromDay, toDay] = dayBounds(w);
  const rows: any[] = await db.reader.query(
    `WITH pc AS (
       SELECT e.id AS enrolment_id, e.holdout AS holdout, COUNT(o.order_id) AS orders,
              COALESCE(SUM(o.amount_minor - o.refunded_minor), 0) AS net,
              COUNT(DISTINCT o.ordered_day) AS days, MIN(o.ordered_at) AS first_at
         FROM enrolments e
         LEFT JOIN orders o ON o.customer_id = e.customer_id
              AND o.ordered_day >= ${p(1)} AND o.ordered_day <= ${p(2)}
              AND o.ordered_at >= ${p(3)} AND o.ordered_at < ${p(4)}
              AND o.status = 'kept' AND o.refunded_minor < o.amount_minor AND o.currency = ${p(5)}
        WHERE e.run_id = ${p(0)}
        -- customer_id first: the order enrolments_run_customer already reads in, so no sort.
        GROUP BY e.customer_id, e.id, e.holdout
     ), ps AS (
       SELECT pc.holdout, pc.orders, pc.net, pc.days,
              CASE WHEN pc.orders > 0 AND NOT pc.holdout THEN
                (SELECT MAX(s.step) FROM sends s WHERE s.enrolment_id = pc.enrolment_id AND s.status = 'sent' AND s.sent_at <= pc.first_at)
              END AS step
         FROM pc
     )
     SELECT holdout, step, COUNT(*) AS customers, SUM(CASE WHEN orders > 0 THEN 1 ELSE 0 END) AS reactivated,
            SUM(net) AS revenue, SUM(CAST(net AS DOUBLE PRECISION) * net) AS squares, SUM(days) AS days
       FROM ps GROUP BY holdout, step`,
    [run.id, fromDay, toDay, w.from, w.to, run.currency],
  );
  return rows.map((r) => ({
    holdout: r.holdout === true || Number(r.holdout) === 1,
    step: r.step === null ? null : Number(r.step),
    customers: Number(r.customers),
    reactivated: Number(r.reactivated),
    revenueMinor: Number(r.revenue),
    revenueSquares: Number(r.squares),
    purchaseDays: Number(r.days),
  }));
}

export interface SendCounts {
  step: number;
  sent: number;
  delivered: number;
  bounced: number;
  opened: number;
  clicked: number;
}

/**
 * Per step. `sent` is every email handed to the mail server that may have left (delivered, bounced
 * or uncertain); a bounce is a send suppressed after a claim, i.e. by the server's permanent
 * rejection, not by an unsubscribe noticed before sending. Opens and clicks count sends with at
 * least one such event; a landing-page view is a click (the link was followed).
 */
export async function sendCounts(db: Database, runId: number): Promise<SendCounts[]> {
  const p = (i: number) => db.dialect.param(i);
  const sends: any[] = await db.reader.query(
    `SELECT s.step,
            SUM(CASE WHEN s.status IN ('sent', 'uncertain') OR (s.status = 'suppressed' AND s.attempts > 0) THEN 1 ELSE 0 END) AS sent,
            SUM(CASE WHEN s.status = 'sent' THEN 1 ELSE 0 END) AS delivered,
            SUM(CASE WHEN s.status = 'suppressed' AND s.attempts > 0 THEN 1 ELSE 0 END) AS bounced
       FROM sends s WHERE s.run_id = ${p(0)} GROUP BY s.step`,
    [runId],
  );
  const events: any[] = await db.reader.query(
    `SELECT s.step,
            COUNT(DISTINCT CASE WHEN ev.type = 'open' THEN ev.send_id END) AS opened,
            COUNT(DISTINCT CASE WHEN ev.type <> 'open' THEN ev.send_id END) AS clicked
       FROM events ev JOIN sends s ON s.id = ev.send_id
      WHERE ev.run_id = ${p(0)} AND ev.type IN ('open', 'click', 'landing') GROUP BY s.step`,
    [runId],
  );
  const byStep = new Map<number, SendCounts>();
  const at = (step: number) => byStep.get(step) ?? byStep.set(step, { step, sent: 0, delivered: 0, bounced: 0, opened: 0, clicked: 0 }).get(step)!;
  for (const r of sends) Object.assign(at(Number(r.step)), { sent: Number(r.sent), delivered: Number(r.delivered), bounced: Number(r.bounced) });
  for (const r of events) Object.assign(at(Number(r.step)), { opened: Number(r.opened), clicked: Number(r.clicked) });
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

export interface CodeUse {
  step: number | null;
  /** `checkout`: redeemed through the checkout API; `import`: named in an imported order's discount_code. */
  source: 'checkout' | 'import';
  /** `counted`: a kept, not fully refunded order in the window; `missing`: the order is not imported; `excluded`: anything else. */
  state: 'counted' | 'missing' | 'excluded';
  /** For imported uses, the rung (JSON) and net amount the discount is worked out from; null for checkout ones. */
  rung: string | null;
  amountMinor: number | null;
  codes: number;
  orders: number;
  revenueMinor: number;
  /** Discounts the checkout recorded (checkout uses only). */
  discountMinor: number;
}

/**
 * How the run's codes were used: through the checkout API (a live redemption) or named in an
 * imported order's `discount_code` by the customer it was issued to (case and spaces ignored),
 * when no live redemption already ties that order (only orders from the day before launch on: a
 * code is issued after launch). Grouped, so only distinct (step, rung, amount)
 * combinations of imported uses come back.
 */
export async function codeUses(db: Database, run: RunRow, w: Window): Promise<CodeUse[]> {
  const p = (i: number) => db.dialect.param(i);
  const rows: any[] = await db.reader.query(
    `WITH used AS (
       SELECT r.code_id AS code_id, r.order_id AS order_id, r.discount_minor AS discount_minor, 'checkout' AS source
         FROM redemptions r WHERE r.run_id = ${p(0)} AND r.released_at IS NULL
       UNION ALL
       SELECT k.id, o.order_id, NULL, 'import'
         FROM codes k JOIN orders o ON o.customer_id = k.customer_id AND o.ordered_day >= ${p(4)} AND UPPER(TRIM(o.discount_code)) = k.code
        WHERE k.run_id = ${p(0)} AND NOT EXISTS (SELECT 1 FROM redemptions r WHERE r.order_id = o.order_id AND r.released_at IS NULL)
     ), classified AS (
       SELECT u.code_id, u.source, u.discount_minor, s.step, k.discount AS rung, o.order_id, o.amount_minor - o.refunded_minor AS net,
              CASE WHEN o.order_id IS NULL THEN 'missing'
                   WHEN o.status = 'kept' AND o.refunded_minor < o.amount_minor AND o.currency = ${p(3)}
                        AND o.ordered_at >= ${p(1)} AND o.ordered_at < ${p(2)} THEN 'counted'
                   ELSE 'excluded' END AS state
         FROM used u JOIN codes k ON k.id = u.code_id
         LEFT JOIN sends s ON s.id = k.send_id
         LEFT JOIN orders o ON o.order_id = u.order_id
     )
     SELECT step, source, state,
            CASE WHEN source = 'import' THEN rung END AS rung, CASE WHEN source = 'import' THEN net END AS amount,
            COUNT(DISTINCT code_id) AS codes, COUNT(order_id) AS orders,
            COALESCE(SUM(CASE WHEN state = 'counted' THEN net ELSE 0 END), 0) AS revenue, COALESCE(SUM(discount_minor), 0) AS discount
       FROM classified
      GROUP BY step, source, state, CASE WHEN source = 'import' THEN rung END, CASE WHEN source = 'import' THEN net END`,
    [run.id, w.from, w.to, run.currency, dayBounds(w)[0]],
  );
  return rows.map((r) => ({
    step: r.step === null ? null : Number(r.step),
    source: r.source,
    state: r.state,
    rung: r.rung ?? null,
    amountMinor: r.amount === null || r.amount === undefined ? null : Number(r.amount),
    codes: Number(r.codes),
    orders: Number(r.orders),
    revenueMinor: Number(r.revenue),
    discountMinor: Number(r.discount),
  }));
}

/** Per group, customers by their (x, t_x, T) at launch under the run's model: enough to sum the model's expectation. */
export async function historyGroups(db: Database, runId: number, modelVersion: number, asOf: string): Promise<{ holdout: boolean; x: number; tx: number; T: number; n: number }[]> {
  const p = (i: number) => db.dialect.param(i);
  const rows: any[] = await db.reader.query(
    `SELECT e.holdout, cs.x, cs.tx, cs.t, COUNT(*) AS n
       FROM enrolments e JOIN customer_scores cs ON cs.model_version = ${p(1)} AND cs.as_of = ${p(2)} AND cs.customer_id = e.customer_id
      WHERE e.run_id = ${p(0)} GROUP BY e.holdout, cs.x, cs.tx, cs.t`,
    [runId, modelVersion, asOf],
  );
  return rows.map((r) => ({ holdout: r.holdout === true || Number(r.holdout) === 1, x: Number(r.x), tx: Number(r.tx), T: Number(r.t), n: Number(r.n) }));
}

/**
 * Order imports (files, API calls, webhooks) committed after launch: none means nothing the shop
 * sold since can be in the report. Import batches are few, so this never reads the orders.
 */
export async function orderImportsSince(db: Database, from: string): Promise<number> {
  const [row] = await db.reader.query(
    `SELECT COUNT(*) AS n FROM import_batches WHERE status = 'committed' AND source NOT LIKE 'customers%' AND started_at > ${db.dialect.param(0)}`,
    [from],
  );
  return Number(row.n);
}
