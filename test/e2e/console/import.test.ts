/**
 * The console's import over real HTTP on loopback: a multipart upload streamed to a temp file,
 * the CLI's importer run as a job, its progress streamed as Server-Sent Events, its error in
 * the CLI's exact words, and nothing written when the file is bad.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rekindle } from '../../support/cli';
import { dataDirOf } from '../../../src/wiring';
import { testServices, TestServices } from '../../support/services';
import { marketerConsole, MarketerConsole } from './dataConsole';
import { testDatabaseUrlSync } from '../../support/testDatabase';

const GOOD = ['order_id,email,ordered_at,amount,currency', ...Array.from({ length: 30 }, (_, i) => `o-${i},c${i % 7}@example.com,2025-0${1 + (i % 8)}-1${i % 9}T10:00:00Z,${10 + i}.50,EUR`)].join('\n');
const BAD = ['order_id,email,ordered_at,amount,currency', 'o-1,a@example.com,2025-01-10T10:00:00Z,12.50,EUR', 'o-2,b@example.com,2025-01-11T10:00:00Z,"12,50",EUR'].join('\n');

let s: TestServices;
let cliMessage: string;

beforeAll(() => {
  // The built CLI on the same bad file, named the same, from the folder that holds it (before
  // any server starts: it blocks this process for longer than an idle connection is kept).
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rekindle-cli-'));
  writeFileSync(path.join(dir, 'orders.csv'), BAD);
  const cli = rekindle(['import', 'orders', 'orders.csv'], { DATABASE_URL: testDatabaseUrlSync(dir, 'cli.sqlite'), SHOP_CURRENCY: 'EUR' }, dir);
  expect(cli.status).toBe(1);
  cliMessage = cli.stderr.trim().replace(/^rekindle: /, '');
}, 60_000);
let http: MarketerConsole;

beforeEach(async () => {
  s = await testServices();
  http = await marketerConsole(s);
});
afterEach(async () => {
  await http.close();
  await s.dispose();
});

async function upload(name: string, content: string | Buffer, kind = 'orders-generic'): Promise<Response> {
  const form = new FormData();
  form.append('_csrf', http.csrf);
  form.append('kind', kind);
  form.append('file', new Blob([content]), name);
  return http.fetch(`/import?_csrf=${http.csrf}`, { method: 'POST', body: form, redirect: 'manual' });
}

/** Follows the job's event stream to its end; returns every status it was told. */
async function followEvents(jobPage: string): Promise<Array<{ state: string; phase: string; fraction?: number; error?: string }>> {
  const res = await http.fetch(`${jobPage.replace('/import/jobs/', '/jobs/')}/events`);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const text = await res.text(); // the server closes the stream when the job ends
  return text.split('\n\n').filter((block) => block.startsWith('data: ')).map((block) => JSON.parse(block.slice(6)));
}

const count = async (table: string) => Number((await s.db.reader.query(`SELECT CAST(COUNT(*) AS INTEGER) AS n FROM ${table}`))[0].n);

test('a bad row: the job page shows the error exactly as `rekindle import` words it, and nothing is written', async () => {
  expect(cliMessage).toMatch(/^orders\.csv:3: amount: /);
  const res = await upload('orders.csv', BAD);
  expect(res.status).toBe(303);
  const jobPage = res.headers.get('location') as string;
  const events = await followEvents(jobPage);
  expect(events[events.length - 1]).toMatchObject({ state: 'failed' });

  expect(events[events.length - 1].error).toBe(cliMessage);

  const page = await (await http.fetch(jobPage)).text();
  expect(page).toContain(cliMessage.replace(/"/g, '&quot;'));
  expect(page).toContain('Nothing was written');
  expect(await count('orders')).toBe(0);
  expect(await count('customers')).toBe(0);
  // The upload is removed whatever the outcome.
  expect(readdirSync(path.join(dataDirOf(s.config), 'uploads'))).toEqual([]);
}, 60_000);

test('a good file: progress streams to done and the page shows what was written', async () => {
  const res = await upload('orders.csv', GOOD);
  const jobPage = res.headers.get('location') as string;
  const events = await followEvents(jobPage);
  // Running until the last event, which is done (thirty rows may be written before the page
  // follows the stream, so the first event can already be the last).
  expect(events.slice(0, -1).every((e: { state: string }) => e.state === 'running')).toBe(true);
  expect(events[events.length - 1]).toMatchObject({ state: 'done', fraction: 1 });
  expect(await count('orders')).toBe(30);
  const page = await (await http.fetch(jobPage)).text();
  expect(page).toContain('orders: 30 new, 0 changed, 0 unchanged');
  expect(page).toContain('customers: 7 new, 0 changed');
  expect(page).not.toContain('data-job-events'); // done: no progress to follow
  const status = await (await http.fetch(`${jobPage.replace('/import/jobs/', '/jobs/')}/status`)).json();
  expect(status).toMatchObject({ state: 'done', kind: 'import' });
  // The import page lists the batch under the name that was uploaded.
  const list = await (await http.fetch('/import')).text();
  expect(list).toMatch(/<td>csv:generic<\/td><td>orders\.csv<\/td>/);
}, 60_000);

test('an upload without the session CSRF token is refused and nothing runs', async () => {
  const form = new FormData();
  form.append('kind', 'orders-generic');
  form.append('file', new Blob([GOOD]), 'orders.csv');
  const res = await http.fetch('/import', { method: 'POST', body: form });
  expect(res.status).toBe(403);
  expect(await count('import_batches')).toBe(0);
});

test('a file that is not CSV is refused before anything runs', async () => {
  const xlsx = await upload('orders.xlsx', Buffer.from('PK\u0003\u0004binary'));
  expect(xlsx.status).toBe(400);
  expect(await xlsx.text()).toContain('orders.xlsx is not a CSV file');
  const binary = await upload('orders.csv', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x41]));
  expect(binary.status).toBe(400);
  expect(await binary.text()).toContain('orders.csv is not a text file');
  const noKind = await upload('orders.csv', GOOD, 'spreadsheet');
  expect(noKind.status).toBe(400);
  expect(await count('import_batches')).toBe(0);
  expect(existsSync(path.join(dataDirOf(s.config), 'uploads')) ? readdirSync(path.join(dataDirOf(s.config), 'uploads')) : []).toEqual([]);
}, 60_000);

test('customers import from the CDNOW sample list, then found by name', async () => {
  const res = await upload('customers.csv', (await import('node:fs')).readFileSync(path.resolve(__dirname, '../../../samples/cdnow/customers.csv')), 'customers-generic');
  const jobPage = res.headers.get('location') as string;
  const events = await followEvents(jobPage);
  expect(events[events.length - 1]).toMatchObject({ state: 'done' });
  expect(await count('customers')).toBe(2357);
  const found = await (await http.fetch('/customers?q=douglas')).text();
  expect(found).toContain('>Douglas</a></td><td>cdnow-1@example.com</td>');
}, 60_000);
