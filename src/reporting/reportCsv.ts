/**
 * The report as CSV for a spreadsheet: one row per step, then the run's total row, which alone
 * carries the run-wide figures (audience, holdout, the incremental ones). Money is a plain decimal,
 * a figure that cannot be computed an empty cell, and every cell goes through csvCell, so a
 * template name or campaign a spreadsheet would run as a formula arrives as text.
 */
import { csvLine } from '../export/csv';
import type { RunReport } from './reportTypes';

const COLUMNS = [
  'run_id', 'campaign', 'row', 'step', 'template', 'currency', 'audience', 'treated', 'holdout',
  'sent', 'delivered', 'bounced', 'opened_unreliable', 'clicked', 'redeemed', 'reactivated_treated', 'reactivated_holdout',
  'revenue', 'margin', 'incentive_cost', 'send_cost',
  'incremental_reactivation_rate', 'incremental_reactivation_rate_ci95_low', 'incremental_reactivation_rate_ci95_high',
  'incremental_margin', 'incremental_margin_ci95_low', 'incremental_margin_ci95_high',
  'roi', 'cost_per_win_back', 'cac', 'window_from', 'window_to', 'window_open',
] as const;

type Cell = string | number | boolean | null;

export function reportCsv(r: RunReport): string {
  const lines = [COLUMNS.join(',')];
  for (const s of r.steps) {
    lines.push(csvLine([
      r.runId, r.campaign, 'step', s.step, s.template, r.currency, null, null, null,
      s.sent, s.delivered, s.bounced, s.opened, s.clicked, s.redeemed, s.reactivated, null,
      s.revenue, s.margin, s.incentiveCost, s.sendCost,
      ...new Array<Cell>(COLUMNS.length - 21).fill(null),
    ]));
  }
  const rate = r.incrementalReactivationRate;
  const margin = r.incrementalMargin;
  lines.push(csvLine([
    r.runId, r.campaign, 'total', null, null, r.currency, r.audience, r.treated, r.holdout,
    r.sent, r.delivered, r.bounced, r.opened, r.clicked, r.redeemed, r.reactivated.treated, r.reactivated.holdout,
    r.revenue, r.margin, r.incentiveCost, r.sendCost,
    rate.estimate, rate.ci95[0], rate.ci95[1], margin.estimate, margin.ci95[0], margin.ci95[1],
    r.roi, r.costPerWinBack, r.cac, r.window.from, r.window.to, r.window.open,
  ]));
  return lines.join('\n') + '\n';
}
