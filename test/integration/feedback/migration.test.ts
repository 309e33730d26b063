/**
 * Upgrading a shop that already has feedback: the migration gathers it into one case per
 * customer, waiting since their latest message (nothing recorded an answer), so none is lost.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { openDataSource } from '../../../src/db/dataSource';
import { Database } from '../../../src/db/database';
import { entities } from '../../../src/db/entities';
import { migrations } from '../../../src/db/migrations';
import { FeedbackCases1732401000000 } from '../../../src/db/migrations/1732401000000-FeedbackCases';
import { listCases } from '../../../src/feedback/inbox';
import { parseSettings } from '../../../src/config';
import { dialectFor, dropTestDatabase, testDatabaseUrl } from '../../support/testDatabase';

describe('the feedback cases migration', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rekindle-migration-'));
  let url: string;
  beforeAll(async () => (url = await testDatabaseUrl(dir, 'shop.sqlite', { migrated: false })));
  afterAll(async () => {
    await dropTestDatabase(url);
    rmSync(dir, { recursive: true, force: true });
  });

  it('gathers existing feedback into one waiting case per customer', async () => {
    const database = parseSettings({ DATABASE_URL: url }).database;
    const earlier = { entities, migrations: migrations.slice(0, migrations.indexOf(FeedbackCases1732401000000)) };
    const before = new DataSource(database.kind === 'postgres' ? { type: 'postgres', url: database.url, ...earlier } : { type: 'sqlite', database: database.path, ...earlier });
    const p = dialectFor(url).param;
    await before.initialize();
    await before.runMigrations();
    const at = '2025-06-01T10:00:00.000Z';
    await before.query(`INSERT INTO customers (email, first_name, created_at, updated_at) VALUES ('ann@example.com', 'Ann', ${p(0)}, ${p(0)}), ('bo@example.com', NULL, ${p(0)}, ${p(0)})`, [at]);
    await before.query(`INSERT INTO campaign_runs (campaign, definition, state, currency, launched_at) VALUES ('nostalgia-winback', '{}', 'active', 'EUR', ${p(0)})`, [at]);
    await before.query(`INSERT INTO feedback (customer_id, run_id, message, at) VALUES
      (1, 1, 'first', '2025-06-02T10:00:00.000Z'), (2, 1, 'from Bo', '2025-06-03T10:00:00.000Z'), (1, 1, 'second', '2025-06-04T10:00:00.000Z')`);
    await before.destroy();

    const db = new Database(await openDataSource(database));
    try {
      const { cases } = await listCases(db, { filter: 'waiting', now: new Date('2025-06-05T10:00:00.000Z'), reminderDays: 2 });
      expect(cases.map((c) => ({ customer: c.customer, openedAt: c.openedAt, waitingSince: c.waitingSince, messages: c.messages, latest: c.latest, overdue: c.overdue }))).toEqual([
        { customer: { id: 1, email: 'ann@example.com', name: 'Ann' }, openedAt: '2025-06-02T10:00:00.000Z', waitingSince: '2025-06-04T10:00:00.000Z', messages: 2, latest: 'second', overdue: false },
        { customer: { id: 2, email: 'bo@example.com', name: null }, openedAt: '2025-06-03T10:00:00.000Z', waitingSince: '2025-06-03T10:00:00.000Z', messages: 1, latest: 'from Bo', overdue: false },
      ].sort((a, b) => a.waitingSince.localeCompare(b.waitingSince)));
      expect(Number((await db.reader.query('SELECT CAST(COUNT(*) AS INTEGER) AS n FROM feedback WHERE case_id IS NULL'))[0].n)).toBe(0);
    } finally {
      await db.close();
    }
  });
});
