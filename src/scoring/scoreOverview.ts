/**
 * What the stored scores say about the whole customer base, in one aggregate query over
 * `customer_scores` (never the rows themselves): P(alive) by repeat purchases × time since the
 * last purchase, how the budgets are spread, and which offers they buy. The console's model
 * page shows it. Scores of one (model version, as-of day) change only when scored again, so the
 * answer is kept per scoring run (its `scored_at`).
 */
import type { Database } from '../db/database';
import type { TimeUnit } from '../domain/rfm';
import { DAYS_PER_UNIT } from '../domain/rfm';

/** Repeat purchases 0 .. 6 and 7+, as the validation table groups them. */
export const FREQUENCIES = ['0', '1', '2', '3', '4', '5', '6', '7+'];
/** Weeks since the last purchase: the lower edge of each band; days use the same bands × 7. */
const RECENCY_WEEKS = [0, 4, 13, 26, 52, 104];
/** Budget bands as shares of CAC (the budget is at most CAC): 0, up to 10%, 25%, 50%, 75%, below CAC, CAC. */
const BUDGET_SHARES = [0.1, 0.25, 0.5, 0.75, 1];

export interface RecencyBand {
  /** In the model's time unit. */
  from: number;
  to: number | null;
}

export interface OverviewCell {
  frequency: number;
  recency: number;
  customers: number;
  /** Mean P(alive) of the cell's customers. */
  pAlive: number;
}

export interface BudgetBand {
  /** Minor units, inclusive bounds as the labels say: [0, 0] is "no budget". */
  fromMinor: number;
  toMinor: number | null;
  customers: number;
  budgetMinor: number;
}

export interface OfferCount {
  treatment: string;
  offerId: string | null;
  customers: number;
  budgetMinor: number;
}

export interface ScoreOverview {
  modelVersion: number;
  asOf: string;
  scoredAt: string;
  customers: number;
  meanPAlive: number;
  budgetMinor: number;
  recency: RecencyBand[];
  cells: OverviewCell[];
  budgets: BudgetBand[];
  offers: OfferCount[];
}

/** The newest day the model has scores for, with when they were computed; undefined before `rekindle score`. */
export async function latestScoring(db: Database, modelVersion: number): Promise<{ asOf: string; scoredAt: string } | undefined> {
  const p = db.dialect.param(0);
  const [day] = await db.reader.query(`SELECT MAX(as_of) AS as_of FROM customer_scores WHERE model_version = ${p}`, [modelVersion]);
  if (!day?.as_of) return undefined;
  const [row] = await db.reader.query(
    `SELECT scored_at FROM customer_scores WHERE model_version = ${p} AND as_of = ${db.dialect.param(1)} LIMIT 1`,
    [modelVersion, day.as_of],
  );
  return { asOf: day.as_of, scoredAt: row.scored_at };
}

const cache = new WeakMap<Database, { key: string; overview: ScoreOverview }>();

export async function scoreOverview(
  db: Database,
  run: { modelVersion: number; asOf: string; scoredAt: string; timeUnit: TimeUnit; cacMinor: number },
): Promise<ScoreOverview> {
  const key = JSON.stringify(run);
  const kept = cache.get(db);
  if (kept?.key === key) return kept.overview;
  const overview = await aggregate(db, run);
  cache.set(db, { key, overview });
  return overview;
}

async function aggregate(db: Database, run: { modelVersion: number; asOf: string; scoredAt: string; timeUnit: TimeUnit; cacMinor: number }): Promise<ScoreOverview> {
  const perWeek = 7 / DAYS_PER_UNIT[run.timeUnit];
  const recencyEdges = RECENCY_WEEKS.map((w) => w * perWeek);
  const budgetEdges = BUDGET_SHARES.map((share) => Math.round(run.cacMinor * share));
  // Every edge is a number this module made: safe to write into the SQL as a literal.
  const above = recencyEdges.slice(1);
  const frequency = `CASE WHEN x >= 7 THEN 7 ELSE CAST(x AS INTEGER) END`;
  const recency = `CASE ${above.map((edge, i) => `WHEN t - tx < ${literal(edge)} THEN ${i}`).join(' ')} ELSE ${above.length} END`;
  const budget = `CASE WHEN budget_minor <= 0 THEN 0 ${budgetEdges
    .map((edge, i) => `WHEN budget_minor ${i === budgetEdges.length - 1 ? '<' : '<='} ${literal(edge)} THEN ${i + 1}`)
    .join(' ')} ELSE ${budgetEdges.length + 1} END`;
  const d = db.dialect;
  const groups: Array<{ f: number; r: number; b: number; treatment: string; offer_id: string | null; n: number; p_alive: number; budget: number }> = await db.reader.query(
    `SELECT ${frequency} AS f, ${recency} AS r, ${budget} AS b, treatment, offer_id,
            COUNT(*) AS n, SUM(p_alive) AS p_alive, SUM(budget_minor) AS budget
       FROM customer_scores WHERE model_version = ${d.param(0)} AND as_of = ${d.param(1)}
      GROUP BY ${frequency}, ${recency}, ${budget}, treatment, offer_id`,
    [run.modelVersion, run.asOf],
  );
  const cells = new Map<string, OverviewCell>();
  const budgets: BudgetBand[] = [0, ...budgetEdges].map((edge, i, all) => ({
    fromMinor: i === 0 ? 0 : i === 1 ? 1 : all[i - 1] + 1,
    toMinor: i === 0 ? 0 : i === all.length - 1 ? edge - 1 : edge,
    customers: 0,
    budgetMinor: 0,
  }));
  budgets.push({ fromMinor: run.cacMinor, toMinor: null, customers: 0, budgetMinor: 0 });
  const offers = new Map<string, OfferCount>();
  let customers = 0;
  let pAliveSum = 0;
  let budgetMinor = 0;
  for (const g of groups) {
    const [n, pa, money] = [Number(g.n), Number(g.p_alive), Number(g.budget)];
    customers += n;
    pAliveSum += pa;
    budgetMinor += money;
    const cellKey = `${g.f} ${g.r}`;
    const cell = cells.get(cellKey) ?? { frequency: Number(g.f), recency: Number(g.r), customers: 0, pAlive: 0 };
    cell.customers += n;
    cell.pAlive += pa;
    cells.set(cellKey, cell);
    const b = budgets[Number(g.b)];
    b.customers += n;
    b.budgetMinor += money;
    const offerKey = `${g.treatment} ${g.offer_id ?? ''}`;
    const offer = offers.get(offerKey) ?? { treatment: g.treatment, offerId: g.offer_id, customers: 0, budgetMinor: 0 };
    offer.customers += n;
    offer.budgetMinor += money;
    offers.set(offerKey, offer);
  }
  return {
    modelVersion: run.modelVersion,
    asOf: run.asOf,
    scoredAt: run.scoredAt,
    customers,
    meanPAlive: customers ? pAliveSum / customers : 0,
    budgetMinor,
    recency: recencyEdges.map((from, i) => ({ from, to: recencyEdges[i + 1] ?? null })),
    cells: [...cells.values()].map((c) => ({ ...c, pAlive: c.pAlive / c.customers })).sort((p, q) => p.frequency - q.frequency || p.recency - q.recency),
    budgets: budgets.filter((b) => b.toMinor === null || b.toMinor >= b.fromMinor),
    offers: [...offers.values()].sort((p, q) => q.customers - p.customers),
  };
}

function literal(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`${value} is not a band edge`);
  return String(value);
}
