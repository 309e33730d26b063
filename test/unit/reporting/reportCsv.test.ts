/**
 * The report as CSV: one row per step and a total row, money as plain decimal numbers (negative
 * ones too), empty cells for figures that cannot be computed, and any text cell a spreadsheet
 * would run as a formula escaped.
 */
import { reportCsv } from '../../../src/reporting/reportCsv';
import type { RunReport, StepReport } from '../../../src/reporting/reportTypes';

const aStep = (step: number, template: string): StepReport => ({
  step, template, sent: 10 * step, delivered: 9 * step, bounced: step, opened: 4, clicked: 2, redeemed: 1, reactivated: step,
  revenue: '42.50', margin: '17.00', incentiveCost: '7.50', sendCost: '0.50',
});

function aReport(overrides: Partial<RunReport> = {}): RunReport {
  return {
    runId: 7, campaign: 'nostalgia-winback', currency: 'EUR',
    window: { from: '2025-06-02T08:00:00.000Z', to: '2025-08-01T08:00:00.000Z', open: false },
    audience: 110, treated: 100, holdout: 10, sent: 30, delivered: 27, bounced: 3, opened: 8, clicked: 4, redeemed: 2,
    reactivated: { treated: 3, holdout: 1 }, revenue: '85.00', margin: '34.00', holdoutRevenue: '20.00', holdoutMargin: '8.00', marginRate: 0.4,
    incentiveCost: '15.00', sendCost: '1.50', incrementalReactivations: -7,
    incrementalReactivationRate: { estimate: -0.07, ci95: [-0.3, 0.02] },
    incrementalMargin: { estimate: '-46.00', ci95: [null, null] },
    roi: -2.93, costPerWinBack: null, cac: '30.00',
    predictedVsActual: { treated: { customers: 100, predictedPurchases: 4.2, actualPurchases: 4 }, holdout: { customers: 10, predictedPurchases: 0.4, actualPurchases: 1 } },
    steps: [aStep(1, 'nostalgia-winback/1-we-miss-you'), aStep(2, '=HYPERLINK("http://evil")')],
    caveats: ['the holdout has 10 customers'],
    ...overrides,
  };
}

describe('the report as CSV', () => {
  it('has a header, one row per step and a total row', () => {
    const lines = reportCsv(aReport()).trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(
      'run_id,campaign,row,step,template,currency,audience,treated,holdout,sent,delivered,bounced,opened_unreliable,clicked,redeemed,reactivated_treated,reactivated_holdout,' +
        'revenue,margin,incentive_cost,send_cost,incremental_reactivation_rate,incremental_reactivation_rate_ci95_low,incremental_reactivation_rate_ci95_high,' +
        'incremental_margin,incremental_margin_ci95_low,incremental_margin_ci95_high,roi,cost_per_win_back,cac,window_from,window_to,window_open',
    );
    expect(lines[1]).toBe('7,nostalgia-winback,step,1,nostalgia-winback/1-we-miss-you,EUR,,,,10,9,1,4,2,1,1,,42.50,17.00,7.50,0.50,,,,,,,,,,,,');
    expect(lines[3]).toBe(
      '7,nostalgia-winback,total,,,EUR,110,100,10,30,27,3,8,4,2,3,1,85.00,34.00,15.00,1.50,-0.07,-0.3,0.02,-46.00,,,-2.93,,30.00,2025-06-02T08:00:00.000Z,2025-08-01T08:00:00.000Z,false',
    );
  });

  it('escapes a text cell a spreadsheet would run, and keeps negative numbers numbers', () => {
    const lines = reportCsv(aReport()).split('\n');
    expect(lines[2]).toContain(`,"'=HYPERLINK(""http://evil"")",`);
    expect(lines[3]).toContain(',-46.00,');
  });
});
