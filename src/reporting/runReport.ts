/**
 * The owner's ROI report for one run (issue 12): what was sent and spent, who came back, and what
 * came back because of the campaign, against the holdout. The SQL aggregates (runQueries.ts), the
 * pure domain does the arithmetic (src/domain/roi.ts); this file only joins the two.
 */
import type { CampaignFile } from '../campaigns/definition';
import { formatMinor, formatMoney, Money } from '../domain/money';
import { aliveProbability, purchasesIfAlive } from '../domain/purchaseModel';
import { caveats, GroupOutcome, minimumDetectableLift, MoneyEstimate, roiFigures } from '../domain/roi';
import { timeZone } from '../domain/time';
import { modelByVersion } from '../scoring/modelStore';
import type { Services } from '../wiring';
import { discountInsideNet } from './incentive';
import type { PredictedVsActual, RunReport, StepReport } from './reportTypes';
import { codeUses, CodeUse, findReportRun, historyGroups, OutcomeRow, orderImportsSince, outcomes, RunRow, sendCounts, SendCounts, Window } from './runQueries';

const DAY_MS = 86_400_000;
/** Issue 12: a run's orders count for 60 days after launch unless its campaign says otherwise. */
export const DEFAULT_ATTRIBUTION_DAYS = 60;

export async function runReport(services: Services, runOrCampaign: string | number): Promise<RunReport> {
  const { db, config } = services;
  const run = await findReportRun(db, runOrCampaign);
  const campaign = JSON.parse(run.definition) as CampaignFile;
  const currency = run.currency;
  const now = services.clock().getTime();
  const launched = Date.parse(run.launchedAt);
  const to = launched + (campaign.attributionWindowDays ?? DEFAULT_ATTRIBUTION_DAYS) * DAY_MS;
  const window: Window = { from: new Date(launched).toISOString(), to: new Date(to).toISOString() };
  const open = now < to;
  const marginRate = campaign.budget?.margin ?? config.value.margin;
  const sendCostEach = new Money(config.value.sendCost);

  const { outcomeRows, sends, uses, since, history } = await runFacts(services, run, window);
  const predicted = predictedVsActual(history, outcomeRows, window.from, Math.min(now, to));

  const treated = group(outcomeRows, false);
  const holdout = group(outcomeRows, true);
  const codes = codeTotals(uses, currency);
  const total = sends.reduce((a, s) => ({ sent: a.sent + s.sent, delivered: a.delivered + s.delivered, bounced: a.bounced + s.bounced, opened: a.opened + s.opened, clicked: a.clicked + s.clicked }), {
    sent: 0, delivered: 0, bounced: 0, opened: 0, clicked: 0,
  });
  const sendCost = sendCostEach.mul(total.sent);
  const figures = roiFigures({ currency, marginRate, treated, holdout, incentiveMinor: codes.all.incentiveMinor, sendCost });
  const pooled = treated.customers + holdout.customers > 0 ? (treated.reactivated + holdout.reactivated) / (treated.customers + holdout.customers) : 0;
  const money = (m: Money) => formatMoney(m, currency);
  const marginOf = (minor: number) => money(new Money(formatMinor(minor, currency)).mul(marginRate));

  const stepCount = Math.max(campaign.steps.length, ...sends.map((s) => s.step));
  const steps: StepReport[] = Array.from({ length: stepCount }, (_, i) => {
    const n = i + 1;
    const s = sends.find((x) => x.step === n) ?? { sent: 0, delivered: 0, bounced: 0, opened: 0, clicked: 0 };
    const c = codes.byStep.get(n) ?? EMPTY_CODES;
    return {
      step: n,
      template: campaign.steps[i]?.template ?? 'incident update',
      sent: s.sent, delivered: s.delivered, bounced: s.bounced, opened: s.opened, clicked: s.clicked,
      redeemed: c.redeemed,
      reactivated: outcomeRows.filter((r) => !r.holdout && r.step === n).reduce((a, r) => a + r.reactivated, 0),
      revenue: formatMinor(c.revenueMinor, currency),
      margin: marginOf(c.revenueMinor),
      incentiveCost: formatMinor(c.incentiveMinor, currency),
      sendCost: money(sendCostEach.mul(s.sent)),
    };
  });

  return {
    runId: run.id,
    campaign: run.campaign,
    currency,
    window: { from: window.from, to: window.to, open },
    audience: treated.customers + holdout.customers,
    treated: treated.customers,
    holdout: holdout.customers,
    ...total,
    redeemed: codes.all.redeemed,
    reactivated: { treated: treated.reactivated, holdout: holdout.reactivated },
    revenue: formatMinor(treated.revenueMinor, currency),
    margin: marginOf(treated.revenueMinor),
    holdoutRevenue: formatMinor(holdout.revenueMinor, currency),
    holdoutMargin: marginOf(holdout.revenueMinor),
    marginRate,
    incentiveCost: formatMinor(codes.all.incentiveMinor, currency),
    sendCost: money(sendCost),
    incrementalReactivationRate: { estimate: round(figures.incrementalRate.estimate), ci95: [round(figures.incrementalRate.lo), round(figures.incrementalRate.hi)] },
    incrementalReactivations: figures.incrementalReactivations === null ? null : Math.round(figures.incrementalReactivations * 100) / 100,
    incrementalMargin: moneyEstimate(figures.incrementalMargin, currency),
    roi: figures.roi,
    costPerWinBack: figures.costPerWinBack && money(figures.costPerWinBack),
    cac: money(new Money(campaign.budget?.cac ?? config.value.cac)),
    predictedVsActual: predicted,
    steps,
    caveats: caveats({
      treated: treated.customers,
      holdout: holdout.customers,
      holdoutReactivated: holdout.reactivated,
      minimumDetectableLift: minimumDetectableLift(treated.customers, holdout.customers, pooled),
      incrementalRate: figures.incrementalRate,
      windowOpen: open,
      windowTo: window.to,
      orderImportsSinceLaunch: since,
      opened: total.opened,
      redeemedWithoutOrder: codes.all.withoutOrder,
    }),
  };
}

