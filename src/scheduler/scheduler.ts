/**
 * The cron jobs `serve` runs: dispatch what is due every minute, rescore every night. Each job
 * skips a tick while its previous run is still going (noOverlap), so a slow SMTP server can
 * never make two passes race; the dispatcher's claims would keep that safe anyway.
 */
import cron, { ScheduledTask } from 'node-cron';
import type { Services } from '../wiring';
import { timeZone } from '../domain/time';
import { hasModel } from '../scoring/modelStore';
import { scoreCustomers } from '../scoring/scoreService';

export interface Scheduler {
  stop(): Promise<void>;
}

export function startScheduler(services: Services): Scheduler {
  const { logger } = services;
  const tasks: ScheduledTask[] = [];
  const job = (name: string, pattern: string, work: () => Promise<unknown>) => {
    const task = cron.schedule(
      pattern,
      async () => {
        try {
          const result = await work();
          logger.info({ job: name, result }, 'scheduled job finished');
        } catch (error) {
          logger.error({ job: name, err: error }, 'scheduled job failed');
        }
      },
      { name, noOverlap: true, timezone: services.config.shop.timeZone },
    );
    tasks.push(task);
  };
  job('dispatch', '* * * * *', () => services.dispatcher().dispatchOnce());
  // Nightly, so campaigns launched the next day see scores from yesterday's orders.
  job('rescore', '15 3 * * *', async () => {
    if (!(await hasModel(services.db))) return 'no model fitted yet';
    const run = await scoreCustomers(services, { asOf: timeZone(services.config.shop.timeZone).day(services.clock().getTime()) });
    return { modelVersion: run.modelVersion, customers: run.table.length };
  });
  return {
    async stop() {
      for (const task of tasks) await task.stop();
    },
  };
}
