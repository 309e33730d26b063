/**
 * The model page's view model: the fitted parameters and the data window they came from, what
 * the stored scores say about the customer base (P(alive) map, budgets, offers), and the last
 * check of the model against later orders. Read from stored results only: the model row, one
 * aggregate over the scores, and a check kept in memory from when someone asked for it.
 */
import type { Config } from '../../config';
import { ConflictError } from '../../domain/errors';
import { purchaseModelKind, purchaseModelName } from '../../domain/purchaseModel';
import { latestModel, StoredModel } from '../../scoring/modelStore';
import { cacMinorOf, FREQUENCIES, latestScoring, ScoreOverview, scoreOverview } from '../../scoring/scoreOverview';
import { offerLadder } from '../../scoring/settings';
import { validationChart } from '../../scoring/chart';
import type { Validation } from '../../scoring/validateService';
import type { Services } from '../../wiring';
import { chartJson, count, day, instant, money, percent } from './displayFormat';
import type { Job } from './jobs';

const PARAMETERS = { bgnbd: ['r', 'alpha', 'a', 'b'], 'pareto-nbd': ['r', 'alpha', 's', 'beta'] } as const;
const sig = (value: number | null | undefined) => (typeof value === 'number' && Number.isFinite(value) ? String(Number(value.toPrecision(4))) : 'not pinned down');

export async function modelPageModel(services: Pick<Services, 'db' | 'config'>, check: { last?: Job<Validation>; running?: Job }, base: string) {
  let model: StoredModel;
  try {
    model = await latestModel(services.db, services.config.shop.currency);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    return { empty: error.message, ...checkModel(check, base) };
  }
  const scoring = await latestScoring(services.db, model.version);
  const overview = scoring
    ? await scoreOverview(services.db, { modelVersion: model.version, ...scoring, timeUnit: model.timeUnit, cacMinor: cacMinorOf(services.config) })
    : undefined;
  return {
    model: modelFacts(model, services.config.shop.timeZone),
    scores: overview ? scoresModel(overview, model, services.config) : undefined,
    charts: overview ? true : undefined,
    ...checkModel(check, base),
  };
}

function modelFacts(model: StoredModel, timeZone: string) {
  const kind = purchaseModelKind(model.bgnbd);
  const purchase = model.bgnbd as unknown as Record<string, number>;
  const spend = model.gammaGamma as unknown as Record<string, number>;
  const row = (name: string, value: number, se: number | null | undefined) => ({ name, value: sig(value), se: se === undefined ? '' : sig(se) });
  return {
    version: model.version,
    fittedAt: instant(model.fittedAt, timeZone),
    window: model.dataFrom ? `${day(model.dataFrom)} to ${day(model.calibrationEnd)}` : `up to ${day(model.calibrationEnd)}`,
    timeUnit: `${model.timeUnit}s`,
    customers: count(model.customers),
    repeatCustomers: count(model.repeatCustomers),
    currency: model.currency,
    purchaseName: purchaseModelName(kind),
    purchase: PARAMETERS[kind].map((k, i) => row(k, purchase[k], model.bgnbd.standardErrors?.[i])),
    purchaseFit: fitWords(model.bgnbd),
    spend: ['p', 'q', 'gamma'].map((k, i) => row(k, spend[k], model.gammaGamma.standardErrors?.[i])),
    spendFit: fitWords(model.gammaGamma),
    warnings: model.warnings.map((w) => w.message),
  };
}

/** A model stored without its fit's facts (written by hand, or by a bench) still shows its parameters. */
function fitWords(fit: Partial<{ logLikelihood: number; converged: boolean; hitBound: boolean }>): string {
  if (typeof fit.logLikelihood !== 'number') return 'no fit details stored';
  const state = fit.converged ? 'converged' : 'did not converge';
  return `log-likelihood ${fit.logLikelihood.toFixed(2)}; ${state}${fit.hitBound ? ', at a bound of the search' : ''}`;
}

function recencyLabel(from: number, to: number | null, unit: string): string {
  return to === null ? `${from}+ ${unit}s` : `${from}–${to - 1} ${unit}s`;
}

