/**
 * The run report's four charts as Chart.js configurations (plain data: the server serialises
 * them, views/console/charts.js draws them). Each has a table beside it on the page with the
 * same figures, exact; the charts only draw them, so floats are fine here.
 */
import type { CurveDay } from '../../reporting/reactivationCurve';
import type { RunReport } from '../../reporting/reportTypes';

const TREATED = '#8a3b22';
const TREATED_BAND = 'rgba(138, 59, 34, 0.18)';
const HELD = '#1f4e8c';
const HELD_BAND = 'rgba(31, 78, 140, 0.16)';
const SPEND = '#a11d1d';
const MARGIN = '#1d6b3a';
const MARGIN_BAND = 'rgba(29, 107, 58, 0.25)';

const pct = (v: number) => Math.round(v * 10000) / 100;
const axisTitle = (text: string) => ({ display: true, text });

/** Who was reached and who came back, from the treated audience down. Opens are left out: privacy proxies open every message. */
export function funnelChart(r: RunReport) {
  return {
    type: 'bar',
    data: {
      labels: ['Treated customers', 'Emails sent', 'Delivered', 'Clicked', 'Codes redeemed', 'Came back'],
      datasets: [{ label: 'Count', data: [r.treated, r.sent, r.delivered, r.clicked, r.redeemed, r.reactivated.treated], backgroundColor: TREATED }],
    },
    options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, title: axisTitle('Customers or emails') } } },
  };
}

/**
 * Cumulative share back by each day since launch. Each group's 95% interval is drawn as floating
 * bars from its low to its high end (one per day, touching): a band, without a plugin.
 */
export function curveChart(curve: CurveDay[]) {
  const band = (label: string, color: string, pick: (d: CurveDay) => [number, number] | null) => ({
    type: 'bar', label, data: curve.map((d) => pick(d)), backgroundColor: color, grouped: false, barPercentage: 1, categoryPercentage: 1, order: 2,
  });
  const line = (label: string, color: string, pick: (d: CurveDay) => number | null, dash: number[] = []) => ({
    type: 'line', label, data: curve.map(pick), borderColor: color, backgroundColor: color, borderDash: dash, pointRadius: 0, borderWidth: 2, stepped: true, order: 1,
  });
  const hasHoldout = curve.some((d) => d.holdout !== null);
  return {
    type: 'bar',
    data: {
      labels: curve.map((d) => String(d.day)),
      datasets: [
        line('Treated', TREATED, (d) => pct(d.treated.rate)),
        band('Treated, 95% interval', TREATED_BAND, (d) => [pct(d.treated.lo), pct(d.treated.hi)]),
        ...(hasHoldout
          ? [
              line('Held out', HELD, (d) => (d.holdout ? pct(d.holdout.rate) : null), [6, 4]),
              band('Held out, 95% interval', HELD_BAND, (d) => (d.holdout ? [pct(d.holdout.lo), pct(d.holdout.hi)] : null)),
            ]
          : []),
      ],
    },
    options: {
      interaction: { mode: 'index', intersect: false },
      scales: { x: { title: axisTitle('Days since launch') }, y: { beginAtZero: true, title: axisTitle('Came back (% of the group)') } },
    },
  };
}

/** What was spent against the margin that came back because of the campaign, with its 95% interval. */
export function spendChart(r: RunReport) {
  const n = (v: string | number | null) => (v === null ? null : Number(v));
  const [lo, hi] = r.incrementalMargin.ci95;
  const spent = Number(r.incentiveCost) + Number(r.sendCost);
  return {
    type: 'bar',
    data: {
      labels: ['Offers (incentives)', 'Sending', 'Spent in all', 'Incremental margin'],
      datasets: [
        { label: `Amount (${r.currency})`, data: [n(r.incentiveCost), n(r.sendCost), Math.round(spent * 100) / 100, n(r.incrementalMargin.estimate)], backgroundColor: [SPEND, SPEND, SPEND, MARGIN], order: 1 },
        { label: 'Incremental margin, 95% interval', data: [null, null, null, lo === null || hi === null ? null : [n(lo), n(hi)]], backgroundColor: MARGIN_BAND, grouped: false, order: 2 },
      ],
    },
    options: { scales: { y: { title: axisTitle(r.currency) } } },
  };
}

/** Each step's emails, clicks, codes and the customers who came back after it. */
export function stepsChart(r: RunReport) {
  const series = (label: string, color: string, pick: (s: RunReport['steps'][number]) => number) => ({ label, data: r.steps.map(pick), backgroundColor: color });
  return {
    type: 'bar',
    data: {
      labels: r.steps.map((s) => `Step ${s.step}`),
      datasets: [
        series('Sent', '#5c534c', (s) => s.sent),
        series('Clicked', HELD, (s) => s.clicked),
        series('Redeemed', TREATED, (s) => s.redeemed),
        series('Came back after it', MARGIN, (s) => s.reactivated),
      ],
    },
    options: { scales: { y: { beginAtZero: true, title: axisTitle('Emails or customers') } } },
  };
}
