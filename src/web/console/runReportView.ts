/**
 * The run report page's view model: the report (runReport) and the day-by-day reactivation
 * curve, formatted for people, with each chart's configuration and the table that carries its
 * figures. Logic-less templates get strings only.
 */
import { formatMoney, Money } from '../../domain/money';
import { percent, points, shareOf } from '../../reporting/figures';
import { reactivationCurve, CurveDay } from '../../reporting/reactivationCurve';
import type { RunReport } from '../../reporting/reportTypes';
import { runReport } from '../../reporting/runReport';
import type { Services } from '../../wiring';
import { chartJson, count, dateText, instantsInWords, money } from './format';
import { curveChart, funnelChart, spendChart, stepsChart } from './runReportCharts';

export interface ReportData {
  report: RunReport;
  curve: CurveDay[];
}

/** The report and its curve, read with the report's own window and group sizes. */
export async function loadReport(services: Services, runId: number): Promise<ReportData> {
  const report = await runReport(services, runId);
  const curve = await reactivationCurve(services.db, {
    runId: report.runId, currency: report.currency, window: report.window, treated: report.treated, holdout: report.holdout,
    now: services.clock(), shopTimeZone: services.config.shop.timeZone,
  });
  return { report, curve };
}

const rateText = (r: { rate: number; lo: number; hi: number }) => `${percent(r.rate)} (${percent(r.lo)} to ${percent(r.hi)})`;

export function reportView(data: ReportData, zone: string) {
  const r = data.report;
  const c = r.currency;
  const m = (v: string | null) => money(v, c);
  const spent = formatMoney(new Money(r.incentiveCost).plus(r.sendCost), c);
  const rate = r.incrementalReactivationRate;
  const margin = r.incrementalMargin;
  const interval = (lo: string, hi: string) => `95% interval ${lo} to ${hi}`;
  return {
    runId: r.runId,
    campaign: r.campaign,
    window: `Orders from ${dateText(r.window.from, zone)} to ${dateText(r.window.to, zone)} count for this run${r.window.open ? ' (still open: these figures are preliminary)' : ''}.`,
    cards: [
      { label: 'Spent', figure: m(spent), detail: `offers ${m(r.incentiveCost)}, sending ${m(r.sendCost)}` },
      {
        label: 'Incremental margin',
        figure: m(margin.estimate as string | null),
        detail: margin.ci95[0] === null ? 'no 95% interval yet' : interval(m(margin.ci95[0] as string), m(margin.ci95[1] as string)),
        good: margin.estimate !== null && Number(margin.ci95[0]) > 0,
      },
      { label: 'Return on spend (ROI)', figure: percent(r.roi), detail: '(incremental margin − spent) ÷ spent' },
      {
        label: 'Came back because of the campaign',
        figure: points(rate.estimate),
        detail: rate.ci95[0] === null ? 'needs a holdout' : interval(points(rate.ci95[0]), points(rate.ci95[1])),
      },
      {
        label: 'Came back',
        figure: `${shareOf(r.reactivated.treated, r.treated)} vs ${shareOf(r.reactivated.holdout, r.holdout)}`,
        detail: `treated ${count(r.reactivated.treated)} of ${count(r.treated)}, held out ${count(r.reactivated.holdout)} of ${count(r.holdout)}`,
      },
      { label: 'Cost per win-back', figure: m(r.costPerWinBack), detail: `a new customer costs ${m(r.cac)}` },
    ],
    caveats: r.caveats.map((text) => instantsInWords(text, zone)),
    funnel: {
      chart: chartJson(funnelChart(r)),
      rows: [
        ['Audience', r.audience, 'customers enrolled, treated and held out'],
        ['Treated', r.treated, 'customers the campaign wrote to'],
        ['Held out', r.holdout, 'customers deliberately sent nothing'],
        ['Emails sent', r.sent, ''],
        ['Delivered', r.delivered, `${count(r.bounced)} bounced`],
        ['Opened', r.opened, 'unreliable: privacy proxies open every message; not charted, never used'],
        ['Clicked', r.clicked, ''],
        ['Codes redeemed', r.redeemed, ''],
        ['Came back (treated)', r.reactivated.treated, shareOf(r.reactivated.treated, r.treated)],
        ['Came back (held out)', r.reactivated.holdout, shareOf(r.reactivated.holdout, r.holdout)],
      ].map(([label, n, note]) => ({ label, count: count(n as number), note })),
    },
    curve: {
      chart: chartJson(curveChart(data.curve)),
      lastDay: data.curve.length ? data.curve[data.curve.length - 1].day : 0,
      rows: data.curve.map((d) => ({
        day: d.day,
        date: dateText(`${d.date}T12:00:00Z`, 'UTC'),
        treated: `${count(d.treated.reactivated)}: ${rateText(d.treated)}`,
        holdout: d.holdout ? `${count(d.holdout.reactivated)}: ${rateText(d.holdout)}` : '—',
        difference: d.difference ? `${points(d.difference.rate)} (${points(d.difference.lo)} to ${points(d.difference.hi)})` : '—',
      })),
    },
    spend: {
      chart: chartJson(spendChart(r)),
      rows: [
        { label: 'Offers (incentives, already inside revenue)', amount: m(r.incentiveCost) },
        { label: 'Sending', amount: m(r.sendCost) },
        { label: 'Spent in all', amount: m(spent) },
        { label: 'Revenue from the treated (margin)', amount: `${m(r.revenue)} (${m(r.margin)})` },
        { label: 'Revenue from the held out (margin)', amount: `${m(r.holdoutRevenue)} (${m(r.holdoutMargin)})` },
        {
          label: 'Incremental margin',
          amount: margin.ci95[0] === null ? m(margin.estimate as string | null) : `${m(margin.estimate as string)} (${interval(m(margin.ci95[0] as string), m(margin.ci95[1] as string))})`,
        },
        { label: 'Return on spend (ROI)', amount: percent(r.roi) },
      ],
    },
    steps: {
      chart: chartJson(stepsChart(r)),
      rows: r.steps.map((s) => ({
        step: s.step, template: s.template, sent: count(s.sent), delivered: count(s.delivered), bounced: count(s.bounced), opened: count(s.opened),
        clicked: count(s.clicked), redeemed: count(s.redeemed), reactivated: count(s.reactivated),
        revenue: m(s.revenue), incentiveCost: m(s.incentiveCost), sendCost: m(s.sendCost),
      })),
    },
  };
}
