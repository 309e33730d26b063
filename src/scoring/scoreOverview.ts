/**
 * What the stored scores say about the whole customer base: P(alive) by repeat purchases × time
 * since the last purchase, how the budgets are spread, and which offers they buy. The console's
 * model page shows it. Summed from the score table in memory when scores are stored (a pass
 * over arrays, milliseconds at 100,000 customers) and kept in `score_overviews` beside them: an
 * aggregate over `customer_scores` takes about a second at that size, too slow for a page. For
 * scores stored before, or with another CAC, the aggregate runs once and its answer is kept.
 */
import type { Config } from '../config';
import type { Database } from '../db/database';
import { Money, moneyToMinor } from '../domain/money';
import type { TimeUnit } from '../domain/rfm';
import { DAYS_PER_UNIT } from '../domain/rfm';
import type { StoreKey } from './scoreStore';
import { TREATMENTS, type ScoreTable } from './scoreTable';

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

export interface OverviewKey {
  modelVersion: number;
  asOf: string;
  scoredAt: string;
  timeUnit: TimeUnit;
  cacMinor: number;
}

/** The CAC in minor units: the top of the budget bands. */
export function cacMinorOf(config: Config): number {
  return moneyToMinor(new Money(config.value.cac), config.shop.currency);
}

/** The stored overview of one scoring run, or (scores stored before overviews were) the aggregate, then stored. */
export async function scoreOverview(db: Database, key: OverviewKey): Promise<ScoreOverview> {
  const d = db.dialect;
  const [row] = await db.reader.query(
    `SELECT scored_at, cac_minor, time_unit, overview FROM score_overviews WHERE model_version = ${d.param(0)} AND as_of = ${d.param(1)}`,
    [key.modelVersion, key.asOf],
  );
  if (row && row.scored_at === key.scoredAt && Number(row.cac_minor) === key.cacMinor && row.time_unit === key.timeUnit) return JSON.parse(row.overview);
  const overview = await aggregate(db, key);
  await storeOverview(db, key, overview);
  return overview;
}

/** Called where scores are stored: the overview of the table just written, kept beside it. */
export async function recordScoreOverview(db: Database, config: Config, table: ScoreTable, key: StoreKey): Promise<void> {
  const full = { ...key, timeUnit: table.summary.unit, cacMinor: cacMinorOf(config) };
  await storeOverview(db, full, overviewOfTable(table, full));
}

async function storeOverview(db: Database, key: OverviewKey, overview: ScoreOverview): Promise<void> {
  const d = db.dialect;
  await db.write((tx) =>
    tx.query(
      `INSERT INTO score_overviews (model_version, as_of, scored_at, time_unit, cac_minor, overview) VALUES (${[0, 1, 2, 3, 4, 5].map((i) => d.param(i)).join(', ')})
       ON CONFLICT (model_version, as_of) DO UPDATE SET scored_at = excluded.scored_at, time_unit = excluded.time_unit, cac_minor = excluded.cac_minor, overview = excluded.overview`,
      [key.modelVersion, key.asOf, key.scoredAt, key.timeUnit, key.cacMinor, JSON.stringify(overview)],
    ),
  );
}

/** The band edges both ways of summing use: recency in the model's unit, budgets in minor units. */
function edges(key: OverviewKey): { recency: number[]; budget: number[] } {
  const perWeek = 7 / DAYS_PER_UNIT[key.timeUnit];
  return { recency: RECENCY_WEEKS.map((w) => w * perWeek), budget: BUDGET_SHARES.map((share) => Math.round(key.cacMinor * share)) };
}

function recencyBand(edgesAbove: number[], sinceLast: number): number {
  const i = edgesAbove.findIndex((edge) => sinceLast < edge);
  return i < 0 ? edgesAbove.length : i;
}

function budgetBand(budgetEdges: number[], minor: number): number {
  if (minor <= 0) return 0;
  const last = budgetEdges.length - 1;
  const i = budgetEdges.findIndex((edge, k) => (k === last ? minor < edge : minor <= edge));
  return i < 0 ? budgetEdges.length + 1 : i + 1;
}

interface Group {
  f: number;
  r: number;
  b: number;
  treatment: string;
  offerId: string | null;
  n: number;
  pAlive: number;
  budget: number;
}

/** The overview from the score table in memory: one pass over its arrays. */
export function overviewOfTable(table: ScoreTable, key: OverviewKey): ScoreOverview {
  const e = edges(key);
  const above = e.recency.slice(1);
  const groups = new Map<string, Group>();
  const { summary, scores } = table;
  for (let i = 0; i < table.length; i++) {
    const f = Math.min(7, summary.x[i]);
    const r = recencyBand(above, summary.T[i] - summary.tx[i]);
    const b = budgetBand(e.budget, table.budgetMinor[i]);
    const offer = table.offer[i];
    const treatment = TREATMENTS[table.treatment[i]];
    const id = `${f} ${r} ${b} ${treatment} ${offer}`;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { f, r, b, treatment, offerId: offer === -1 ? null : table.offerIds[offer], n: 0, pAlive: 0, budget: 0 }));
    g.n++;
    g.pAlive += scores.pAlive[i];
    g.budget += table.budgetMinor[i];
  }
  return combine([...groups.values()], key);
}

