import { setTimeout as delay } from 'node:timers/promises';
import { Command } from 'commander';
import type { DispatchSummary } from '../campaigns/dispatcher';
import { loadConfig } from '../config';
import { InputError } from '../domain/errors';
import { wire } from '../wiring';
import { clockFrom } from './context';
import { STOP_WAIT_MS } from './stopWait';

const seconds = (field: string) => (value: string): number => {
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0) throw new InputError(`"${value}" is not a number of seconds above 0`, { field });
  return Number(value);
};

const count = (field: string) => (value: string): number => {
  if (!/^\d+$/.test(value)) throw new InputError(`"${value}" is not a whole number of threads`, { field });
  return Number(value);
};

const didSomething = (s: DispatchSummary) =>
  s.sent + s.failed + s.retried + s.suppressed + s.exited + s.deferred + s.uncertain + s.released + s.reconciled.sent + s.reconciled.resend + s.reconciled.uncertain > 0;

/**
 * `rekindle worker`: the sending part of `serve` alone, run as several processes on one database.
 * Each claims due sends (on PostgreSQL with SKIP LOCKED, so workers never wait for each other),
 * renews its claims while it works, and takes over a dead worker's claims once their lease runs
 * out, reconciled (takeover.ts). SIGTERM or SIGINT: no new send starts, the ones on their way
 * finish and are recorded, the claimed rest is released; exit 0.
 */
export function workerCommand(): Command {
  return new Command('worker')
    .description('send due campaign emails beside other workers on the same database, until stopped (SIGTERM finishes the sends on their way)')
    .option('--lease <seconds>', 'how long a claim holds unless renewed; a dead worker\'s claims are taken over after it', seconds('--lease'), 120)
    .option('--poll <seconds>', 'how long to wait for due sends when nothing is due', seconds('--poll'), 5)
    // Workers run as a fleet: its processes keep the cores busy, and a thread per worker would
    // only add its start (MJML loaded twice) and a message each way per email. A lone worker with
    // cores to spare composes faster with 1.
    .option('--compose-threads <n>', 'threads composing emails beside the sending thread (0: compose in it)', count('--compose-threads'), 0)
    .action(async (opts: { lease: number; poll: number; composeThreads: number }, cmd: Command) => {
      const services = await wire(loadConfig(), { clock: clockFrom(cmd) });
      const dispatcher = services.dispatcher({ leaseMs: Math.round(opts.lease * 1000), composeThreads: opts.composeThreads });
      const logger = services.logger.child({ worker: dispatcher.worker });
      const stopping = new AbortController();
      const loop = (async () => {
        while (!stopping.signal.aborted) {
          let busy = false;
          try {
            const summary = await dispatcher.dispatchOnce({ signal: stopping.signal });
            busy = didSomething(summary);
            if (busy) logger.info({ summary }, 'dispatch pass finished');
            for (const p of summary.paused) logger.error(p, 'run paused: sending cannot succeed until this is fixed');
          } catch (error) {
            // The database or the mail server is down: what was recorded stays, the rest waits for the next pass.
            logger.error({ err: error }, 'dispatch pass failed; trying again after the poll interval');
          }
          if (!busy) await delay(opts.poll * 1000, undefined, { signal: stopping.signal }).catch(() => undefined);
        }
      })();
      logger.info({ leaseSeconds: opts.lease, database: services.db.dialect.kind }, 'worker started');
      process.stdout.write(`worker ${dispatcher.worker} started\n`);
      const stopped = new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      const signal = await stopped;
      logger.info({ signal }, 'stopping: no new send starts; waiting for the ones on their way');
      stopping.abort();
      const wound = await Promise.race([loop.then(() => true), delay(STOP_WAIT_MS).then(() => false)]);
      if (!wound) logger.warn({ waitedMs: STOP_WAIT_MS }, 'stopped waiting: sends still on their way keep their claim until its lease runs out, then another worker reconciles them');
      await services.close();
      logger.info('worker stopped');
      process.exit(0);
    });
}
