/**
 * `rekindle backup FILE`: a consistent copy of the SQLite database while it is in use. SQLite's
 * `VACUUM INTO` reads one snapshot (in WAL mode a running `serve` keeps writing meanwhile) and
 * writes a compact, self-contained file with no WAL beside it: restoring is copying it back while
 * nothing runs. PostgreSQL has its own tools (pg_dump); see docs/operations.md.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../domain/errors';
import type { Database } from './database';

export interface BackupResult {
  file: string;
  bytes: number;
  tookMs: number;
}

export async function backupDatabase(db: Database, file: string, now: () => number = Date.now): Promise<BackupResult> {
  if (db.dialect.kind !== 'sqlite') {
    throw new InputError('backs up the embedded SQLite database; on PostgreSQL use pg_dump (docs/operations.md, "Backups")', { field: 'DATABASE_URL' });
  }
  const target = path.resolve(file);
  if (existsSync(target)) throw new InputError(`${target} already exists: name a new file, a backup never overwrites one`, { field: 'FILE' });
  mkdirSync(path.dirname(target), { recursive: true });
  const started = now();
  await db.alone(() => db.dataSource.query('VACUUM INTO ?', [target]));
  return { file: target, bytes: statSync(target).size, tookMs: now() - started };
}
