import { Command } from 'commander';
import { createIncident, incidentScope, postIncidentMessage } from '../campaigns/incidentService';
import { idOf, withServices } from './context';
import { printJson, printLines } from './output';

const incidentId = idOf('ID');

export function incidentCommands(): Command {
  const incident = new Command('incident').description('record what went wrong, who it harmed, and keep them informed');
  incident
    .command('create')
    .description('record an incident and the customers it affected')
    .requiredOption('--title <title>', 'a short name, e.g. "the late deliveries in March"')
    .requiredOption('--description <text>', 'what happened, in your own active words')
    .option('--plan <text>', 'what you are doing about it, and by when')
    .requiredOption('--make-good <amount|percent>', 'what each customer is owed: 12.40, or 50% of their harmed amount')
    .requiredOption('--affected <file>', 'one email, order id or Shopify order name (#1043) per line, optionally `,harmed amount`')
    .option('--json', 'print as JSON')
    .action(async (opts: { title: string; description: string; plan?: string; makeGood: string; affected: string; json?: boolean }, cmd: Command) =>
      withServices(cmd, async (s) => {
        const r = await createIncident(s.db, {
          title: opts.title, description: opts.description, plan: opts.plan, makeGood: opts.makeGood, affectedFile: opts.affected, currency: s.config.shop.currency, now: s.clock(),
        });
        if (opts.json) return printJson(r);
        printLines(`incident ${r.id}: ${r.affected} customers affected, harm recorded ${r.harmed} ${s.config.shop.currency}`, `next: rekindle campaign preview incident-apology --incident ${r.id}`);
      }),
    );
  for (const kind of ['update', 'resolve'] as const) {
    incident
      .command(kind)
      .description(kind === 'update' ? 'tell everyone affected how the fix is going' : 'close the incident and tell everyone what changed')
      .argument('<id>', 'incident id', incidentId)
      .requiredOption('--message <text>', kind === 'update' ? 'the progress, in plain words' : 'what changed so it never happens again')
      .option('--json', 'print as JSON')
      .action(async (id: number, opts: { message: string; json?: boolean }, cmd: Command) =>
        withServices(cmd, async (s) => {
          const r = await postIncidentMessage(s.db, id, kind === 'update' ? 'update' : 'resolution', opts.message, s.clock());
          if (opts.json) return printJson({ incidentId: id, ...r });
          printLines(`incident ${id}: ${kind === 'update' ? 'update' : 'closing email'} queued for ${r.queued} customers; \`rekindle dispatch\` or the scheduler sends it`);
        }),
      );
  }
  incident
    .command('show')
    .description('an incident\'s scope: customers affected, harm, make-good, updates, runs')
    .argument('<id>', 'incident id', incidentId)
    .option('--json', 'print as JSON')
    .action(async (id: number, opts: { json?: boolean }, cmd: Command) =>
      withServices(cmd, async (s) => {
        const r = await incidentScope(s.db, id);
        if (opts.json) return printJson(r);
        printLines(
          `incident ${r.id} (${r.status}): ${r.title}`,
          `what happened: ${r.description}`,
          `affected: ${r.affected} customers; harm ${r.harmed} ${r.currency}; make-good ${r.makeGood}`,
          ...r.updates.map((u: { kind: string; at: string; message: string }) => `${u.at} ${u.kind}: ${u.message}`),
          ...r.runs.map((run: { runId: number; campaign: string; state: string }) => `run ${run.runId} ${run.campaign}: ${run.state}`),
        );
      }),
    );
  return incident;
}
