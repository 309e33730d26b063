/**
 * `rekindle fit | score | explain | validate`: the lifetime-value engine and the offer advisor.
 * The work is in src/scoring; these parse flags, pick the output (`--json`: one JSON document on
 * stdout; `score --csv`: CSV with a header; otherwise words) and write files.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { InputError } from '../domain/errors';
import type { PurchaseModelKind } from '../domain/purchaseModel';
import { adviseCustomer } from '../scoring/adviceService';
import { validationChart } from '../scoring/chart';
import { fitModels } from '../scoring/fitService';
import { purchaseModelList } from '../scoring/purchaseFits';
import { SCORE_COLUMNS, scoreCustomers, ScoreRow, scoreRows, ScoreRun } from '../scoring/scoreService';
import { calendarDay } from '../scoring/settings';
import { adviceLines, fitLines, scoreLines, validationLines } from '../scoring/text';
import { validateModel } from '../scoring/validateService';
import type { Services } from '../wiring';
import { withServices } from './context';
import { printJson, printLines, withProgress } from './output';
import { csvLine } from '../export/csv';

const timeUnitOption = () => new Option('--time-unit <unit>', 'time unit of the models').choices(['week', 'day']).default('week');
const day = (text: string | undefined, flag: string) => (text === undefined ? undefined : calendarDay(text, flag));

/** A bad `--model` list is a usage error (exit 2), like a bad choice. */
function modelList(text: string): PurchaseModelKind[] {
  try {
    return purchaseModelList(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

export function fitCommand(): Command {
  return new Command('fit')
    .description('fit the purchase and spend models to the orders and store them as a new model version')
    .option('--calibration-end <date>', 'last day of the orders the models learn from (default: the last order day)')
    .addOption(timeUnitOption())
    .addOption(new Option('--model <model>', 'purchase model').choices(['bgnbd', 'pareto-nbd']).default('bgnbd'))
    .option('--json', 'print as JSON')
    .action(async (opts: { calibrationEnd?: string; timeUnit: 'week' | 'day'; model: PurchaseModelKind; json?: boolean }, cmd: Command) => {
      const calibrationEnd = day(opts.calibrationEnd, '--calibration-end');
      await withServices(cmd, async (s) => {
        const fit = await fitModels(s, { calibrationEnd, timeUnit: opts.timeUnit, model: opts.model });
        if (opts.json) return printJson(fit);
        printLines(...fitLines(fit));
      });
    });
}

interface ScoreFlags {
  asOf?: string;
  horizon?: string;
  months?: string;
  discount?: string;
  margin?: string;
  intervals: boolean;
  json?: boolean;
  csv?: boolean;
}

export function scoreCommand(): Command {
  return new Command('score')
    .description('score every customer with the newest model and store the scores under its version')
    .option('--as-of <date>', "count orders up to this day (default: the model's calibration end)")
    .option('--horizon <n>', 'expected purchases over the next N time units (default 52 weeks / 364 days)')
    .option('--months <h>', 'CLV horizon in months (default CLV_MONTHS)')
    .option('--discount <d>', 'discount rate per month (default DISCOUNT_RATE)')
    .option('--margin <g>', 'gross margin rate, 0 to 1 (default GROSS_MARGIN)')
    .option('--no-intervals', "skip the per-customer 90% intervals (the parameters' uncertainty): faster, and BUDGET_BASIS=lower falls back to the estimate")
    .addOption(new Option('--json', 'print every row as one JSON document').conflicts('csv'))
    .addOption(new Option('--csv', 'print every row as CSV with a header').conflicts('json'))
    .action(async (opts: ScoreFlags, cmd: Command) => {
      const asOf = day(opts.asOf, '--as-of');
      await withServices(cmd, async (s) => {
        const run = await withProgress('score', (progress) =>
          scoreCustomers(s, { asOf, horizon: opts.horizon, months: opts.months, discountRate: opts.discount, margin: opts.margin, intervals: opts.intervals, progress }),
        );
        if (opts.json) return writeJson(s, run);
        if (opts.csv) return writeCsv(s, run);
        printLines(...scoreLines(run));
      });
    });
}

export function explainCommand(): Command {
  return new Command('explain')
    .description('the offer advisor: what we may offer one customer, and why, step by step')
    .argument('<customer>', "an email, the shop's customer id, or id:NUMBER")
    .option('--as-of <date>', "count orders up to this day (default: the model's calibration end)")
    .option('--json', 'print as JSON')
    .action(async (customer: string, opts: { asOf?: string; json?: boolean }, cmd: Command) => {
      const asOf = day(opts.asOf, '--as-of');
      await withServices(cmd, async (s) => {
        const advice = await adviseCustomer(s, customer, { asOf });
        if (opts.json) return printJson(advice);
        printLines(...adviceLines(advice));
      });
    });
}

export function validateCommand(): Command {
  return new Command('validate')
    .description('fit on the orders up to a calibration end, predict the rest, and compare with what happened')
    .option('--calibration-end <date>', 'last day the model learns from; later orders are the holdout (default: the last third of the order history is the holdout)')
    .addOption(timeUnitOption())
    .option('--chart <file>', 'where to draw the comparison chart (SVG)', './validate.svg')
    .addOption(new Option('--model <models>', 'purchase models to compare, comma-separated: bgnbd, pareto-nbd').argParser(modelList).default(['bgnbd'], 'bgnbd'))
    .option('--json', 'print as JSON')
    .action(async (opts: { calibrationEnd?: string; timeUnit: 'week' | 'day'; chart: string; model: PurchaseModelKind[]; json?: boolean }, cmd: Command) => {
      const calibrationEnd = day(opts.calibrationEnd, '--calibration-end');
      if (!opts.chart.toLowerCase().endsWith('.svg')) throw new InputError(`"${opts.chart}" must end in .svg`, { field: '--chart' });
      await withServices(cmd, async (s) => {
        const validation = await validateModel(s, { calibrationEnd, timeUnit: opts.timeUnit, models: opts.model });
        const chart = path.resolve(opts.chart);
        try {
          writeFileSync(chart, validationChart(validation));
        } catch (error) {
          throw new InputError(`cannot write the chart: ${(error as Error).message}`, { field: '--chart' });
        }
        if (opts.json) return printJson({ ...validation, chart });
        const split = validation.split === 'last-third'
          ? [`No --calibration-end given: fitted on the first two thirds of the order history (${validation.dataFrom} to ${validation.calibrationEnd}); the last third (to ${validation.holdoutEnd}) is the holdout.`]
          : [];
        printLines(...split, ...validationLines(validation, chart));
      });
    });
}

/**
 * stdout for a million rows: waits for the pipe to drain instead of piling rows up in memory,
 * and stops quietly when the reader goes away (`rekindle score --csv | head`).
 */
class RowOutput {
  private failure: Error | undefined;
  closed = false;

  constructor() {
    // Kept for the life of the process: a late EPIPE with no listener would crash it.
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      this.closed = true;
      if (error.code !== 'EPIPE') this.failure = error;
    });
  }

  async write(text: string): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.closed || process.stdout.write(text)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        process.stdout.off('drain', done).off('error', done);
        resolve();
      };
      process.stdout.once('drain', done).once('error', done);
    });
  }
}

async function writeJson(s: Services, run: ScoreRun): Promise<void> {
  const out = new RowOutput();
  const { table: _table, ...settings } = run;
  const head = JSON.stringify({ ...settings, customers: run.table.length }, null, 2);
  await out.write(`${head.slice(0, -2)},\n  "rows": [`);
  let first = true;
  for await (const row of scoreRows(s.db, run)) {
    if (out.closed) return;
    await out.write(`${first ? '\n' : ',\n'}    ${JSON.stringify(row)}`);
    first = false;
  }
  await out.write(`${first ? '' : '\n  '}]\n}\n`);
}

async function writeCsv(s: Services, run: ScoreRun): Promise<void> {
  const out = new RowOutput();
  await out.write(SCORE_COLUMNS.join(',') + '\n');
  let lines: string[] = [];
  for await (const row of scoreRows(s.db, run)) {
    if (out.closed) return;
    lines.push(csvLine(SCORE_COLUMNS.map((column) => row[column])));
    if (lines.length === 1000) {
      await out.write(lines.join('\n') + '\n');
      lines = [];
    }
  }
  if (lines.length > 0) await out.write(lines.join('\n') + '\n');
}
