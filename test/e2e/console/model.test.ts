/**
 * The model page on the CDNOW sample: the parameters and data window of the stored model, the
 * overview of the stored scores (checked against the scores themselves), and the check against
 * later orders run as a job whose chart is the CLI's.
 */
import { scoreCustomers } from '../../../src/scoring/scoreService';
import { latestScoring, scoreOverview } from '../../../src/scoring/scoreOverview';
import { validateModel } from '../../../src/scoring/validateService';
import { jobBoardOf } from '../../../src/web/console/jobs';
import { MODEL_JOB } from '../../../src/web/console/model';
import type { TestServices } from '../../support/services';
import { cdnowShop, fittedCdnowShop } from '../../integration/scoring/cdnowShop';
import { testServices } from '../../support/services';
import { marketerConsole, MarketerConsole } from './dataConsole';

let s: TestServices;
let http: MarketerConsole;

beforeAll(async () => {
  s = await fittedCdnowShop();
  await scoreCustomers(s);
  http = await marketerConsole(s);
}, 120_000);
afterAll(async () => {
  await http.close();
  await s.dispose();
});

test('the overview kept at scoring time is what the database sums over the stored scores, and adds up to them', async () => {
  const scoring = await latestScoring(s.db, 1);
  expect(scoring?.asOf).toBe('1997-09-30');
  const key = { modelVersion: 1, ...(scoring as { asOf: string; scoredAt: string }), timeUnit: 'week' as const, cacMinor: 3000 };
  // Written by scoreCustomers from the table in memory, beside the scores.
  const [kept] = await s.db.reader.query('SELECT scored_at, cac_minor FROM score_overviews WHERE model_version = 1 AND as_of = $1', [key.asOf]);
  expect({ ...kept, cac_minor: Number(kept.cac_minor) }).toEqual({ scored_at: key.scoredAt, cac_minor: 3000 });
  const o = await scoreOverview(s.db, key);
  // The database's own sums over the stored scores say the same (P(alive) sums up to float rounding).
  await s.db.write((tx) => tx.query('DELETE FROM score_overviews'));
  const summed = await scoreOverview(s.db, key);
  const rounded = (x: typeof o) => JSON.parse(JSON.stringify(x, (_k, v) => (typeof v === 'number' ? Number(v.toPrecision(10)) : v)));
  expect(rounded(summed)).toEqual(rounded(o));
  expect((await s.db.reader.query('SELECT CAST(COUNT(*) AS INTEGER) AS n FROM score_overviews'))[0].n).toBe(1);
  const [truth] = await s.db.reader.query(
    "SELECT CAST(COUNT(*) AS INTEGER) AS n, AVG(p_alive) AS pa, SUM(budget_minor) AS budget, SUM(CASE WHEN x >= 7 THEN 1 ELSE 0 END) AS top, SUM(CASE WHEN budget_minor = 0 THEN 1 ELSE 0 END) AS zero FROM customer_scores WHERE model_version = 1 AND as_of = '1997-09-30'",
  );
  expect(o.customers).toBe(Number(truth.n));
  expect(o.customers).toBe(2357);
  expect(o.meanPAlive).toBeCloseTo(Number(truth.pa), 10);
  expect(o.budgetMinor).toBe(Number(truth.budget));
  const sum = (xs: Array<{ customers: number }>) => xs.reduce((t, x) => t + x.customers, 0);
  expect(sum(o.cells)).toBe(o.customers);
  expect(sum(o.budgets)).toBe(o.customers);
  expect(sum(o.offers)).toBe(o.customers);
  expect(sum(o.cells.filter((c) => c.frequency === 7))).toBe(Number(truth.top));
  expect(o.budgets[0]).toMatchObject({ fromMinor: 0, toMinor: 0, customers: Number(truth.zero) });
  // Recent buyers with many repeat purchases are likelier alive than those long gone.
  const cell = (f: number, r: number) => o.cells.find((c) => c.frequency === f && c.recency === r);
  expect(cell(3, 0)?.pAlive).toBeGreaterThan(cell(3, 2)?.pAlive as number);
});

test('the page: parameters, the data window, the P(alive) map and the budgets, with charts and their tables', async () => {
  const page = await (await http.fetch('/model')).text();
  expect(page).toContain('1 January 1997 to 30 September 1997');
  expect(page).toMatch(/<th scope="row">r<\/th><td class="num">0\.24\d\d<\/td>/);
  expect(page).toMatch(/<th scope="row">alpha<\/th><td class="num">4\.41\d<\/td>/);
  expect(page).toContain('2,357</span> customers scored as of 30 September 1997');
  expect(page).toContain('<canvas data-chart="chart-alive"');
  expect(page).toContain('<script type="application/json" id="chart-budgets">');
  expect(page).toMatch(/<script src="\/console\/assets\/chart-[0-9a-f]{10}\.js" defer><\/script>/);
  const json = /<script type="application\/json" id="chart-alive">([^<]*)<\/script>/.exec(page)?.[1] as string;
  expect(JSON.parse(json).data.datasets.map((d: { label: string }) => d.label)).toContain('7+ repeat purchases');
  expect(page).toContain('Not checked since the server started');
});

