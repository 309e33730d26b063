/**
 * The cron jobs `serve` runs: dispatch what is due at start and every minute, rescore every
 * night, and the owners' weekly digest on Monday mornings. Each job skips a tick while its
 * previous run is still going, so a slow SMTP server can never make two passes race; the
 * dispatcher's claims would keep that safe anyway.
 */
import cron, { ScheduledTask } from 'node-cron';
import type { Services } from '../wiring';
import { timeZone } from '../domain/time';
import { hasModel } from '../scoring/modelStore';
import { scoreCustomers } from '../scoring/scoreService';
import { pruneScores } from '../scoring/scoreStore';
import { launchScoreDays } from '../campaigns/runControl';
import { sendWeeklyDigest } from '../reporting/weeklyDigest';

export interface Scheduler {
  /** No job starts after this; resolves when the running ones have wound down. */
  stop(): Promise<void>;
}

/**
 * Scores every customer as of today with the newest model, then prunes scored days older than a
 * week that no campaign launched with: a row per customer per night would otherwise pile up.
 */
export async function rescoreNightly(services: Services): Promise<unknown> {
  if (!(await hasModel(services.db))) return 'no model fitted yet';
  const zone = services.config.shop.timeZone;
  const run = await scoreCustomers(services, { asOf: timeZone(zone).day(services.clock().getTime()) });
  const pruned = await pruneScores(services.db, run.asOf, await launchScoreDays(services.db, zone));
  return { modelVersion: run.modelVersion, customers: run.table.length, prunedScores: pruned };
}

export function startScheduler(services: Services): Scheduler {
  const { logger } = services;
  const tasks: ScheduledTask[] = [];
  const stopping = new AbortController();
  const running = new Set<Promise<void>>();
  /** Runs `work` unless it is still running from the last tick or the scheduler is stopping. */
  const job = (name: string, pattern: string, work: (signal: AbortSignal) => Promise<unknown>) => {
    let busy = false;
    const tick = async () => {
      if (busy || stopping.signal.aborted) return;
      busy = true;
      const run = work(stopping.signal).then(
        (result) => void logger.info({ job: name, result }, 'scheduled job finished'),
        (error: unknown) => void logger.error({ job: name, err: error }, 'scheduled job failed'),
      );
      running.add(run);
      await run;
      running.delete(run);
      busy = false;
    };
    tasks.push(cron.schedule(pattern, tick, { name, noOverlap: true, timezone: services.config.shop.timeZone }));
    return tick;
  };
  // On a stop, the pass lets the sends on their way finish, records them and releases the rest.
  // One dispatcher for every tick: its compose threads, once started, serve the later passes too.
  const dispatcher = services.dispatcher();
  const dispatch = job('dispatch', '* * * * *', (signal) => dispatcher.dispatchOnce({ signal }));
  // Nightly, so campaigns launched the next day see scores from yesterday's orders.
  job('rescore', '15 3 * * *', () => rescoreNightly(services));
  // What is due now, or was released by the last stop, need not wait for the next minute.
  void dispatch();
  // Hourly, and once at start, not only at Monday 08:00: a Monday morning missed while serve was
  // down still gets its digest that day. The week's claim in the database keeps it to one.
  void job('digest', '0 * * * *', () => sendWeeklyDigest(services))();
  return {
    async stop() {
      stopping.abort();
      for (const task of tasks) await task.stop();
      await Promise.all(running);
    },
  };
}
