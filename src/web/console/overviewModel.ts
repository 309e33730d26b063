/**
 * The overview's view model: running campaigns with their progress, the weekly digest's headline
 * figures (collectDigest: the runs running or recently ended, each with its report), feedback
 * waiting, and what needs a person: a paused run and why, a holdout too small to measure the
 * campaign, a model fitted long ago with orders imported since.
 */
import { listRuns, RunSummary } from '../../campaigns/runList';
import { formatMoney, Money } from '../../domain/money';
import { minimumDetectableLift } from '../../domain/roi';
import { collectDigest } from '../../reporting/digest';
import { percent, points, shareOf } from '../../reporting/figures';
import type { RunReport } from '../../reporting/reportTypes';
import { orderImportsSince } from '../../reporting/runQueries';
import type { Services } from '../../wiring';
import { chartJson, count, dateText, instantsInWords, money, plural } from './format';

const DAY_MS = 86_400_000;
/** A model older than this, with orders imported since its fit, no longer knows the shop's customers. */
export const STALE_MODEL_DAYS = 30;
/** The report's own bar (roi.ts caveats): a holdout that cannot tell a 5-point lift from chance. */
const DETECTABLE_LIFT = 0.05;

export interface Alert {
  text: string;
  /** A command the alert names, shown as code after the text, and the rest of the sentence (its own leading space). */
  command?: { code: string; then: string };
  href: string | null;
  link: string | null;
}

export function runProgress(r: RunSummary, zone: string) {
  return {
    runId: r.runId,
    campaign: r.campaign,
    state: r.state,
    paused: r.state === 'paused',
    reason: r.reason && instantsInWords(r.reason, zone),
    launched: dateText(r.launchedAt, zone),
    audience: count(r.audience),
    holdout: count(r.holdout),
    step: r.reachedStep ? `step ${r.reachedStep} of ${r.steps}` : `none of ${r.steps} steps yet`,
    sent: count(r.sent),
    due: count(r.due),
    progress: Math.round(r.progress * 100),
  };
}

/** Whether the holdout can tell the campaign's effect from chance; null when it can. */
export function holdoutAlert(r: RunReport): string | null {
  if (r.holdout === 0) return `nobody is held out in run ${r.runId} (${r.campaign}): what it changes cannot be measured`;
  const pooled = (r.reactivated.treated + r.reactivated.holdout) / Math.max(1, r.treated + r.holdout);
  const mdl = minimumDetectableLift(r.treated, r.holdout, pooled);
  if (mdl === null || mdl <= DETECTABLE_LIFT) return null;
  return `run ${r.runId} (${r.campaign}) holds out only ${plural(r.holdout, 'customer')}: the smallest lift it can detect is ${points(mdl)}, so a real effect may look like chance`;
}

export async function staleModelAlert(services: Services): Promise<Alert | null> {
  const [model] = await services.db.reader.query('SELECT id, fitted_at FROM model_fits ORDER BY id DESC LIMIT 1');
  const zone = services.config.shop.timeZone;
  if (!model) {
    return { text: 'No model has been fitted yet: win-back campaigns need one. Import orders, then fit one on the model page or with', command: { code: 'rekindle fit', then: '.' }, href: '/model', link: 'See the model' };
  }
  const age = (services.clock().getTime() - Date.parse(model.fitted_at)) / DAY_MS;
  if (age < STALE_MODEL_DAYS) return null;
  const imports = await orderImportsSince(services.db, model.fitted_at);
  if (imports === 0) return null;
  return {
    text: `The model (version ${model.id}) was fitted on ${dateText(model.fitted_at, zone)}, ${plural(Math.floor(age), 'day')} ago, and ${plural(imports, 'order import')} came in since: fit it again on the model page or with`,
    command: { code: 'rekindle fit', then: ' so scores and budgets use them.' },
    href: '/model',
    link: 'See the model',
  };
}