test('while a model job runs the page follows it, and a second one is not started', async () => {
  // Held open by the test, so the page is read while it runs: the check itself takes about a
  // tenth of a second on either engine, often less than the page's own round trip.
  let release!: () => void;
  const held = jobBoardOf(s).start(MODEL_JOB, 'held by the test', () => new Promise<void>((resolve) => (release = resolve)));
  try {
    const running = await (await http.fetch('/model')).text();
    expect(/data-job-events="([^"]+)"/.exec(running)?.[1]).toBe(`/console/jobs/${held.id}/events`);
    expect((await http.fetch('/model/check', { method: 'POST', body: new URLSearchParams({ _csrf: http.csrf }) })).status).toBe(303);
    expect(jobBoardOf(s).recent(MODEL_JOB).map((j) => j.id)).toEqual([held.id]);
  } finally {
    release();
  }
  const stream = await (await http.fetch(`/console/jobs/${held.id}/events`)).text();
  expect(stream).toContain('"state":"done"');
});

test('checking the model runs `rekindle validate` as a job; the page then shows its table and the CLI chart', async () => {
  const post = await http.fetch('/model/check', { method: 'POST', body: new URLSearchParams({ _csrf: http.csrf }) });
  expect(post.status).toBe(303);
  const [job] = jobBoardOf(s).recent(MODEL_JOB);
  expect(job.label).toBe('checking the model against later orders');
  // The stream ends with the job's last state, whether it is still running or already done.
  const stream = await (await http.fetch(`/console/jobs/${job.id}/events`)).text();
  expect(stream).toContain('"state":"done"');
  const page = await (await http.fetch('/model')).text();
  expect(page).not.toContain('data-job-events');
  const expected = await validateModel(s, {});
  expect(expected.byFrequency.length).toBeGreaterThan(1);
  for (const row of expected.byFrequency) {
    expect(page).toContain(`<th scope="row">${row.frequency}</th><td class="num">${row.customers.toLocaleString('en-GB')}</td><td class="num">${row.predicted.toFixed(3)}</td><td class="num">${row.actual.toFixed(3)}</td>`);
  }
  // The CLI's chart (chart.ts), inline.
  const chart = /<img src="data:image\/svg\+xml;base64,([^"]+)"/.exec(page)?.[1] as string;
  expect(Buffer.from(chart, 'base64').toString('utf8')).toContain('Holdout purchases per customer, by purchases in the calibration period');
}, 60_000);

test('before any fit the page says what to do next; its button fits and scores in the background', async () => {
  const empty = await cdnowShop();
  const other = await marketerConsole(empty);
  try {
    const page = await (await other.fetch('/model')).text();
    expect(page).toContain('no model has been fitted yet');
    expect(page).toContain('Fit the model and score every customer');
    expect((await other.fetch('/model/fit', { method: 'POST', body: new URLSearchParams({ _csrf: other.csrf }) })).status).toBe(303);
    const running = await (await other.fetch('/model')).text();
    const events = /data-job-events="([^"]+)"/.exec(running)?.[1] as string;
    expect(await (await other.fetch(events)).text()).toContain('"state":"done"');
    const fitted = await (await other.fetch('/model')).text();
    expect(fitted).toContain('Model version 1');
    expect(fitted).toContain('2,357</span> customers scored as of');
  } finally {
    await other.close();
    await empty.dispose();
  }
});

test('a model stored without its fit details (as the console bench writes one) still shows its parameters', async () => {
  const bare = await testServices();
  await bare.db.write((tx) =>
    tx.query(`INSERT INTO model_fits (id, fitted_at, calibration_end, time_unit, currency, bgnbd, gamma_gamma, diagnostics, customers, repeat_customers)
      VALUES (1, '2025-06-01T00:00:00.000Z', '2025-06-01', 'week', 'EUR', '{"r":0.243,"alpha":4.414,"a":0.793,"b":2.426}', '{"p":6.25,"q":3.74,"gamma":15.44}', '[]', 10, 5)`),
  );
  const other = await marketerConsole(bare);
  try {
    const res = await other.fetch('/model');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('up to 1 June 2025');
    expect(page).toContain('BG/NBD: no fit details stored');
  } finally {
    await other.close();
    await bare.dispose();
  }
});
