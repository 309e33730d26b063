import { Command, Option } from 'commander';
import { API_ROLES } from '../auth/apiKeys';
import { cliActor } from '../audit/auditLog';
import type { ApiRole } from '../db/entities/ApiKey';
import { backupDatabase } from '../db/backup';
import { shopStats } from '../db/stats';
import { NotFoundError } from '../domain/errors';
import { withServices } from './context';
import { printJson, printLines } from './output';

export function statsCommand(): Command {
  return new Command('stats')
    .description('what is in the database: customers, orders, net revenue per currency')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) =>
      withServices(cmd, async (s) => {
        const stats = await shopStats(s.db);
        if (opts.json) return printJson(stats);
        const revenue = Object.entries(stats.netRevenue).map(([c, v]) => `${c} ${v}`).join(', ') || 'none';
        printLines(
          `customers: ${stats.customers}`,
          `orders: ${stats.orders} (${stats.excludedOrders} cancelled or refunded in full)`,
          `net revenue: ${revenue}`,
          `orders from ${stats.firstOrderAt ?? '-'} to ${stats.lastOrderAt ?? '-'}`,
        );
      }),
    );
}

export function keysCommands(): Command {
  const keys = new Command('keys').description('API keys for the checkout, scripts and the console');
  keys
    .command('create')
    .description('create a key; it is printed once and stored hashed')
    .addOption(new Option('--role <role>', 'what the key may do').choices(API_ROLES as string[]).makeOptionMandatory())
    .option('--label <label>', 'a note to recognise the key by')
    .option('--json', 'print {id, role, key} as JSON')
    .action(async (opts: { role: ApiRole; label?: string; json?: boolean }, cmd: Command) =>
      withServices(cmd, async (s) => {
        const created = await s.apiKeys.create(opts.role, opts.label, cliActor());
        if (opts.json) return printJson(created);
        printLines(`${created.key}`, `(id ${created.id}, role ${created.role}; shown once: store it now)`);
      }),
    );
  keys
    .command('list')
    .description('list keys (never the secrets)')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) =>
      withServices(cmd, async (s) => {
        const rows = (await s.apiKeys.list()).map((k) => ({ id: k.id, role: k.role, label: k.label, createdAt: k.createdAt, revokedAt: k.revokedAt }));
        if (opts.json) return printJson(rows);
        printLines(...rows.map((k) => `${k.id}  ${k.role.padEnd(8)}  ${k.revokedAt ? 'revoked' : 'active '}  ${k.label ?? ''}`));
      }),
    );
  keys
    .command('revoke')
    .description('revoke a key by id')
    .argument('<id>')
    .option('--json', 'print as JSON')
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) =>
      withServices(cmd, async (s) => {
        if (!(await s.apiKeys.revoke(id, cliActor()))) throw new NotFoundError(`no active key with id ${id}`);
        if (opts.json) return printJson({ id, revoked: true });
        printLines(`revoked ${id}`);
      }),
    );
  return keys;
}

export function backupCommand(): Command {
  return new Command('backup')
    .description('copy the SQLite database, consistent, while it is in use (PostgreSQL: pg_dump)')
    .argument('<file>', 'the new file to write; never overwritten')
    .option('--json', 'print {file, bytes, tookMs} as JSON')
    .action(async (file: string, opts: { json?: boolean }, cmd: Command) =>
      withServices(cmd, async (s) => {
        const result = await backupDatabase(s.db, file);
        if (opts.json) return printJson(result);
        printLines(`backed up to ${result.file} (${result.bytes} bytes, ${result.tookMs} ms)`);
      }),
    );
}
