/**
 * How the run's customers came back, day by day since launch: the cumulative share of treated
 * and held-out customers reactivated by each day, each with its 95% Wilson interval, and their
 * difference with Newcombe's. The database returns one row per group and first-order day (a few
 * dozen rows whatever the audience); the cumulative sums run over days, never over customers.
 * Attribution is the report's (runQueries.ts): the same window, orders and conditions.
 */
import type { Database } from '../db/database';
import { newcombeDifference, wilson } from '../domain/intervals';
import { timeZone } from '../domain/time';
import { dayBounds } from './runQueries';

const DAY_MS = 86_400_000;

export interface Rate {
  rate: number;
  lo: number;
  hi: number;
}

export interface CurveDay {
  /** Days since launch, the launch day being 0 (shop time zone). */
  day: number;
  /** `YYYY-MM-DD` in the shop's time zone. */
  date: string;
  treated: Rate & { reactivated: number };
  holdout: (Rate & { reactivated: number }) | null;
  /** Treated minus held-out rate; null without a holdout. */
  difference: Rate | null;
}

export interface CurveInput {
  runId: number;
  currency: string;
  /** The report's attribution window, ISO instants. */
  window: { from: string; to: string };
  treated: number;
  holdout: number;
  /** The curve ends at this instant or the window's end, whichever comes first. */
  now: Date;
  shopTimeZone: string;
}

type FirstDays = { holdout: boolean; day: string; n: number }[];

/** First counted order day of each reactivated enrolled customer, counted per group and day; kept until the database changes (db/stampedMemo.ts). */
function firstOrderDays(db: Database, c: CurveInput): Promise<FirstDays> {
  return db.memo<FirstDays>('reactivationCurve', 32).get(JSON.stringify([c.runId, c.currency, c.window.from, c.window.to]), () => readFirstOrderDays(db, c));
}

async function readFirstOrderDays(db: Database, c: CurveInput): Promise<FirstDays> {
  const p = (i: number) => db.dialect.param(i);
  const [fromDay, toDay] = dayBounds(c.window);
  const rows: any[] = await db.reader.query(
    `WITH firsts AS (
       SELECT e.holdout AS holdout, MIN(o.ordered_day) AS day
         FROM enrolments e
         JOIN orders o ON o.customer_id = e.customer_id
              AND o.ordered_day >= ${p(1)} AND o.ordered_day <= ${p(2)}
              AND o.ordered_at >= ${p(3)} AND o.ordered_at < ${p(4)}
              AND o.status = 'kept' AND o.refunded_minor < o.amount_minor AND o.currency = ${p(5)}
        WHERE e.run_id = ${p(0)}
        GROUP BY e.customer_id, e.id, e.holdout
     )
     SELECT holdout, day, COUNT(*) AS n FROM firsts GROUP BY holdout, day`,
    [c.runId, fromDay, toDay, c.window.from, c.window.to, c.currency],
  );
  return rows.map((r) => ({ holdout: r.holdout === true || Number(r.holdout) === 1, day: String(r.day), n: Number(r.n) }));
}

export async function reactivationCurve(db: Database, c: CurveInput): Promise<CurveDay[]> {
  const zone = timeZone(c.shopTimeZone);
  const launchDay = zone.day(Date.parse(c.window.from));
  const dayIndex = (day: string) => Math.round((Date.parse(day) - Date.parse(launchDay)) / DAY_MS);
  const end = Math.min(c.now.getTime(), Date.parse(c.window.to) - 1);
  const lastDay = Math.max(0, dayIndex(zone.day(end)));
  const treatedBy = new Array<number>(lastDay + 1).fill(0);
  const heldBy = new Array<number>(lastDay + 1).fill(0);
  for (const r of await firstOrderDays(db, c)) {
    const d = Math.min(Math.max(0, dayIndex(r.day)), lastDay);
    (r.holdout ? heldBy : treatedBy)[d] += r.n;
  }
  const out: CurveDay[] = [];
  let treated = 0;
  let held = 0;
  for (let d = 0; d <= lastDay; d++) {
    treated += treatedBy[d];
    held += heldBy[d];
    const t = wilson(treated, c.treated);
    const h = wilson(held, c.holdout);
    const diff = newcombeDifference(treated, c.treated, held, c.holdout);
    out.push({
      day: d,
      date: new Date(Date.parse(launchDay) + d * DAY_MS).toISOString().slice(0, 10),
      treated: { reactivated: treated, rate: t?.estimate ?? 0, lo: t?.lo ?? 0, hi: t?.hi ?? 0 },
      holdout: h && { reactivated: held, rate: h.estimate, lo: h.lo, hi: h.hi },
      difference: diff && { rate: diff.estimate, lo: diff.lo, hi: diff.hi },
    });
  }
  return out;
}
