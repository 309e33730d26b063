/**
 * The signing key for links and tokens. Production must configure SECRET_KEY; the embedded
 * default generates one once and keeps it beside the database, so links survive restarts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config';
import { ConfigError } from './domain/errors';

export interface SecretKeyChoice {
  key: string;
  /** Set when the key was generated or read from the generated file, for a one-line notice. */
  generatedAt?: string;
}

export function resolveSecretKey(config: Config, dataDir: string): SecretKeyChoice {
  if (config.secretKey) return { key: config.secretKey };
  if (config.env === 'production') {
    throw new ConfigError('SECRET_KEY', 'missing; production needs a secret of at least 32 characters (e.g. `openssl rand -hex 32`)');
  }
  const file = path.resolve(dataDir, 'secret.key');
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  }
  return { key: readFileSync(file, 'utf8').trim(), generatedAt: file };
}
