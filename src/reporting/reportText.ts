/** The report in words, for `rekindle report` without --json or --csv. */
import type { RunReport } from './reportTypes';

const percent = (v: number | string | null) => (v === null ? '—' : `${(Number(v) * 100).toFixed(1)}%`);
const signedPoints = (v: number | string | null) => (v === null ? '—' : `${Number(v) >= 0 ? '+' : ''}${(Number(v) * 100).toFixed(1)} points`);
const share = (part: number, whole: number) => (whole > 0 ? ` (${percent(part / whole)})` : '');

export function reportText(r: RunReport): string[] {
  const rate = r.incrementalReactivationRate;
  const margin = r.incrementalMargin;
  const c = r.currency;
  const lines = [
    `${r.campaign}, run ${r.runId}: ${r.window.from.slice(0, 10)} to ${r.window.to.slice(0, 10)}${r.window.open ? ' (window still open: preliminary)' : ''}`,
    `audience ${r.audience}: ${r.treated} treated, ${r.holdout} held out`,
    `emails sent ${r.sent} (delivered ${r.delivered}, bounced ${r.bounced}); opened ${r.opened} (unreliable); clicked ${r.clicked}; codes redeemed ${r.redeemed}`,
    `came back: ${r.reactivated.treated} of ${r.treated} treated${share(r.reactivated.treated, r.treated)}, ${r.reactivated.holdout} of ${r.holdout} held out${share(r.reactivated.holdout, r.holdout)}`,
    `revenue ${r.revenue} ${c} from the treated (margin ${r.margin}); held out ${r.holdoutRevenue} (margin ${r.holdoutMargin})`,
    `spent: incentives ${r.incentiveCost} ${c} (already inside revenue), sending ${r.sendCost} ${c}`,
    rate.estimate === null
      ? 'because of the campaign: cannot be measured without a holdout'
      : `because of the campaign: reactivation ${signedPoints(rate.estimate)} (95% interval ${signedPoints(rate.ci95[0])} to ${signedPoints(rate.ci95[1])})`,
    margin.estimate === null
      ? 'incremental margin: —'
      : `incremental margin ${margin.estimate} ${c}${margin.ci95[0] === null ? ' (no interval: too little spread to compute one)' : ` (95% interval ${margin.ci95[0]} to ${margin.ci95[1]})`}`,
    `ROI ${r.roi === null ? '—' : r.roi}; cost per incremental win-back ${r.costPerWinBack === null ? '—' : `${r.costPerWinBack} ${c}`} (a new customer costs ${r.cac} ${c})`,
  ];
  const p = r.predictedVsActual;
  if (p.treated.predictedPurchases !== null) {
    lines.push(`the model expected ${p.treated.predictedPurchases} purchase days from the treated and ${p.holdout.predictedPurchases} from the held out; they made ${p.treated.actualPurchases} and ${p.holdout.actualPurchases}`);
  }
  for (const s of r.steps) {
    lines.push(`step ${s.step} ${s.template}: sent ${s.sent}, clicked ${s.clicked}, redeemed ${s.redeemed}, came back after it ${s.reactivated}, code revenue ${s.revenue} ${c}, incentives ${s.incentiveCost}, sending ${s.sendCost}`);
  }
  if (r.caveats.length) lines.push('how sure these numbers are:', ...r.caveats.map((w) => `- ${w}`));
  return lines;
}
