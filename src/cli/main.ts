#!/usr/bin/env node
/**
 * `rekindle`: exit 0 on success, 1 for bad input or a refused operation (one line on stderr
 * naming the file, line and field), 2 for a usage error.
 */
import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { RekindleError } from '../domain/errors';
import { backupCommand, keysCommands, statsCommand } from './adminCommands';
import { importCommands } from './importCommands';
import { serveCommand } from './serveCommand';
import { reportCommand } from './reportCommand';
import { demoCommand } from './demoCommand';
import { digestCommand } from './digestCommand';
import { campaignCommands, dispatchCommand } from './campaignCommands';
import { incidentCommands } from './incidentCommands';
import { feedbackCommands } from './feedbackCommands';
import { userCommands } from './userCommands';
import { auditCommand, customerCommands } from './privacyCommands';
import { explainCommand, fitCommand, scoreCommand, validateCommand } from './modelCommands';

export function buildProgram(): Command {
  const program = new Command('rekindle')
    .description('Win lapsed customers back: what each is worth spending on, apology campaigns, honest ROI.')
    .option('--now <iso>', 'run as if the time were this (ISO 8601); the clock runs on from there')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  for (const sub of [importCommands(), statsCommand(), keysCommands(), fitCommand(), scoreCommand(), explainCommand(), validateCommand(), campaignCommands(), dispatchCommand(), incidentCommands(), serveCommand(), demoCommand()]) program.addCommand(sub);
  program.addCommand(feedbackCommands());
  program.addCommand(reportCommand());
  program.addCommand(digestCommand());
  program.addCommand(userCommands());
  program.addCommand(customerCommands());
  program.addCommand(auditCommand());
  program.addCommand(backupCommand());
  program.addCommand(require('./workerCommand').workerCommand());
  const exitOverride = (cmd: Command) => {
    cmd.exitOverride();
    cmd.commands.forEach(exitOverride);
  };
  exitOverride(program);
  return program;
}

async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof RekindleError) {
      process.stderr.write(`rekindle: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(`rekindle: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv).then((code) => {
    // `serve` keeps the process alive by its open server; everything else ends here.
    if (code !== 0 || !process.argv.includes('serve')) process.exitCode = code;
  });
}
