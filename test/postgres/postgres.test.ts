/**
 * The same entities, migrations and SQL on PostgreSQL. Runs when REKINDLE_TEST_POSTGRES_URL
 * names an empty database (`.ci/run` starts one); jest.config.js leaves this folder out otherwise.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { spawnSync } from 'node:child_process';
import { CLI, rekindle } from '../support/cli';
import { formTo, postForm } from '../../src/demo/pageForms';
import { anOffer, NOW, tokensFor } from '../support/campaignFixtures';
import { listenCustomer } from '../support/customerApp';
import { testServices } from '../support/services';
import { emptyDatabase } from '../support/postgres';
import { readTimestampsAsIsoText } from '../../src/db/dataSource';
import { TIMESTAMP_COLUMNS } from '../../src/db/columns';

// This file's own pg clients read timestamps as the product's do: ISO texts, not Dates.
readTimestampsAsIsoText();

const url = process.env.REKINDLE_TEST_POSTGRES_URL as string;
const SAMPLE = path.resolve(__dirname, '../../samples/cdnow/CDNOW_sample.txt');


describe('PostgreSQL', () => {
  beforeAll(() => emptyDatabase(url));

  it('imports, fits, launches and dispatches exactly as on SQLite', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rekindle-pg-'));
    const env = { DATABASE_URL: url, SHOP_CURRENCY: 'USD', OUTBOX_DIR: path.join(dir, 'outbox'), SECRET_KEY: 'k'.repeat(40) };
    const run = (...args: string[]) => rekindle(args, env, dir);
    expect(run('import', 'orders', SAMPLE, '--format', 'cdnow', '--json').json()).toMatchObject({ orders: { inserted: 6919 }, customers: { inserted: 2357 } });
    expect(run('import', 'orders', SAMPLE, '--format', 'cdnow', '--json').json()).toMatchObject({ orders: { unchanged: 6919 } });
    expect(run('stats', '--json').json()).toMatchObject({ customers: 2357, orders: 6919, netRevenue: { USD: '244091.94' } });
    const fit = run('fit', '--calibration-end', '1997-09-30', '--json').json();
    expect(fit.bgnbd.r).toBeCloseTo(0.2426, 3);
    const launch = run('campaign', 'launch', 'nostalgia-winback', '--now', '1998-07-01T10:00:00Z', '--json').json();
    expect(launch.audience).toBe(launch.treated + launch.holdout);
    const sent = run('dispatch', '--now', '1998-07-01T10:05:00Z', '--json').json();
    expect(sent.sent).toBe(launch.treated);
    const again = run('dispatch', '--now', '1998-07-01T10:06:00Z', '--json').json();
    expect(again.sent).toBe(0);
  });

  it('keeps every timestamp as timestamptz, and none as text (a later timestamp column must be listed in TIMESTAMP_COLUMNS)', async () => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ table_name: string; column_name: string; data_type: string; character_maximum_length: number | null }>(
        "SELECT table_name, column_name, data_type, character_maximum_length FROM information_schema.columns WHERE table_schema = 'public'",
      );
      const typeOf = new Map(rows.map((r) => [`${r.table_name}.${r.column_name}`, r.data_type]));
      const listed = Object.entries(TIMESTAMP_COLUMNS).flatMap(([table, columns]) => columns.map((c) => `${table}.${c}`));
      expect(listed.filter((c) => typeOf.get(c) !== 'timestamp with time zone')).toEqual([]);
      // The ISO texts were varchar(24): none is left behind, nor named like a time and kept as text.
      const timeLike = rows.filter((r) => (/(_at|^at|_until)$/.test(r.column_name) && r.data_type !== 'timestamp with time zone') || r.character_maximum_length === 24);
      expect(timeLike.map((r) => `${r.table_name}.${r.column_name}`)).toEqual([]);
    } finally {
      await client.end();
    }
  });

  it('updates a changed order and a newer name, and refuses a conflicting repeat, as on SQLite', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rekindle-pg-'));
    const env = { DATABASE_URL: url, SHOP_CURRENCY: 'USD', OUTBOX_DIR: path.join(dir, 'outbox'), SECRET_KEY: 'k'.repeat(40) };
    const run = (...args: string[]) => rekindle(args, env, dir);
    const header = 'order_id,customer_id,email,ordered_at,amount,currency,first_name\n';
    const file = (name: string, rows: string) => {
      writeFileSync(path.join(dir, name), header + rows);
      return path.join(dir, name);
    };
    const first = file('a.csv', 'PG1,pg-9,ann@example.com,2025-01-01T10:00:00Z,10.00,USD,Ann\nPG2,pg-9,ann@example.com,2025-02-01T10:00:00Z,20.00,USD,Ann\n');
    expect(run('import', 'orders', first, '--format', 'generic', '--json').json()).toMatchObject({ orders: { inserted: 2 }, customers: { inserted: 1 } });
    const second = file('b.csv', 'PG2,pg-9,ann@example.com,2025-02-01T10:00:00Z,25.00,USD,Ann\nPG3,pg-9,ann@example.com,2025-03-01T10:00:00Z,5.00,USD,Annie\n');
    expect(run('import', 'orders', second, '--format', 'generic', '--json').json()).toMatchObject({
      orders: { inserted: 1, updated: 1, unchanged: 0 }, customers: { inserted: 0, updated: 1 },
    });
    const conflict = file('c.csv', 'PG1,pg-9,ann@example.com,2025-01-01T10:00:00Z,10.00,USD,Ann\nPG1,pg-9,ann@example.com,2025-01-01T10:00:00Z,11.00,USD,Ann\n');
    const refused = run('import', 'orders', conflict, '--format', 'generic', '--json');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('c.csv:3: order_id:');
  });

  it('keeps the newest consent when a newer export lists it first and an older one a chunk later, as on SQLite', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rekindle-pg-'));
    const env = { DATABASE_URL: url, SHOP_CURRENCY: 'USD', OUTBOX_DIR: path.join(dir, 'outbox'), SECRET_KEY: 'k'.repeat(40) };
    const run = (...args: string[]) => rekindle(args, env, dir);
    const header = 'order_id,customer_id,email,ordered_at,amount,currency,accepts_marketing\n';
    const file = (name: string, rows: string[]) => {
      writeFileSync(path.join(dir, name), header + rows.join('\n') + '\n');
      return path.join(dir, name);
    };
    expect(run('import', 'orders', file('jan.csv', ['C1,pg-kim,kim@example.com,2025-01-10T10:00:00Z,10.00,USD,no']), '--format', 'generic', '--json').status).toBe(0);
    // May says no again (agrees, but newer); March, two thousand rows later, said yes.
    const filler = Array.from({ length: 2100 }, (_, i) => `F${i},pg-f${i},f${i}@example.com,2025-02-01T10:00:00Z,5.00,USD,`);
    const june = file('jun.csv', ['C5,pg-kim,kim@example.com,2025-05-10T10:00:00Z,10.00,USD,no', ...filler, 'C3,pg-kim,kim@example.com,2025-03-10T10:00:00Z,10.00,USD,yes']);
    expect(run('import', 'orders', june, '--format', 'generic', '--json').json()).toMatchObject({ customers: { updated: 0 } });
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query("SELECT consent, consent_at FROM customers WHERE external_id = 'pg-kim'");
      expect(rows).toEqual([{ consent: 'no', consent_at: '2025-05-10T10:00:00.000Z' }]);
    } finally {
      await client.end();
    }
  });

  it('reports a run exactly as SQLite does (the report\'s SQL on both engines)', () => {
    // The CDNOW shop, launched and dispatched on 1 July 1998, then orders after launch: a plain
    // one, a fully refunded one, one naming a code that does not exist, one after the window.
    const late = 'order_id,email,ordered_at,amount,currency,refunded_amount,discount_code\n' +
      [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597].map((id, i) => `L${i},cdnow-${id}@example.com,1998-07-${String(5 + (i % 20)).padStart(2, '0')}T12:00:00Z,${(10 + i).toFixed(2)},USD,${i === 3 ? (13).toFixed(2) : '0.00'},${i === 4 ? 'welcome-nope' : ''}`).join('\n') +
      '\nL99,cdnow-1@example.com,1998-12-01T12:00:00Z,50.00,USD,0.00,\n';
    const reports = [url, 'sqlite'].map((engine) => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'rekindle-pg-report-'));
      const env = { DATABASE_URL: engine === 'sqlite' ? `sqlite:${path.join(dir, 'shop.sqlite')}` : engine, SHOP_CURRENCY: 'USD', OUTBOX_DIR: path.join(dir, 'outbox'), SECRET_KEY: 'k'.repeat(40), SEND_COST: '0.01' };
      const run = (...args: string[]) => rekindle(args, env, dir);
      if (engine === 'sqlite') {
        // The first test left PostgreSQL at this point; SQLite catches up the same way.
        run('import', 'orders', SAMPLE, '--format', 'cdnow');
        run('fit', '--calibration-end', '1997-09-30');
        run('campaign', 'launch', 'nostalgia-winback', '--now', '1998-07-01T10:00:00Z');
        run('dispatch', '--now', '1998-07-01T10:05:00Z');
      }
      writeFileSync(path.join(dir, 'late.csv'), late);
      expect(run('import', 'orders', path.join(dir, 'late.csv'), '--format', 'generic', '--json').status).toBe(0);
      const report = run('report', 'nostalgia-winback', '--json', '--now', '1998-08-15T00:00:00Z');
      expect(report.stderr).toBe('');
      return report.json();
    });
    const [pg, sqlite] = reports;
    expect(pg.reactivated.treated + pg.reactivated.holdout).toBeGreaterThan(0);
    // Launched at --now, with the few seconds the clock ran on from there: a 30-day window, closed.
    expect(pg.window).toEqual({ from: expect.stringMatching(/^1998-07-01T10:00/), to: expect.stringMatching(/^1998-07-31T10:00/), open: false });
    expect(pg.predictedVsActual.treated.predictedPurchases).toBeGreaterThan(0);
    expect({ ...pg, runId: 0, window: null }).toEqual({ ...sqlite, runId: 0, window: null });
  });

  it('keeps staff users and sessions as on SQLite: emails unique in any case, disabling ends sessions', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rekindle-pg-'));
    const env = { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', DATABASE_URL: url, SECRET_KEY: 'k'.repeat(40) };
    const users = (args: string[], input?: string) => spawnSync(process.execPath, [CLI, 'users', ...args], { encoding: 'utf8', cwd: dir, env, input, timeout: 60_000 });
    expect(users(['create', '--email', 'Olga@Shop.example', '--role', 'owner', '--password-stdin'], 'a long enough password').status).toBe(0);
    expect(users(['create', '--email', 'OLGA@shop.example', '--role', 'marketer', '--password-stdin'], 'a long enough password').stderr).toContain('exists already');
    const { wire } = await import('../../src/wiring');
    const { parseSettings } = await import('../../src/config');
    const services = await wire(parseSettings({ DATABASE_URL: url, SECRET_KEY: 'k'.repeat(40), LOG_LEVEL: 'silent' }));
    try {
      const signedIn = await services.staffUsers.checkSignIn('olga@shop.example', 'a long enough password');
      if (!signedIn.ok) throw new Error(`sign-in refused: ${signedIn.reason}`);
      const token = await services.staffSessions.start(signedIn.user.id);
      expect((await services.staffSessions.resolve(token))?.email).toBe('olga@shop.example');
      expect(JSON.parse(users(['disable', '--email', 'olga@shop.example', '--json']).stdout)).toMatchObject({ sessionsEnded: 1 });
      expect(await services.staffSessions.resolve(token)).toBeUndefined();
    } finally {
      await services.close();
    }
  });

  it('serves the hot path (landing views, concurrent redeems, opens) through TypeORM on PostgreSQL', async () => {
    const s = await testServices({ DATABASE_URL: url }, () => NOW);
    const http = await listenCustomer(s, { limits: { actions: 1000 } });
    try {
      const [one, other] = [await anOffer(s.db), await anOffer(s.db)];
      const pages = await Promise.all([one, other].map((o) => fetch(http.url(`/w/${tokensFor(s.signer(), o.sendId).landing}`)).then((r) => r.text())));
      const forms = pages.map((page) => formTo(page, '/r/'));
      const posts = [...Array(20).fill(forms[0]), forms[1]].map((form) => postForm(http.url(form.action), form.fields));
      expect((await Promise.all(posts)).map((r) => r.status)).toEqual(Array(21).fill(303));
      await fetch(http.url(`/o/${tokensFor(s.signer(), one.sendId).open}`));
      const codes = await s.db.reader.query('SELECT enrolment_id FROM codes WHERE enrolment_id IN ($1, $2) ORDER BY enrolment_id', [one.enrolmentId, other.enrolmentId]);
      expect(codes.map((c: { enrolment_id: number }) => Number(c.enrolment_id))).toEqual([one.enrolmentId, other.enrolmentId]);
      const events = await s.db.reader.query('SELECT type, customer_id, run_id FROM events WHERE send_id = $1 ORDER BY id', [one.sendId]);
      expect(events.map((e: { type: string; customer_id: number; run_id: number }) => [e.type, Number(e.customer_id), Number(e.run_id)])).toEqual([
        ['landing', one.customerId, one.runId],
        ['open', one.customerId, one.runId],
      ]);
    } finally {
      await http.close();
      await s.dispose();
    }
  });
});
