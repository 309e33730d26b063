/**
 * Incidents in the console: recorded from an uploaded list of the affected (checked as the CLI
 * checks it, nothing recorded on error), the apology run to them, an update posted from the page,
 * and the page's scope and who was told what, against the sends in the database.
 */
import { lapsedCustomers, openShop, Shop } from '../../support/campaignShop';
import { marketerConsole, MarketerConsole } from './dataConsole';

let shop: Shop;
let http: MarketerConsole;

beforeAll(async () => {
  shop = await openShop({ customers: lapsedCustomers(6) });
  http = await marketerConsole(shop.services);
}, 60_000);
afterAll(async () => {
  await http.close();
  await shop.dispose();
});

const FIELDS = { title: 'Late parcels in May', description: 'We shipped your May order nine days late and never told you why.', makeGood: '10.00' };

async function create(affected: string, fields: Record<string, string> = FIELDS): Promise<Response> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('affected', new Blob([affected]), 'affected.csv');
  return http.fetch(`/incidents?_csrf=${http.csrf}`, { method: 'POST', body: form, redirect: 'manual' });
}

const incidents = async () => Number((await shop.services.db.reader.query('SELECT CAST(COUNT(*) AS INTEGER) AS n FROM incidents'))[0].n);

test('an affected list the CLI would refuse is refused with its file and line, the form kept, nothing recorded', async () => {
  const res = await create('email\nc1@example.com,25.00\nnobody@example.com\n');
  expect(res.status).toBe(400);
  const page = await res.text();
  expect(page).toContain('affected.csv:3: no customer with email nobody@example.com');
  expect(page).toContain('value="Late parcels in May"');
  const percent = await create('c1@example.com\n', { ...FIELDS, makeGood: '50%' });
  expect(await percent.text()).toContain('affected.csv:1: a percentage make-good needs each customer&#x27;s harmed amount');
  expect(await incidents()).toBe(0);
});

test('recorded from the upload, told through the apology run, updated from the page', async () => {
  const res = await create('email,harmed amount\nc1@example.com,25.00\nC3@Example.com,12.40\nc4@example.com\n');
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toBe('/console/incidents/1');
  let page = await (await http.fetch('/incidents/1')).text();
  expect(page).toContain('<span class="figure">3</span> customers affected');
  expect(page).toContain('<span class="figure">€37.40</span> harm recorded');
  expect(page).toContain('Nobody has been told yet');

  await shop.services.campaigns().launch('incident-apology', { incidentId: 1 });
  await shop.dispatch();
  const form = new URLSearchParams({ _csrf: http.csrf, message: "We found the parcels at the courier's depot in Leipzig.", kind: 'update' });
  const posted = await http.fetch('/incidents/1/messages', { method: 'POST', body: form, redirect: 'manual' });
  expect(posted.status).toBe(303);
  expect(posted.headers.get('location')).toBe('/console/incidents/1?queued=3');
  page = await (await http.fetch('/incidents/1?queued=3')).text();
  expect(page).toContain('Queued for 3 customers');
  expect(page).toContain('depot in Leipzig');

  // Who was told what, as the sends say.
  const sends: Array<{ step: number; status: string; n: number }> = await shop.services.db.reader.query('SELECT step, status, CAST(COUNT(*) AS INTEGER) AS n FROM sends GROUP BY step, status ORDER BY step');
  expect(sends.map((r) => [Number(r.step), r.status, Number(r.n)])).toEqual([[1, 'sent', 3], [2, 'scheduled', 3]]);
  expect(page).toContain('<td>run 1</td><td>1. We let you down, and I am sorry</td><td class="num">3</td><td class="num">0</td>');
  expect(page).toContain('<td>run 1</td><td>2. An update on what went wrong</td><td class="num">0</td><td class="num">3</td>');
  for (const email of ['c1@example.com', 'c3@example.com', 'c4@example.com']) expect(page).toContain(`">${email}</a></td><td>1. We let you down`);
  expect(page).not.toContain('c2@example.com');

  const list = await (await http.fetch('/incidents')).text();
  expect(list).toContain('<a href="/console/incidents/1">Late parcels in May</a>');

  const resolved = new URLSearchParams({ _csrf: http.csrf, message: 'We moved to a courier who scans every parcel.', kind: 'resolution' });
  await http.fetch('/incidents/1/messages', { method: 'POST', body: resolved, redirect: 'manual' });
  page = await (await http.fetch('/incidents/1')).text();
  expect(page).toContain('Resolved</span> status');
  expect(page).not.toContain('name="message"'); // nothing more to post
  const again = await http.fetch('/incidents/1/messages', { method: 'POST', body: form, redirect: 'manual' });
  expect(again.status).toBe(400);
  expect(await again.text()).toContain('incident 1 is resolved already');
}, 60_000);
