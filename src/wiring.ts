/**
 * Builds everything once: config → data source → services → HTTP app. Nothing else constructs
 * services, and nothing but src/config.ts reads the environment.
 */
import path from 'node:path';
import { ApiKeys } from './auth/apiKeys';
import { Clock, systemClock } from './clock';
import type { Config } from './config';
import { Database } from './db/database';
import { openDataSource } from './db/dataSource';
import { createLogger, Logger } from './logger';
import { resolveSecretKey, SecretKeyChoice } from './secretKey';

export interface Services {
  config: Config;
  clock: Clock;
  logger: Logger;
  db: Database;
  apiKeys: ApiKeys;
  secret: () => SecretKeyChoice;
  close(): Promise<void>;
}

export function dataDirOf(config: Config): string {
  return config.database.kind === 'sqlite' ? path.dirname(path.resolve(config.database.path)) : path.resolve('data');
}

export async function wire(config: Config, options: { clock?: Clock; logger?: Logger } = {}): Promise<Services> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logLevel);
  const db = new Database(await openDataSource(config.database));
  let secret: SecretKeyChoice | undefined;
  return {
    config,
    clock,
    logger,
    db,
    apiKeys: new ApiKeys(db, clock),
    // Resolved lazily: only commands that sign something need it, and generating writes a file.
    secret: () => (secret ??= resolveSecretKey(config, dataDirOf(config))),
    close: () => db.close(),
  };
}
