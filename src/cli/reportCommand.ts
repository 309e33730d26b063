import { Command } from 'commander';
import { reportCsv } from '../reporting/reportCsv';
import { reportText } from '../reporting/reportText';
import { runReport } from '../reporting/runReport';
import { withServices } from './context';
import { printJson, printLines } from './output';

export function reportCommand(): Command {
  return new Command('report')
    .description("the owner's ROI report of a run: sent and spent, who came back, and what came back because of the campaign, against the holdout")
    .argument('<run>', 'a run id, or a campaign name for its latest run')
    .option('--json', 'print as JSON')
    .option('--csv', 'print as CSV: a row per step and a total row')
    .action(async (ref: string, opts: { json?: boolean; csv?: boolean }, cmd: Command) => {
      if (opts.json && opts.csv) cmd.error('rekindle report: give --json or --csv, not both', { exitCode: 2, code: 'rekindle.usage' });
      await withServices(cmd, async (s) => {
        const report = await runReport(s, ref);
        if (opts.json) return printJson(report);
        if (opts.csv) return void process.stdout.write(reportCsv(report));
        printLines(...reportText(report));
      });
    });
}
