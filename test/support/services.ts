import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Clock } from '../../src/clock';
import { parseSettings } from '../../src/config';
import { Services, wire } from '../../src/wiring';

export interface TestServices extends Services {
  dir: string;
  dispose(): Promise<void>;
}

/** Real services on a real SQLite file in a fresh temp directory. */
export async function testServices(settings: Record<string, unknown> = {}, clock?: Clock): Promise<TestServices> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rekindle-test-'));
  const config = parseSettings({
    REKINDLE_ENV: 'test',
    DATABASE_URL: `sqlite:${path.join(dir, 'rekindle.sqlite')}`,
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
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
