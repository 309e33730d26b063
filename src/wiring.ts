/**
 * Builds everything once: config → data source → services → HTTP app / dispatcher / CLI.
 * Nothing else constructs services, and nothing but src/config.ts reads the environment.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { ApiKeys } from './auth/apiKeys';
import { StaffSessions } from './auth/staffSessions';
import { StaffUsers } from './auth/staffUsers';
import type { CampaignService } from './campaigns/campaignService';
import type { Composer } from './campaigns/composer';
import type { Dispatcher, DispatchOptions } from './campaigns/dispatcher';
import { Clock, systemClock } from './clock';
import type { Config } from './config';
import { Database } from './db/database';
import { openDataSource } from './db/dataSource';
import { createLinkSigner, LinkSigner } from './links/tokens';
import { createLogger, Logger } from './logger';
import type { RetryPolicy } from './mail/classify';
import type { Mailer } from './mail/transport';
import { resolveSecretKey, SecretKeyChoice } from './secretKey';
import { ForgottenAddresses } from './privacy/forgottenAddresses';

export interface Services {
  config: Config;
  clock: Clock;
  logger: Logger;
  db: Database;
  apiKeys: ApiKeys;
  /** The console's staff users and their sessions. */
  staffUsers: StaffUsers;
  staffSessions: StaffSessions;
  secret: () => SecretKeyChoice;
  signer: () => LinkSigner;
  /** Keyed hashes of erased addresses (`customer forget`), under the current and previous secret keys. */
  forgotten: () => ForgottenAddresses;
  mailer: () => Mailer;
  composer: () => Composer;
  campaigns: () => CampaignService;
  dispatcher: (options?: Partial<DispatchOptions>) => Dispatcher;
  close(): Promise<void>;
}

export interface WireOptions {
  clock?: Clock;
  logger?: Logger;
  /** Tests shorten retry delays; production uses the classifier's defaults. */
  retry?: RetryPolicy;
}

export function dataDirOf(config: Config): string {
  return config.database.kind === 'sqlite' ? path.dirname(path.resolve(config.database.path)) : path.resolve('data');
}

/** Built on first use: a command that only imports never opens an SMTP pool or reads the key. */
function lazy<T>(make: () => T): (() => T) & { made: () => boolean } {
  let box: { value: T } | undefined;
  return Object.assign(() => (box ??= { value: make() }).value, { made: () => box !== undefined });
}

/**
 * mjml, nodemailer and handlebars take most of a second to load: commands that never send
 * (import, stats, fit) should not pay for them, so these modules load on first use.
 */
const load = {
  mail: () => require('./mail/transport') as typeof import('./mail/transport'),
  composer: () => require('./campaigns/composer') as typeof import('./campaigns/composer'),
  campaigns: () => require('./campaigns/campaignService') as typeof import('./campaigns/campaignService'),
  dispatcher: () => require('./campaigns/dispatcher') as typeof import('./campaigns/dispatcher'),
};

export async function wire(config: Config, options: WireOptions = {}): Promise<Services> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logLevel);
  const db = new Database(await openDataSource(config.database));
  const secret = lazy(() => resolveSecretKey(config, dataDirOf(config)));
  const signer = lazy(() => createLinkSigner({ current: secret().key, previous: config.previousSecretKeys }));
  const forgotten = lazy(() => new ForgottenAddresses(db, [secret().key, ...config.previousSecretKeys]));
  const mailer = lazy(() =>
    load.mail().createMailer({
      outboxDir: config.outboxDir,
      retry: options.retry,
      smtp: config.smtpUrl
        ? { url: config.smtpUrl, maxConnections: config.mail.smtpMaxConnections, rateLimit: config.mail.smtpRateLimit || undefined, dkim: config.mail.dkim }
        : undefined,
    }),
  );
  const composer = lazy(() => new (load.composer().Composer)(config, signer(), config.viewsDir));
  // One id per process: a claim by any other id that outlived its lease was left by a crash.
  const worker = `${process.pid}-${randomUUID().slice(0, 8)}`;
  // Closed with the services: each may keep compose threads between its passes.
  const dispatchers: Dispatcher[] = [];
  const services: Services = {
    config,
    clock,
    logger,
    db,
    apiKeys: new ApiKeys(db, clock),
    staffUsers: new StaffUsers(db, clock),
    staffSessions: new StaffSessions(db, clock, { idleMs: config.console.sessionIdleMs, maxMs: config.console.sessionMaxMs }),
    secret,
    signer,
    forgotten,
    mailer,
    composer,
    campaigns: lazy(() => new (load.campaigns().CampaignService)({ services, composer: composer(), mailer: mailer(), campaignsDir: config.campaignsDir, viewsDir: config.viewsDir })),
    dispatcher: (dispatch) => {
      const made = new (load.dispatcher().Dispatcher)({ db, mailer: mailer(), composer: composer(), clock, logger, worker, timeZone: config.shop.timeZone, viewsDir: config.viewsDir, forgotten: forgotten(), options: dispatch });
      dispatchers.push(made);
      return made;
    },
    async close() {
      if (mailer.made()) await mailer().close();
      await db.close();
      // Last: a pass still composing when the stop wait ran out finds the database closed first, so it records nothing half-made.
      for (const made of dispatchers) await made.close();
    },
  };
  return services;
}
