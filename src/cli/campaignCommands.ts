import path from 'node:path';
import { Command } from 'commander';
import { loadCampaign, loadCampaigns } from '../campaigns/loader';
import { changeRunState, runStatus } from '../campaigns/runControl';
import { loadConfig } from '../config';
import { compileEmail } from '../mail/render';
import { ConflictError } from '../domain/errors';
import { cliActor } from '../audit/auditLog';
import { idOf, withServices } from './context';
import { printJson, printLines, progressLine, withProgress } from './output';

const incidentOption = idOf('--incident');

export function campaignCommands(): Command {
  const campaign = new Command('campaign').description('preview, test, launch and steer win-back and apology campaigns');
  campaign
    .command('validate')
    .description('check a campaign file and compile its emails; errors name the file, line and field')
    .argument('<file>')
    .option('--json', 'print as JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      const { viewsDir } = loadConfig();
      const c = loadCampaign(file, viewsDir);
      // As a send would: MJML, includes, the fields each template and subject may use.
      for (const [i, step] of c.steps.entries()) {
        await compileEmail({ file: c.templateFiles[i], subject: step.subject, apology: c.kind === 'incident' }, { emailsDir: path.join(viewsDir, 'emails') });
      }
      if (opts.json) return printJson({ valid: true, name: c.name, kind: c.kind, steps: c.steps.length });
      printLines(`${file}: valid (${c.kind} campaign "${c.name}", ${c.steps.length} steps)`);
    });
  campaign
    .command('list')
    .description('the campaigns in the campaigns folder')
    .option('--json', 'print as JSON')
    .action((opts: { json?: boolean }) => {
      const config = loadConfig();
      const all = loadCampaigns(config.campaignsDir, config.viewsDir).map((c) => ({ name: c.name, kind: c.kind, description: c.description ?? null, steps: c.steps.length, holdout: c.holdout }));
      if (opts.json) return printJson(all);
      printLines(...all.map((c) => `${c.name.padEnd(24)} ${c.kind.padEnd(9)} ${c.steps} steps  ${c.description ?? ''}`));
    });
  campaign
    .command('preview')
    .description('audience, holdout, budget, expected return and every email for a sample customer; writes nothing')
    .argument('<name>')
    .option('--incident <id>', 'the incident an apology campaign is about', incidentOption)
    .option('--json', 'print as JSON (emails included)')
    .action(async (name: string, opts: { incident?: number; json?: boolean }, cmd: Command) =>
      withServices(cmd, async (s) => {
        const p = await s.campaigns().preview(name, opts.incident);
        if (opts.json) return printJson(p);
        printLines(
          `${p.campaign}: ${p.audience} customers (${p.treated} treated, ${p.holdout} held out)`,
          `budget ${p.budgetTotal} ${p.currency}; expected offer cost ${p.expectedCost}; expected incremental margin ${p.expectedIncrementalMargin}${p.expectedRoi === null ? '' : `; expected ROI ${p.expectedRoi}`}`,
          `budgets on the estimate ${p.budgetTotals.estimate} ${p.currency}, on the lower end of the 90% intervals ${p.budgetTotals.lower === null ? 'unknown (no intervals)' : `${p.budgetTotals.lower} ${p.currency}`}; ${p.budgetBasis} applies (BUDGET_BASIS or the campaign's budget.basis)`,
          ...(p.nobodyToPreview
            ? [`nobody to preview: ${p.nobodyToPreview}`]
            : p.steps.map((st) => (st.subject === null ? `step ${st.step}: nobody in the audience gets this step` : `step ${st.step}: ${st.sendAt ?? 'on demand'}  "${st.subject}"`))),
          ...holdoutLines(p),
        );
      }),
    );
  campaign
    .command('test')
    .description('send every step, rendered for a sample customer, to your own address')
    .argument('<name>')
    .requiredOption('--to <address>', 'where the test emails go')
    .option('--incident <id>', 'the incident an apology campaign is about', incidentOption)
    .option('--json', 'print as JSON')
    .action(async (name: string, opts: { to: string; incident?: number; json?: boolean }, cmd: Command) =>
      withServices(cmd, async (s) => {
        const result = await s.campaigns().test(name, opts.to, opts.incident);
        if (opts.json) return printJson(result);
        printLines(...result.sent.map((r) => `step ${r.step} sent to ${result.to} (${r.file})`));
      }),
    );
  campaign
    .command('launch')
    .description('enrol the audience once, with each customer\'s budget and offer, and schedule step 1')
    .argument('<name>')
    .option('--new-run', 'launch again although the campaign has run before')
    .option('--incident <id>', 'the incident an apology campaign is about', incidentOption)
    .option('--json', 'print as JSON')
    .action(async (name: string, opts: { newRun?: boolean; incident?: number; json?: boolean }, cmd: Command) =>
      withServices(cmd, async (s) => {
        const r = await withProgress(`launch ${name}`, (progress) => s.campaigns().launch(name, { newRun: opts.newRun, incidentId: opts.incident, progress, actor: cliActor() }));
        if (opts.json) return printJson(r);
        printLines(`launched ${name} as run ${r.runId}: ${r.audience} customers, ${r.treated} treated, ${r.holdout} held out`);
      }),
    );
  for (const action of ['pause', 'resume', 'cancel', 'status'] as const) {
    campaign
      .command(action)
      .description(action === 'status' ? 'a run\'s state and each step\'s counts' : `${action} a run`)
      .argument('<run>', 'a run id, or a campaign name for its latest run')
      .option('--json', 'print as JSON')
      .action(async (ref: string, opts: { json?: boolean }, cmd: Command) =>
        withServices(cmd, async (s) => {
          const status = action === 'status' ? await runStatus(s.db, ref) : await changeRunState(s.db, ref, action, s.clock(), cliActor());
          if (opts.json) return printJson(status);
          printLines(
            `run ${status.runId} (${status.campaign}): ${status.state}${status.reason ? ` — ${status.reason}` : ''}; ${status.audience} enrolled, ${status.holdout} held out`,
            ...status.steps.map((st) => `step ${st.step}: ${st.sent} sent, ${st.due} due, ${st.failed} failed, ${st.suppressed} suppressed, ${st.exited} exited, ${st.uncertain} uncertain`),
            ...status.claimed.map((c) => `claimed, not yet settled: ${c.sends} by worker ${c.worker} since ${c.since}${c.leaseUntil ? `, lease until ${c.leaseUntil}` : ''}`),
            ...status.uncertainReasons.map((u) => `uncertain, not sent again: ${u.sends} — ${u.reason}`),
          );
        }),
      );
  }
  return campaign;
}