/** The same overview summed by the database over the stored scores. */
async function aggregate(db: Database, key: OverviewKey): Promise<ScoreOverview> {
  const e = edges(key);
  const above = e.recency.slice(1);
  const budgetEdges = e.budget;
  // Every edge is a number this module made: safe to write into the SQL as a literal.
  const frequency = `CASE WHEN x >= 7 THEN 7 ELSE CAST(x AS INTEGER) END`;
  const recency = `CASE ${above.map((edge, i) => `WHEN t - tx < ${literal(edge)} THEN ${i}`).join(' ')} ELSE ${above.length} END`;
  const budget = `CASE WHEN budget_minor <= 0 THEN 0 ${budgetEdges
    .map((edge, i) => `WHEN budget_minor ${i === budgetEdges.length - 1 ? '<' : '<='} ${literal(edge)} THEN ${i + 1}`)
    .join(' ')} ELSE ${budgetEdges.length + 1} END`;
  const d = db.dialect;
  const rows: Array<{ f: number; r: number; b: number; treatment: string; offer_id: string | null; n: number; p_alive: number; budget: number }> = await db.reader.query(
    `SELECT ${frequency} AS f, ${recency} AS r, ${budget} AS b, treatment, offer_id,
            COUNT(*) AS n, SUM(p_alive) AS p_alive, SUM(budget_minor) AS budget
       FROM customer_scores WHERE model_version = ${d.param(0)} AND as_of = ${d.param(1)}
      GROUP BY ${frequency}, ${recency}, ${budget}, treatment, offer_id`,
    [key.modelVersion, key.asOf],
  );
  return combine(
    rows.map((g) => ({ f: Number(g.f), r: Number(g.r), b: Number(g.b), treatment: g.treatment, offerId: g.offer_id, n: Number(g.n), pAlive: Number(g.p_alive), budget: Number(g.budget) })),
    key,
  );
}

function combine(groups: Group[], key: OverviewKey): ScoreOverview {
  const e = edges(key);
  const budgetEdges = e.budget;
  const cells = new Map<string, OverviewCell>();
  const budgets: BudgetBand[] = [0, ...budgetEdges].map((edge, i, all) => ({
    fromMinor: i === 0 ? 0 : i === 1 ? 1 : all[i - 1] + 1,
    toMinor: i === 0 ? 0 : i === all.length - 1 ? edge - 1 : edge,
    customers: 0,
    budgetMinor: 0,
  }));
  budgets.push({ fromMinor: key.cacMinor, toMinor: null, customers: 0, budgetMinor: 0 });
  const offers = new Map<string, OfferCount>();
  let customers = 0;
  let pAliveSum = 0;
  let budgetMinor = 0;
  for (const g of groups) {
    customers += g.n;
    pAliveSum += g.pAlive;
    budgetMinor += g.budget;
    const cellKey = `${g.f} ${g.r}`;
    const cell = cells.get(cellKey) ?? { frequency: g.f, recency: g.r, customers: 0, pAlive: 0 };
    cell.customers += g.n;
    cell.pAlive += g.pAlive;
    cells.set(cellKey, cell);
    const band = budgets[g.b];
    band.customers += g.n;
    band.budgetMinor += g.budget;
    const offerKey = `${g.treatment} ${g.offerId ?? ''}`;
    const offer = offers.get(offerKey) ?? { treatment: g.treatment, offerId: g.offerId, customers: 0, budgetMinor: 0 };
    offer.customers += g.n;
    offer.budgetMinor += g.budget;
    offers.set(offerKey, offer);
  }
  return {
    modelVersion: key.modelVersion,
    asOf: key.asOf,
    scoredAt: key.scoredAt,
    customers,
    meanPAlive: customers ? pAliveSum / customers : 0,
    budgetMinor,
    recency: e.recency.map((from, i) => ({ from, to: e.recency[i + 1] ?? null })),
    cells: [...cells.values()].map((c) => ({ ...c, pAlive: c.pAlive / c.customers })).sort((p, q) => p.frequency - q.frequency || p.recency - q.recency),
    budgets: budgets.filter((b) => b.toMinor === null || b.toMinor >= b.fromMinor),
    offers: [...offers.values()].sort((p, q) => q.customers - p.customers || p.treatment.localeCompare(q.treatment)),
  };
}

function literal(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`${value} is not a band edge`);
  return String(value);
}
