import path from 'node:path';
import { Command, Option } from 'commander';
import { cliActor } from '../audit/auditLog';
import { importCustomersFile, importOrdersFile } from '../import/fileImport';
import { withServices } from './context';
import { printJson, printLines, progressLine } from './output';

export function importCommands(): Command {
  const command = new Command('import').description('import customers and orders from a file (all or nothing, idempotent)');
  command
    .command('orders')
    .description('import an order history: generic CSV, a Shopify orders export, or the CDNOW log')
    .argument('<file>', 'the file to import')
    .addOption(new Option('--format <format>', 'input format').choices(['generic', 'shopify', 'cdnow']).default('generic'))
    .option('--dry-run', 'check and count everything, write nothing')
    .option('--json', 'print the summary as JSON')
    .action(async (file: string, opts: { format: 'generic' | 'shopify' | 'cdnow'; dryRun?: boolean; json?: boolean }, cmd: Command) =>
      withServices(cmd, async (s) => {
        const progress = progressLine(`importing ${path.basename(file)}`);
        const result = await importOrdersFile(file, opts.format, {
          db: s.db, clock: s.clock, shop: s.config.shop, dryRun: opts.dryRun, onProgress: progress.update, actor: cliActor(),
        });
        progress.end();
        if (opts.json) return printJson(result);
        const o = result.orders;
        printLines(
          `${opts.dryRun ? 'Dry run (nothing written): ' : ''}${result.rows} rows read from ${file}`,
          `orders: ${o.inserted} new, ${o.updated} changed, ${o.unchanged} unchanged`,
          `customers: ${result.customers.inserted} new, ${result.customers.updated} changed`,
          `excluded from revenue: ${result.excluded.cancelled} cancelled, ${result.excluded.refunded} refunded in full; ${result.excluded.duplicates} repeated rows`,
        );
      }),
    );
  command
    .command('customers')
    .description('import customers (names, emails, marketing consent) from a generic or Shopify customers CSV')
    .argument('<file>', 'the file to import')
    .addOption(new Option('--format <format>', 'input format').choices(['generic', 'shopify']).default('generic'))
    .option('--dry-run', 'check and count everything, write nothing')
    .option('--json', 'print the summary as JSON')
    .action(async (file: string, opts: { format: 'generic' | 'shopify'; dryRun?: boolean; json?: boolean }, cmd: Command) =>
      withServices(cmd, async (s) => {
        const result = await importCustomersFile(file, opts.format, { db: s.db, clock: s.clock, shop: s.config.shop, dryRun: opts.dryRun, actor: cliActor() });
        if (opts.json) return printJson(result);
        printLines(
          `${opts.dryRun ? 'Dry run (nothing written): ' : ''}${result.rows} rows read from ${file}`,
          `customers: ${result.customers.inserted} new, ${result.customers.updated} changed`,
        );
      }),
    );
  return command;
}