function round(v: number | null): number | null {
  return v === null ? null : Math.round(v * 1e6) / 1e6;
}

function moneyEstimate(e: MoneyEstimate, currency: string) {
  const f = (m: Money | null) => (m === null ? null : formatMoney(m, currency));
  return { estimate: f(e.estimate), ci95: [f(e.lo), f(e.hi)] as [string | null, string | null] };
}

function group(rows: OutcomeRow[], holdout: boolean): GroupOutcome & { purchaseDays: number } {
  const out = { customers: 0, reactivated: 0, revenueMinor: 0, revenueSquares: 0, purchaseDays: 0 };
  for (const r of rows) {
    if (r.holdout !== holdout) continue;
    out.customers += r.customers;
    out.reactivated += r.reactivated;
    out.revenueMinor += r.revenueMinor;
    out.revenueSquares += r.revenueSquares;
    out.purchaseDays += r.purchaseDays;
  }
  return out;
}

interface CodeTotals {
  redeemed: number;
  withoutOrder: number;
  revenueMinor: number;
  incentiveMinor: number;
}
const EMPTY_CODES: CodeTotals = { redeemed: 0, withoutOrder: 0, revenueMinor: 0, incentiveMinor: 0 };

/**
 * A code counts as redeemed when its order is a counted one, or when the checkout redeemed it and
 * the order has not been imported (yet): the discount was given either way.
 */
function codeTotals(uses: CodeUse[], currency: string): { all: CodeTotals; byStep: Map<number, CodeTotals> } {
  const all = { ...EMPTY_CODES };
  const byStep = new Map<number, CodeTotals>();
  for (const u of uses) {
    if (u.state === 'excluded') continue;
    const incentive = u.source === 'checkout' ? u.discountMinor : discountInsideNet(u.rung as string, u.amountMinor as number, currency) * u.orders;
    const add = (t: CodeTotals) => {
      t.redeemed += u.codes;
      t.withoutOrder += u.state === 'missing' ? u.codes : 0;
      t.revenueMinor += u.revenueMinor;
      t.incentiveMinor += incentive;
    };
    add(all);
    if (u.step !== null) add(byStep.get(u.step) ?? byStep.set(u.step, { ...EMPTY_CODES }).get(u.step)!);
  }
  return { all, byStep };
}

/** What a report is computed from, read in the database; everything else is arithmetic at the clock's time. */
interface RunFacts {
  outcomeRows: OutcomeRow[];
  sends: SendCounts[];
  uses: CodeUse[];
  since: number;
  history: RunHistory | null;
}

/** The run's model and its customers' histories at launch, grouped; null when the run has no model or its scores are gone. */
interface RunHistory {
  model: NonNullable<Awaited<ReturnType<typeof modelByVersion>>>;
  groups: Awaited<ReturnType<typeof historyGroups>>;
}

/**
 * The run's facts, kept until the database changes (db/stampedMemo.ts): the console's overview,
 * report page and CSV read the same run's report on every visit, and these queries are most of
 * a second over 100,000 customers and a million orders.
 */
function runFacts(services: Services, run: RunRow, window: Window): Promise<RunFacts> {
  const { db } = services;
  const key = JSON.stringify([run.id, run.launchedAt, run.currency, run.modelVersion, window, services.config.shop.timeZone]);
  return db.memo<RunFacts>('runReport', 32).get(key, async () => ({
    outcomeRows: await outcomes(db, run, window),
    sends: await sendCounts(db, run.id),
    uses: await codeUses(db, run, window),
    since: await orderImportsSince(db, window.from),
    history: await runHistory(services, run, window.from),
  }));
}

async function runHistory(services: Services, run: RunRow, from: string): Promise<RunHistory | null> {
  if (run.modelVersion === null) return null;
  const model = await modelByVersion(services.db, run.modelVersion);
  if (!model) return null;
  const asOf = timeZone(services.config.shop.timeZone).day(Date.parse(from));
  const groups = await historyGroups(services.db, run.id, run.modelVersion, asOf);
  return groups.length ? { model, groups } : null;
}

/**
 * The model checked in production: the run's stored model, from each customer's history at launch
 * (the scores the run launched with), expects so many purchase days over the window so far; the
 * customers made so many. Null predictions when the run has no model or its scores are gone.
 */
function predictedVsActual(history: RunHistory | null, rows: OutcomeRow[], from: string, until: number): PredictedVsActual {
  const actual = (holdout: boolean) => ({ customers: group(rows, holdout).customers, predictedPurchases: null as number | null, actualPurchases: group(rows, holdout).purchaseDays });
  const result = { treated: actual(false), holdout: actual(true) };
  if (!history) return result;
  const { model, groups } = history;
  const days = Math.max(0, until - Date.parse(from)) / DAY_MS;
  const t = model.timeUnit === 'week' ? days / 7 : days;
  let treated = 0;
  let held = 0;
  for (const g of groups) {
    const e = g.n * aliveProbability(model.bgnbd, g.x, g.tx, g.T) * purchasesIfAlive(model.bgnbd, t, g.x, g.T);
    if (g.holdout) held += e;
    else treated += e;
  }
  result.treated.predictedPurchases = Math.round(treated * 100) / 100;
  result.holdout.predictedPurchases = Math.round(held * 100) / 100;
  return result;
}
