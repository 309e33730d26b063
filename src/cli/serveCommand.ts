import { setTimeout as delay } from 'node:timers/promises';
import { Command } from 'commander';
import { loadConfig } from '../config';
import { ConfigError } from '../domain/errors';
import { createApp } from '../web/app';
import { wire } from '../wiring';
import { clockFrom } from './context';
import { STOP_WAIT_MS } from './stopWait';
import { startScheduler } from '../scheduler/scheduler';

export function serveCommand(): Command {
  return new Command('serve')
    .description('run the HTTP server (API, webhooks, customer pages) and the scheduler (dispatch every minute, rescore nightly)')
    .option('--port <port>', 'overrides PORT')
    .option('--no-scheduler', 'serve HTTP only, without the cron jobs')
    .action(async (opts: { port?: string; scheduler: boolean }, cmd: Command) => {
      const config = loadConfig();
      if (config.env === 'production' && !config.secretKey) {
        throw new ConfigError('SECRET_KEY', 'missing; `serve` in production needs a secret of at least 32 characters');
      }
      const services = await wire(config, { clock: clockFrom(cmd) });
      const secret = services.secret();
      if (secret.generatedAt) services.logger.warn({ file: secret.generatedAt }, 'no SECRET_KEY configured: using the generated key kept beside the database');
      const port = opts.port === undefined ? config.port : Number(opts.port);
      const server = createApp(services).listen(port, () => {
        const address = server.address();
        const bound = typeof address === 'object' && address ? address.port : port;
        services.logger.info({ port: bound, publicUrl: config.publicUrl }, 'rekindle is listening');
        // Tests and scripts wait for this line on stdout to learn the port.
        process.stdout.write(`listening on http://127.0.0.1:${bound}\n`);
      });
      const scheduler = opts.scheduler ? startScheduler(services) : null;
      if (!scheduler) services.logger.info('scheduler off (--no-scheduler): nothing is dispatched or rescored automatically');
      const stop = async (signal: NodeJS.Signals) => {
        services.logger.info({ signal }, 'stopping: no new send starts; waiting for the ones on their way (the same signal again stops at once)');
        server.close();
        const wound = await Promise.race([(scheduler?.stop() ?? Promise.resolve()).then(() => true), delay(STOP_WAIT_MS).then(() => false)]);
        if (!wound) services.logger.warn({ waitedMs: STOP_WAIT_MS }, 'stopped waiting: sends still on their way stay `sending`, and the next dispatch reports them uncertain');
        server.closeAllConnections();
        await services.close();
        services.logger.info('rekindle stopped');
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
