#!/usr/bin/env node
/**
 * `rekindle`: exit 0 on success, 1 for bad input or a refused operation (one line on stderr
 * naming the file, line and field), 2 for a usage error.
 */
import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { databaseUnavailable } from '../db/unavailable';
import { RekindleError } from '../domain/errors';

/**
 * Each command's module, loaded only when that command runs: importing every module cost about
 * a second of a short command's start (TypeORM, express, mjml and the rest all loaded for
 * `score`). In the order `--help` lists them.
 */
const COMMANDS: Record<string, () => Command> = {
  import: () => (require('./importCommands') as typeof import('./importCommands')).importCommands(),
  stats: () => (require('./adminCommands') as typeof import('./adminCommands')).statsCommand(),
  keys: () => (require('./adminCommands') as typeof import('./adminCommands')).keysCommands(),
  fit: () => (require('./modelCommands') as typeof import('./modelCommands')).fitCommand(),
  score: () => (require('./modelCommands') as typeof import('./modelCommands')).scoreCommand(),
  explain: () => (require('./modelCommands') as typeof import('./modelCommands')).explainCommand(),
  validate: () => (require('./modelCommands') as typeof import('./modelCommands')).validateCommand(),
  campaign: () => (require('./campaignCommands') as typeof import('./campaignCommands')).campaignCommands(),
  dispatch: () => (require('./campaignCommands') as typeof import('./campaignCommands')).dispatchCommand(),
  incident: () => (require('./incidentCommands') as typeof import('./incidentCommands')).incidentCommands(),
  serve: () => (require('./serveCommand') as typeof import('./serveCommand')).serveCommand(),
  demo: () => (require('./demoCommand') as typeof import('./demoCommand')).demoCommand(),
  feedback: () => (require('./feedbackCommands') as typeof import('./feedbackCommands')).feedbackCommands(),
  report: () => (require('./reportCommand') as typeof import('./reportCommand')).reportCommand(),
  digest: () => (require('./digestCommand') as typeof import('./digestCommand')).digestCommand(),
  users: () => (require('./userCommands') as typeof import('./userCommands')).userCommands(),
  customer: () => (require('./privacyCommands') as typeof import('./privacyCommands')).customerCommands(),
  audit: () => (require('./privacyCommands') as typeof import('./privacyCommands')).auditCommand(),
  backup: () => (require('./adminCommands') as typeof import('./adminCommands')).backupCommand(),
  worker: () => (require('./workerCommand') as typeof import('./workerCommand')).workerCommand(),
};

/** The command named on the line (skipping the global `--now <iso>`), or undefined for help, a typo or none. */
export function commandNamed(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--now') i++;
    else if (!args[i].startsWith('-')) return Object.hasOwn(COMMANDS, args[i]) ? args[i] : undefined;
  }
  return undefined;
}

/** With `argv`, only the command it names is loaded (all of them for help or an unknown name). */
export function buildProgram(argv?: readonly string[]): Command {
  const program = new Command('rekindle')
    .description('Win lapsed customers back: what each is worth spending on, apology campaigns, honest ROI.')
    .option('--now <iso>', 'run as if the time were this (ISO 8601); the clock runs on from there')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  const named = argv && commandNamed(argv.slice(2));
  for (const name of named ? [named] : Object.keys(COMMANDS)) program.addCommand(COMMANDS[name]());
  const exitOverride = (cmd: Command) => {
    cmd.exitOverride();
    cmd.commands.forEach(exitOverride);
  };
  exitOverride(program);
  return program;
}

async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram(argv).parseAsync(argv);
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
    const unavailable = databaseUnavailable(error);
    if (unavailable) {
      process.stderr.write(`rekindle: ${unavailable}\n`);
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