export function dispatchCommand(): Command {
  return new Command('dispatch')
    .description('send everything due now, once (the scheduler does this every minute under `serve`)')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) =>
      withServices(cmd, async (s) => {
        const progress = progressLine('dispatching', 'sends');
        const summary = await s.dispatcher().dispatchOnce({ onProgress: progress.update }).finally(() => progress.end());
        const r = summary.reconciled;
        if (opts.json) printJson(summary);
        else {
          printLines(
            `sent ${summary.sent}, retrying ${summary.retried}, failed ${summary.failed}, suppressed ${summary.suppressed}, exited ${summary.exited}, deferred ${summary.deferred}`,
            ...(summary.uncertain ? [`uncertain ${summary.uncertain}: the connection went after the whole message was sent (not sent again)`] : []),
            ...(r.sent + r.resend + r.uncertain ? [`after a crash: ${r.sent} confirmed sent, ${r.resend} to resend, ${r.uncertain} uncertain (not resent)`] : []),
          );
        }
        // A paused run needs a person: say which and why, and fail, so a script or cron notices.
        if (summary.paused.length) throw new ConflictError(summary.paused.map((p) => `run ${p.runId} (${p.campaign}) paused: ${p.reason.replace(/\s+/g, ' ')}`).join('; '));
      }),
    );
}

/** What the holdout can tell (issue 12 item 3), in points of reactivation rate. */
function holdoutLines(p: { baselineReactivationRate: number | null; minimumDetectableLift: number | null; holdoutWarning: string | null }): string[] {
  const points = (v: number) => `${(v * 100).toFixed(1)} points`;
  const lines: string[] = [];
  if (p.minimumDetectableLift !== null && p.baselineReactivationRate !== null) {
    lines.push(`the model expects ${(p.baselineReactivationRate * 100).toFixed(1)}% back on their own; the holdout can detect a lift of ${points(p.minimumDetectableLift)} (80% power, alpha 0.05)`);
  }
  if (p.holdoutWarning) lines.push(`warning: ${p.holdoutWarning}`);
  return lines;
}