function scoresModel(o: ScoreOverview, model: StoredModel, config: Config) {
  const currency = config.shop.currency;
  const unit = model.timeUnit;
  // Bands nobody is in (a young shop has no one gone two years) are left out of the map.
  const bands = o.recency.map((r, i) => ({ label: recencyLabel(r.from, r.to, unit), i })).filter(({ i }) => o.cells.some((c) => c.recency === i));
  const recencyLabels = bands.map((b) => b.label);
  const cellAt = (f: number, band: number) => o.cells.find((c) => c.frequency === f && c.recency === bands[band].i);
  const present = FREQUENCIES.map((label, f) => ({ label, f })).filter(({ f }) => o.cells.some((c) => c.frequency === f));
  const map = present.map(({ label, f }) => ({
    frequency: label,
    cells: recencyLabels.map((_, r) => {
      const cell = cellAt(f, r);
      return cell ? { pAlive: cell.pAlive.toFixed(2), customers: count(cell.customers), band: `heat-${Math.min(4, Math.floor(cell.pAlive * 5))}` } : { empty: true };
    }),
  }));
  const palette = ['#8a3b22', '#b8572f', '#d9822b', '#c9a227', '#6b8e23', '#1d6b3a', '#1f4e8c', '#5c534c'];
  const mapChart = {
    type: 'line',
    data: {
      labels: recencyLabels,
      datasets: present.map(({ label, f }, i) => ({
        label: `${label} repeat purchases`,
        data: recencyLabels.map((_, r) => (cellAt(f, r) ? Number(cellAt(f, r)?.pAlive.toFixed(3)) : null)),
        borderColor: palette[i % palette.length],
        backgroundColor: palette[i % palette.length],
        spanGaps: true,
      })),
    },
    options: { scales: { y: { min: 0, max: 1, title: { display: true, text: 'mean P(alive)' } }, x: { title: { display: true, text: `time since the last purchase` } } } },
  };
  const bandLabel = (b: { fromMinor: number; toMinor: number | null }) =>
    b.toMinor === 0 ? 'no budget' : b.toMinor === null ? `${money(b.fromMinor, currency)} (the CAC)` : `${money(b.fromMinor, currency)} to ${money(b.toMinor, currency)}`;
  const budgets = o.budgets.map((b) => ({ label: bandLabel(b), customers: count(b.customers), share: o.customers ? percent(b.customers / o.customers) : '', total: money(b.budgetMinor, currency) }));
  const labels = new Map(offerLadder(config).map((rung) => [rung.id, rung.label]));
  const offerLabel = (treatment: string, id: string | null) =>
    treatment === 'offer' ? (id ? labels.get(id) ?? id : 'an offer') : treatment === 'nostalgia-only' ? 'no offer: a nostalgia email only' : 'not emailed (worth nothing to win back)';
  const offers = o.offers.map((x) => ({ label: offerLabel(x.treatment, x.offerId), customers: count(x.customers), share: percent(x.customers / o.customers), total: money(x.budgetMinor, currency) }));
  const bar = (labelsOf: string[], values: number[], title: string, color: string) => ({
    type: 'bar',
    data: { labels: labelsOf, datasets: [{ label: title, data: values, backgroundColor: color }] },
    options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, title: { display: true, text: title } } } },
  });
  return {
    asOf: day(o.asOf),
    customers: count(o.customers),
    meanPAlive: o.meanPAlive.toFixed(2),
    totalBudget: money(o.budgetMinor, currency),
    recencyLabels,
    map,
    mapChart: chartJson(mapChart),
    budgets,
    budgetChart: chartJson(bar(budgets.map((b) => b.label), o.budgets.map((b) => b.customers), 'customers', '#8a3b22')),
    offers,
    offerChart: chartJson(bar(offers.map((x) => x.label), o.offers.map((x) => x.customers), 'customers', '#1f4e8c')),
  };
}

/** The last check against later orders (kept from when someone ran it), or the one running now. */
function checkModel(check: { last?: Job<Validation>; running?: Job }, base: string) {
  const v = check.last?.result;
  return {
    checkRunning: check.running
      ? { events: `${base}/console/jobs/${check.running.id}/events`, status: `${base}/console/jobs/${check.running.id}/status`, phase: check.running.phase }
      : undefined,
    check: v
      ? {
          // The CLI's SVG, inline (the console's CSP allows data: images): no route to keep it at.
          chart: `data:image/svg+xml;base64,${Buffer.from(validationChart(v)).toString('base64')}`,
          summary: `Fitted on orders from ${day(v.dataFrom)} to ${day(v.calibrationEnd)}, compared with what ${count(v.customers)} customers bought from then to ${day(v.holdoutEnd)}.`,
          totals: `Repeat purchases after ${day(v.calibrationEnd)}: predicted ${v.totals.predicted.toFixed(0)}, actual ${count(v.totals.actual)}.`,
          rows: v.byFrequency.map((r) => ({ frequency: r.frequency, customers: count(r.customers), predicted: r.predicted.toFixed(3), actual: r.actual.toFixed(3) })),
        }
      : undefined,
    refresh: check.running ? 3 : undefined,
    jobScript: check.running ? true : undefined,
  };
}
