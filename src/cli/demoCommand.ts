/**
 * `rekindle demo`: the whole job on the embedded default, on the bundled CDNOW sample — import,
 * fit and score, preview and launch the nostalgia win-back campaign, play its four weeks
 * forward into the outbox while simulated customers open, click, redeem and order through the
 * app's real routes, then print the ROI report. Safe to run again: the import is idempotent, an
 * existing run is played on, not launched twice, and orders already placed are not placed again.
 */
import path from 'node:path';
import { Command } from 'commander';
import { loadConfig, PROJECT_ROOT } from '../config';
import { shopStats } from '../db/stats';
import { runStatus } from '../campaigns/runControl';
import { importCustomersFile, importOrdersFile } from '../import/fileImport';
import { fitModels } from '../scoring/fitService';
import { wire } from '../wiring';
import { printJson, printLines } from './output';
import { InputError } from '../domain/errors';
import { simulateCustomers } from '../demo/simulateRun';
import { reportTable } from '../demo/reportTable';

const SAMPLE = path.join(PROJECT_ROOT, 'samples/cdnow/CDNOW_sample.txt');
const CAMPAIGN = 'nostalgia-winback';
/** The CDNOW log ends on 1998-06-30: the demo's campaign starts the next morning. */
const START = new Date('1998-07-01T09:30:00Z');
const DEFAULT_SEED = 1998;

export function demoCommand(): Command {
  return new Command('demo')
    .description('import the bundled CDNOW sample, fit, score, launch the win-back campaign, play it forward with simulated customers and print the ROI report')
    .option('--json', 'print the summary as JSON')
    .option('--seed <n>', 'seed of the simulated customers (a whole number)', seedOf, DEFAULT_SEED)
    .action(async (opts: { json?: boolean; seed: number }) => {
      let now = START;
      const config = loadConfig();
      // Always the outbox: the sample's customers are example.com addresses, never worth an SMTP call.
      const services = await wire({ ...config, smtpUrl: undefined, shop: { ...config.shop, currency: 'USD' } }, { clock: () => now });
      const say = (line: string) => opts.json || process.stderr.write(`${line}\n`);
      try {
        const imported = await importOrdersFile(SAMPLE, 'cdnow', { db: services.db, clock: services.clock, shop: services.config.shop });
        say(`imported ${imported.rows} CDNOW orders (${imported.orders.inserted} new)`);
        // CDNOW has no names: generated first names (scripts/cdnow-first-names.js), so the emails greet people.
        await importCustomersFile(path.join(PROJECT_ROOT, 'samples/cdnow/customers.csv'), 'generic', { db: services.db, clock: services.clock, shop: services.config.shop });
        const fit = await fitModels(services, {});
        say(`fitted model ${fit.modelVersion}: r=${fit.bgnbd.r} alpha=${fit.bgnbd.alpha} a=${fit.bgnbd.a} b=${fit.bgnbd.b}`);
        const campaigns = services.campaigns();
        const preview = await campaigns.preview(CAMPAIGN);
        say(`preview: ${preview.audience} lapsed customers, ${preview.holdout} held out, budget ${preview.budgetTotal} ${preview.currency}`);
        const [{ runs }] = await services.db.reader.query(`SELECT COUNT(*) AS runs FROM campaign_runs WHERE campaign = '${CAMPAIGN}'`);
        if (Number(runs) === 0) say(`launched run ${(await campaigns.launch(CAMPAIGN, {})).runId}`);
        const { runId } = await runStatus(services.db, CAMPAIGN);
        const simulation = await simulateCustomers(services, {
          runId, seed: opts.seed, start: START, days: 28, setNow: (at) => (now = at), say,
        });
        const status = await runStatus(services.db, CAMPAIGN);
        const { report, simulated, played } = simulation;
        const summary = {
          stats: await shopStats(services.db), model: fit, preview: { ...preview, steps: undefined }, run: status, emailsSent: played.emailsSent,
          outbox: path.resolve(config.outboxDir, CAMPAIGN), runId, report, simulated,
        };
        if (opts.json) return printJson(summary);
        printLines(
          `Rekindle demo on the CDNOW sample (${summary.stats.customers} customers, ${summary.stats.orders} orders, USD ${summary.stats.netRevenue.USD})`,
          `Campaign ${CAMPAIGN}, run ${status.runId}: ${status.audience} enrolled, ${status.holdout} held out, state ${status.state}`,
          ...status.steps.map((s) => `  step ${s.step}: ${s.sent} sent, ${s.exited} exited, ${s.suppressed} suppressed`),
          `${played.emailsSent} emails written this time to ${summary.outbox}`,
          `Simulated customers (seed ${simulated.seed}): ${played.ordered} orders placed this time, ${played.redeemed} of them with a code`,
          '',
          ...reportTable(report),
          '',
          `The simulation's truth: the campaign added ${(simulated.trueUplift * 100).toFixed(1)} points to the reactivation rate`,
          `(treated ${(simulated.treatedRate * 100).toFixed(1)}%, held out ${(simulated.holdoutRate * 100).toFixed(1)}%); the interval above should contain it 95 times in 100 seeds.`,
        );
      } finally {
        await services.close();
      }
    });
}

function seedOf(value: string): number {
  if (!/^\d{1,10}$/.test(value) || Number(value) > 0xffffffff) throw new InputError(`"${value}" is not a seed; give a whole number from 0 to 4294967295`, { field: '--seed' });
  return Number(value);
}
