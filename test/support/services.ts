import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Clock } from '../../src/clock';
import { parseSettings } from '../../src/config';
import { Services, wire } from '../../src/wiring';
import { dropTestDatabase, testDatabaseUrl } from './testDatabase';

export interface TestServices extends Services {
  dir: string;
  dispose(): Promise<void>;
}

/** Real services on the run's engine (a SQLite file, or a PostgreSQL database of their own: testDatabase.ts) with a fresh temp directory. */
export async function testServices(settings: Record<string, unknown> = {}, clock?: Clock): Promise<TestServices> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rekindle-test-'));
  const config = parseSettings({
    REKINDLE_ENV: 'test',
    DATABASE_URL: (settings.DATABASE_URL as string | undefined) ?? (await testDatabaseUrl(dir)),
    OUTBOX_DIR: path.join(dir, 'outbox'),
    SHOP_CURRENCY: 'EUR',
    SHOP_TIMEZONE: 'Europe/Berlin',
    ...settings,
  });
  const services = await wire(config, { clock, logger: pino({ level: 'silent' }) });
  return {
    ...services,
    dir,
    async dispose() {
      await services.close();
      if (config.database.kind === 'postgres') await dropTestDatabase(config.database.url);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