export async function overviewModel(services: Services) {
  const zone = services.config.shop.timeZone;
  const running = await listRuns(services.db, { states: ['active', 'paused'] });
  const digest = await collectDigest(services);
  const waiting = digest.feedback.waiting;
  const alerts: Alert[] = running
    .filter((r) => r.state === 'paused')
    .map((r) => ({ text: `Run ${r.runId} (${r.campaign}) is paused: ${r.reason ? instantsInWords(r.reason, zone) : 'no reason was recorded'}`, href: `/runs/${r.runId}`, link: `Open run ${r.runId}` }));
  // An apology holds nobody out on purpose: only running win-backs are checked.
  const winbacks = new Set(running.filter((r) => r.kind !== 'incident').map((r) => r.runId));
  for (const d of digest.runs) {
    const text = winbacks.has(d.report.runId) ? holdoutAlert(d.report) : null;
    if (text) alerts.push({ text: text[0].toUpperCase() + text.slice(1), href: `/runs/${d.report.runId}/report`, link: `Report of run ${d.report.runId}` });
  }
  const cases = waiting.count === 1 ? '1 case has' : `${count(waiting.count)} cases have`;
  const overdueText = waiting.count > 0 ? `${cases} waited longer than ${plural(waiting.reminderDays, 'day')} for a reply (FEEDBACK_REMINDER_DAYS); the longest first:` : null;
  const stale = await staleModelAlert(services);
  if (stale) alerts.push(stale);

  const headlines = digest.runs.map(({ state, report: r }) => {
    const m = (v: string | number | null) => money(v === null ? null : String(v), r.currency);
    const spent = formatMoney(new Money(r.incentiveCost).plus(r.sendCost), r.currency);
    const [lo, hi] = r.incrementalMargin.ci95;
    return {
      runId: r.runId,
      campaign: r.campaign,
      state,
      spent: m(spent),
      margin: m(r.incrementalMargin.estimate),
      interval: lo === null || hi === null ? 'no 95% interval yet' : `${m(lo)} to ${m(hi)}`,
      roi: percent(r.roi),
      back: `${shareOf(r.reactivated.treated, r.treated)} treated, ${shareOf(r.reactivated.holdout, r.holdout)} held out`,
      lift: points(r.incrementalReactivationRate.estimate),
      preliminary: r.window.open,
      chart: { label: `${r.campaign} (run ${r.runId})`, spent: Number(spent), margin: r.incrementalMargin.estimate === null ? null : Number(r.incrementalMargin.estimate) },
    };
  });
  const currencies = new Set(digest.runs.map((d) => d.report.currency));
  return {
    title: 'Overview',
    section: 'overview',
    alerts,
    attention: alerts.length > 0 || overdueText !== null,
    running: running.map((r) => runProgress(r, zone)),
    weekOf: dateText(`${digest.weekOf}T12:00:00Z`, 'UTC'),
    headlines,
    // One currency per chart: runs in different currencies are never drawn on one axis.
    headlineChart: headlines.length && currencies.size === 1 ? chartJson(headlineChart(headlines.map((h) => h.chart), [...currencies][0])) : null,
    charts: headlines.length && currencies.size === 1 ? true : undefined,
    feedback: {
      waiting: count(waiting.waiting),
      any: waiting.waiting > 0,
      lastWeek: count(digest.feedback.lastWeek),
      overdueText,
      overdue: waiting.oldest.map((c) => ({ href: `/feedback/${c.id}`, customer: c.customer, subject: c.subject ?? 'no subject', since: dateText(c.waitingSince, zone), assignee: c.assignee ?? 'nobody yet' })),
    },
  };
}

function headlineChart(runs: { label: string; spent: number; margin: number | null }[], currency: string) {
  return {
    type: 'bar',
    data: {
      labels: runs.map((r) => r.label),
      datasets: [
        { label: `Spent (${currency})`, data: runs.map((r) => r.spent), backgroundColor: '#a11d1d' },
        { label: `Incremental margin (${currency})`, data: runs.map((r) => r.margin), backgroundColor: '#1d6b3a' },
      ],
    },
    options: { scales: { y: { title: { display: true, text: currency } } } },
  };
}
