/**
 * The shape of a run's ROI report (issue 12): what `rekindle report --json`, `GET /api/runs/:id/report`,
 * the weekly digest and the demo all print. Money is a decimal string in the run's currency, rates
 * are fractions 0-1, and a figure that cannot be computed is null — never a made-up number.
 */

/** An estimate with its 95% interval; both ends null when the interval cannot be computed honestly. */
export interface Estimate {
  estimate: string | number | null;
  ci95: [string | number | null, string | number | null];
}

export interface ReactivationCounts {
  treated: number;
  holdout: number;
}

/** The stored model's expectation over the window against what customers did. */
export interface PredictedVsActual {
  treated: GroupPrediction;
  holdout: GroupPrediction;
}

export interface GroupPrediction {
  customers: number;
  predictedPurchases: number | null;
  actualPurchases: number;
}

/** What happened to the emails, for a step or a whole run. */
export interface Funnel {
  sent: number;
  delivered: number;
  bounced: number;
  /** Unreliable since mail privacy proxies open every message: shown, never used for decisions. */
  opened: number;
  clicked: number;
  redeemed: number;
}

export interface StepReport extends Funnel {
  step: number;
  template: string;
  /** Treated customers reactivated whose first order in the window came after this step's send. */
  reactivated: number;
  /** Net revenue of orders carrying a code this step's offer issued. */
  revenue: string;
  margin: string;
  incentiveCost: string;
  sendCost: string;
}

export interface RunReport extends Funnel {
  runId: number;
  campaign: string;
  currency: string;
  window: { from: string; to: string; open: boolean };
  audience: number;
  treated: number;
  holdout: number;
  reactivated: ReactivationCounts;
  /** Net revenue of the treated customers' orders in the window. */
  revenue: string;
  margin: string;
  /** The same for the held-out customers: what came back without the campaign. */
  holdoutRevenue: string;
  holdoutMargin: string;
  /** GROSS_MARGIN or the campaign's override. */
  marginRate: number;
  incentiveCost: string;
  sendCost: string;
  /** (treated rate − holdout rate) × treated: the win-backs the campaign caused; null without a holdout. */
  incrementalReactivations: number | null;
  incrementalReactivationRate: Estimate;
  incrementalMargin: Estimate;
  roi: number | null;
  costPerWinBack: string | null;
  cac: string;
  predictedVsActual: PredictedVsActual;
  steps: StepReport[];
  caveats: string[];
}
