/**
 * `rekindle demo`: the whole job on the embedded default, on the bundled CDNOW sample — import,
 * fit and score, preview and launch the nostalgia win-back campaign, then play its four weeks
 * forward into the outbox. Safe to run again: the import is idempotent and an existing run is
 * played on, not launched twice.
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

const SAMPLE = path.join(PROJECT_ROOT, 'samples/cdnow/CDNOW_sample.txt');
const CAMPAIGN = 'nostalgia-winback';
/** The CDNOW log ends on 1998-06-30: the demo's campaign starts the next morning. */
const START = new Date('1998-07-01T09:30:00Z');
const DAY = 86_400_000;

export function demoCommand(): Command {
  return new Command('demo')
    .description('import the bundled CDNOW sample, fit, score, launch the win-back campaign and play it forward into the outbox')
    .option('--json', 'print the summary as JSON')
    .action(async (opts: { json?: boolean }) => {
      let now = START;
      const config = loadConfig();
      const services = await wire({ ...config, shop: { ...config.shop, currency: 'USD' } }, { clock: () => now });
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
        const dispatcher = services.dispatcher();
        let sent = 0;
        for (let day = 0; day <= 28; day++) {
          now = new Date(START.getTime() + day * DAY);
          sent += (await dispatcher.dispatchOnce()).sent;
        }
        const status = await runStatus(services.db, CAMPAIGN);
        const summary = { stats: await shopStats(services.db), model: fit, preview: { ...preview, steps: undefined }, run: status, emailsSent: sent, outbox: path.resolve(config.outboxDir, CAMPAIGN) };
        if (opts.json) return printJson(summary);
        printLines(
          `Rekindle demo on the CDNOW sample (${summary.stats.customers} customers, ${summary.stats.orders} orders, USD ${summary.stats.netRevenue.USD})`,
          `Campaign ${CAMPAIGN}, run ${status.runId}: ${status.audience} enrolled, ${status.holdout} held out, state ${status.state}`,
          ...status.steps.map((s) => `  step ${s.step}: ${s.sent} sent, ${s.exited} exited, ${s.suppressed} suppressed`),
          `${sent} emails written this time to ${summary.outbox}`,
        );
      } finally {
        await services.close();
      }
    });
}
