/** `rekindle customer export|forget EMAIL` and `rekindle audit`: what is held about a person, its erasure, and who did what. */
import { Command } from 'commander';
import { cliActor, listAudit } from '../audit/auditLog';
import { ConflictError } from '../domain/errors';
import { exportCustomer, forgetCustomer } from '../privacy/customerRecords';
import { countOf, withServices } from './context';
import { printJson, printLines } from './output';

const DEFAULT_AUDIT_LIMIT = 50;

export function customerCommands(): Command {
  const customer = new Command('customer').description('what is held about one person, and erasing it on request');
  customer
    .command('export')
    .description('everything held about the customer(s) with this address, as one JSON document')
    .argument('<email>')
    .option('--json', 'print as JSON (the export is always JSON)')
    .action(async (email: string, _opts: { json?: boolean }, cmd: Command) =>
      withServices(cmd, async (s) => printJson(await exportCustomer(s, email, cliActor()))),
    );
  customer
    .command('forget')
    .description('erase the person (address, names, their words) keeping anonymous figures, and never email the address again')
    .argument('<email>')
    .option('--yes', 'really erase: this cannot be undone')
    .option('--json', 'print as JSON')
    .action(async (email: string, opts: { yes?: boolean; json?: boolean }, cmd: Command) =>
      withServices(cmd, async (s) => {
        if (!opts.yes) throw new ConflictError(`forget erases what is held about ${email} for good; run again with --yes to do it`);
        const result = await forgetCustomer(s, email, cliActor());
        if (opts.json) return printJson(result);
        const changed = Object.entries(result.erased).filter(([, n]) => n > 0).map(([table, n]) => `${table} ${n}`).join(', ');
        printLines(
          result.customerIds.length ? `forgot customer ${result.customerIds.join(', ')} (${changed || 'nothing else held'})` : `no customer has ${result.email}`,
          'the address is kept only as a keyed hash on the suppression list: it will never be emailed again',
        );
      }),
    );
  return customer;
}

export function auditCommand(): Command {
  return new Command('audit')
    .description('who imported, launched, paused, resumed, cancelled, exported, forgot, and created or revoked keys; newest first')
    .option('--limit <n>', `the newest N entries (default ${DEFAULT_AUDIT_LIMIT})`, countOf('--limit', 'entries'), DEFAULT_AUDIT_LIMIT)
    .option('--json', 'print as JSON: an array of {id, at, actor, action, subject, detail}')
    .action(async (opts: { limit: number; json?: boolean }, cmd: Command) =>
      withServices(cmd, async (s) => {
        const entries = await listAudit(s.db, opts.limit);
        if (opts.json) return printJson(entries);
        if (!entries.length) return printLines('The audit log is empty.');
        printLines(...entries.map((e) => `${e.at}  ${e.actor}  ${e.action.padEnd(10)}  ${e.subject}${e.detail ? `  ${JSON.stringify(e.detail)}` : ''}`));
      }),
    );
}
