/** `rekindle digest --to ADDRESS`: the owners' digest on demand (`serve` sends it weekly to DIGEST_TO). */
import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { ConflictError, InputError } from '../domain/errors';
import { sendDigest } from '../reporting/digestMail';
import { withServices } from './context';
import { printJson, printLines } from './output';

const ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function digestCommand(): Command {
  return new Command('digest')
    .description('email the owners\' digest now: running and recent campaigns, feedback waiting, where to read more (serve sends it every Monday 08:00 to DIGEST_TO)')
    .requiredOption('--to <address>', 'who gets it; several comma-separated')
    .option('--json', 'print as JSON')
    .action(async (opts: { to: string; json?: boolean }, cmd: Command) =>
      withServices(cmd, async (services) => {
        const to = opts.to.split(',').map((a) => a.trim()).filter(Boolean);
        const bad = to.find((a) => !ADDRESS.test(a)) ?? (to.length ? undefined : opts.to);
        if (bad !== undefined) throw new InputError(`"${bad}" is not an email address like owner@shop.example`, { field: '--to' });
        // On demand is every time it is asked for: a fresh id, never the week's.
        const at = services.clock().toISOString().replace(/[-:]|\.\d+/g, '');
        const outcome = await sendDigest(services, to, `on-demand-${at}-${randomBytes(3).toString('hex')}`);
        if (outcome.status === 'failed') throw new ConflictError(`the digest could not be sent: ${outcome.failure.reason}`);
        if (opts.json) return printJson({ to, messageId: outcome.messageId, detail: outcome.detail });
        printLines(`digest sent to ${to.join(', ')} (${outcome.detail})`);
      }),
    );
}
