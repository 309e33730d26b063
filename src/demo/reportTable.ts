/** A run's ROI report as the plain-text table the demo prints for an owner. */
import { percent, points, shareOf, withInterval } from '../reporting/figures';
import type { RunReport } from '../reporting/reportTypes';

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd());
}

export function reportTable(r: RunReport): string[] {
  const money = (v: string | null) => (v === null ? '—' : `${r.currency} ${v}`);
  return [
    `ROI report: ${r.campaign}, run ${r.runId} — orders ${r.window.from.slice(0, 10)} to ${r.window.to.slice(0, 10)}${r.window.open ? ' (window still open)' : ''}`,
    '',
    ...table([
      ['', 'treated', 'held out'],
      ['customers', String(r.treated), String(r.holdout)],
      ['came back (ordered)', String(r.reactivated.treated), String(r.reactivated.holdout)],
      ['reactivation rate', shareOf(r.reactivated.treated, r.treated), shareOf(r.reactivated.holdout, r.holdout)],
      ['net revenue', money(r.revenue), money(r.holdoutRevenue)],
    ]),
    '',
    ...table([
      ['step', 'sent', 'opened*', 'clicked', 'redeemed', 'came back', 'revenue', 'incentives'],
      ...r.steps.map((s) => [`${s.step} ${s.template}`, String(s.sent), String(s.opened), String(s.clicked), String(s.redeemed), String(s.reactivated), s.revenue, s.incentiveCost]),
      ['all', String(r.sent), String(r.opened), String(r.clicked), String(r.redeemed), String(r.reactivated.treated), r.revenue, r.incentiveCost],
    ]),
    '  * opens are unreliable (privacy proxies open every email); nothing below uses them',
    '',
    `What the campaign changed, against the holdout:`,
    `  incremental reactivation rate  ${withInterval(r.incrementalReactivationRate, points, 'pts')}`,
    `  incremental margin             ${withInterval(r.incrementalMargin, (v) => money(v === null ? null : String(v)))}`,
    `  costs                          ${money(r.incentiveCost)} incentives + ${money(r.sendCost)} sending`,
    `  ROI                            ${percent(r.roi)}`,
    `  cost per win-back              ${money(r.costPerWinBack)} (a new customer costs ${money(r.cac)})`,
    ...(r.caveats.length ? ['', 'Read with care:', ...r.caveats.map((c) => `  - ${c}`)] : []),
  ];
}
