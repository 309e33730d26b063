/**
 * The demo's shop, built in-process for the console's campaign tests and screenshots: the CDNOW
 * sample imported with its generated first names, a fitted model, the nostalgia win-back launched
 * on 1 July 1998 and played through its attribution window by the demo's simulated customers
 * (so its report has real-looking figures with a known truth), plus a second win-back file,
 * `summer-hello`, never launched, for a test to launch.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { parse } from 'yaml';
import { parseSettings, PROJECT_ROOT } from '../../src/config';
import { saveFeedback } from '../../src/customer/feedback';
import { simulateCustomers } from '../../src/demo/simulateRun';
import { importCustomersFile, importOrdersFile } from '../../src/import/fileImport';
import { fitModels } from '../../src/scoring/fitService';
import { Services, wire } from '../../src/wiring';
import { dropTestDatabase, testDatabaseUrl } from './testDatabase';

export const DEMO_START = '1998-07-01T09:30:00.000Z';
const SHIPPED = path.join(PROJECT_ROOT, 'campaigns');

export interface DemoShop {
  dir: string;
  services: Services;
  runId: number;
  setNow(iso: string): void;
  dispose(): Promise<void>;
}

/** What a few customers wrote on the welcome-back page: the simulation orders, it never writes. */
const FEEDBACK = [
  'My last order took three weeks and nobody answered my emails. A reply would have been enough.',
  'I moved to streaming, honestly. But I miss the staff picks, bring those back and I will look again.',
  'Thanks for writing. The free shipping helps: I ordered the new Lucinda Williams.',
];

async function leaveFeedback(services: Services, runId: number, now: Date): Promise<void> {
  const sends: { id: number; customer_id: number }[] = await services.db.reader.query(
    `SELECT id, customer_id FROM sends WHERE run_id = ${services.db.dialect.param(0)} AND status = 'sent' AND step = 2 ORDER BY id LIMIT ${FEEDBACK.length}`,
    [runId],
  );
  for (const [i, send] of sends.entries()) {
    await saveFeedback(services.db, { customerId: Number(send.customer_id), runId, sendId: Number(send.id), incidentId: null }, FEEDBACK[i], new Date(now.getTime() - (i + 1) * 86_400_000));
  }
}

export async function openDemoShop(settings: Record<string, string> = {}): Promise<DemoShop> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rekindle-console-demo-'));
  const campaignsDir = path.join(dir, 'campaigns');
  mkdirSync(campaignsDir);
  for (const name of ['nostalgia-winback', 'incident-apology']) copyFileSync(path.join(SHIPPED, `${name}.yaml`), path.join(campaignsDir, `${name}.yaml`));
  const base = parse(readFileSync(path.join(SHIPPED, 'nostalgia-winback.yaml'), 'utf8')) as Record<string, unknown>;
  writeFileSync(path.join(campaignsDir, 'summer-hello.json'), JSON.stringify({
    ...base, name: 'summer-hello', holdout: 0.2, description: 'A summer hello to customers who have not ordered since spring, with a thank-you sized to each',
  }, null, 2));
  let now = new Date(DEMO_START);
  const config = parseSettings({
    REKINDLE_ENV: 'test',
    DATABASE_URL: await testDatabaseUrl(dir),
    OUTBOX_DIR: path.join(dir, 'outbox'),
    CAMPAIGNS_DIR: campaignsDir,
    SHOP_NAME: 'Second Spin Records',
    SHOP_CURRENCY: 'USD',
    SHOP_TIMEZONE: 'UTC',
    PUBLIC_URL: 'http://127.0.0.1:8080',
    MAIL_FROM: 'maria@secondspin.example',
    SECRET_KEY: 'console-demo-signing-key-0123456789abcdef0123',
    SEND_COST: '0.02',
    ...settings,
  });
  const services = await wire(config, { clock: () => now, logger: pino({ level: 'silent' }) });
  const shop = { db: services.db, clock: services.clock, shop: services.config.shop };
  await importOrdersFile(path.join(PROJECT_ROOT, 'samples/cdnow/CDNOW_sample.txt'), 'cdnow', shop);
  await importCustomersFile(path.join(PROJECT_ROOT, 'samples/cdnow/customers.csv'), 'generic', shop);
  await fitModels(services, {});
  const { runId } = await services.campaigns().launch('nostalgia-winback', {});
  await simulateCustomers(services, { runId, seed: 1998, start: new Date(DEMO_START), days: 28, setNow: (at) => (now = at), say: () => undefined });
  await leaveFeedback(services, runId, now);
  return {
    dir,
    services,
    runId,
    setNow: (iso) => (now = new Date(iso)),
    async dispose() {
      await services.close();
      if (config.database.kind === 'postgres') await dropTestDatabase(config.database.url);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
