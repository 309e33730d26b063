/**
 * A big finished run, seeded in SQL for the benches that read it (the report, the console):
 * `customers` customers, all enrolled in run 1 (10% held out), ten orders each of history, the
 * sends, opens, clicks, codes and redemptions a run leaves, and the comebacks after launch.
 */
import type { Services } from '../src/wiring';

export const LAUNCH = '2025-06-02T08:00:00.000Z';
const HISTORY = 10;
const STAND_IN = { campaign: 'bench', definition: { name: 'bench', steps: [{ template: 'nostalgia-winback/1-we-miss-you' }, { template: 'nostalgia-winback/2-thank-you' }], budget: {}, attributionWindowDays: 60 } };

/** Seeds with INSERT ... SELECT over a counter: a million rows without a million round trips. */
/** `run` names the run's campaign and gives its frozen definition (a launched file's); by default a two-step stand-in. */
export async function seedBigRun(s: Services, customers: number, run: { campaign: string; definition: object } = STAND_IN): Promise<{ runId: number; orders: number }> {
  const count = (n: number) => `WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ${n})`;
  // A well-mixed per-customer draw in 0..999: who comes back, how often, with a code.
  const draw = '((c.id * 2654435761) % 1000)';
  const definition = JSON.stringify(run.definition).replace(/'/g, "''");
  const rung = JSON.stringify({ id: 'pct-15', kind: 'percent_off', label: '15% off', percent: 15, pRedeem: 0.3 });
  const statements = [
    `${count(customers)} INSERT INTO customers (id, email, consent, created_at, updated_at) SELECT i, 'c' || i || '@example.com', 'yes', '2023-01-01T00:00:00.000Z', '2023-01-01T00:00:00.000Z' FROM k`,
    `INSERT INTO import_batches (id, source, status, started_at, finished_at) VALUES (1, 'csv:generic', 'committed', '2025-01-01T00:00:00.000Z', '2025-01-01T00:01:00.000Z'), (2, 'api', 'committed', '2025-07-01T00:00:00.000Z', '2025-07-01T00:00:01.000Z')`,
    // History: ten orders each in 2023-2024, long before launch.
    `${count(HISTORY)} INSERT INTO orders (order_id, customer_id, ordered_at, ordered_day, currency, amount_minor, refunded_minor, status, items, import_batch_id)
       SELECT 'h' || c.id || '-' || k.i, c.id, date('2023-01-01', '+' || (k.i * 61 + c.id % 30) || ' days') || 'T12:00:00.000Z',
              date('2023-01-01', '+' || (k.i * 61 + c.id % 30) || ' days'), 'EUR', 2000 + (c.id * 7 + k.i * 13) % 6000, 0, 'kept', '[]', 1
         FROM customers c CROSS JOIN k`,
    `INSERT INTO model_fits (id, fitted_at, calibration_end, time_unit, currency, bgnbd, gamma_gamma, diagnostics, customers, repeat_customers)
       VALUES (1, '2025-06-01T00:00:00.000Z', '2025-06-01', 'week', 'EUR', '{"r":0.243,"alpha":4.414,"a":0.793,"b":2.426}', '{"p":6.25,"q":3.74,"gamma":15.44}', '[]', ${customers}, ${customers})`,
    `INSERT INTO campaign_runs (id, campaign, definition, state, model_version, currency, launched_at) VALUES (1, '${run.campaign}', '${definition}', 'active', 1, 'EUR', '${LAUNCH}')`,
    `INSERT INTO enrolments (id, run_id, customer_id, holdout, treatment, budget_minor, offer, expected_cost_minor, value_minor, offer_expires_at, enrolled_at)
       SELECT c.id, 1, c.id, c.id % 10 = 0, 'offer', 1500, '${rung}', 200, 3000, '2025-06-23T08:00:00.000Z', '${LAUNCH}' FROM customers c`,
    `INSERT INTO customer_scores (model_version, as_of, customer_id, x, tx, t, monetary, p_alive, expected_purchases, expected_spend, clv_as_is_minor, clv_if_won_minor, value_minor, budget_minor, budget_rule, treatment, offer_id, last_order_day, scored_at)
       SELECT 1, '2025-06-02', c.id, c.id % 8, (c.id % 50) / 7.0, 60 + (c.id % 40) / 7.0, 45, 0.3, 0.5, 45, 1000, 4000, 3000, 1500, 'share', 'offer', 'pct-15', '2024-08-01', '${LAUNCH}' FROM customers c`,
    // Two steps to every treated customer; opens on 40% of sends, clicks on 5%.
    `INSERT INTO sends (enrolment_id, run_id, customer_id, step, status, due_at, attempts, sent_at)
       SELECT e.id, 1, e.customer_id, st.step, CASE WHEN e.id % 97 = 0 THEN 'suppressed' ELSE 'sent' END, '${LAUNCH}', 1,
              CASE WHEN st.step = 1 THEN '2025-06-02T09:00:00.000Z' ELSE '2025-06-09T09:00:00.000Z' END
         FROM enrolments e CROSS JOIN (SELECT 1 AS step UNION ALL SELECT 2) st WHERE NOT e.holdout`,
    `INSERT INTO events (type, customer_id, run_id, send_id, at) SELECT 'open', customer_id, 1, id, sent_at FROM sends WHERE id % 5 < 2`,
    `INSERT INTO events (type, customer_id, run_id, send_id, at) SELECT 'click', customer_id, 1, id, sent_at FROM sends WHERE id % 20 = 0`,
    // After launch: 12% of the treated and 8% of the held out come back, one to three orders each; every 17th is refunded in full.
    `${count(3)} INSERT INTO orders (order_id, customer_id, ordered_at, ordered_day, currency, amount_minor, refunded_minor, status, items, import_batch_id)
       SELECT 'n' || c.id || '-' || k.i, c.id, date('2025-06-02', '+' || (k.i * 9) || ' days') || 'T15:00:00.000Z', date('2025-06-02', '+' || (k.i * 9) || ' days'),
              'EUR', 2500 + (c.id * 11) % 5000, CASE WHEN (c.id + k.i) % 17 = 0 THEN 2500 + (c.id * 11) % 5000 ELSE 0 END, 'kept', '[]', 2
         FROM customers c CROSS JOIN k
        WHERE k.i <= 1 + c.id % 3 AND ${draw} < CASE WHEN c.id % 10 = 0 THEN 80 ELSE 120 END`,
    // Codes for half of the treated who came back: a quarter redeemed at checkout, a quarter named in the imported order.
    `INSERT INTO codes (code, enrolment_id, customer_id, run_id, send_id, discount, currency, expires_at, issued_at)
       SELECT 'WELCOME-' || c.id, c.id, c.id, 1, (SELECT s.id FROM sends s WHERE s.enrolment_id = c.id AND s.step = 1), '${rung}', 'EUR', '2025-06-23T08:00:00.000Z', '2025-06-03T08:00:00.000Z'
         FROM customers c WHERE c.id % 10 <> 0 AND ${draw} < 120 AND c.id % 2 = 0`,
    `INSERT INTO redemptions (order_id, code_id, customer_id, run_id, send_id, order_total_minor, discount_minor, currency, redeemed_at)
       SELECT 'n' || k.customer_id || '-1', k.id, k.customer_id, 1, k.send_id, 5000, 750, 'EUR', '2025-06-11T15:00:00.000Z' FROM codes k WHERE k.customer_id % 4 = 0`,
    `UPDATE orders SET discount_code = (SELECT k.code FROM codes k WHERE k.customer_id = orders.customer_id)
       WHERE order_id IN (SELECT 'n' || k.customer_id || '-1' FROM codes k WHERE k.customer_id % 4 = 2)`,
    'ANALYZE',
  ];
  await s.db.writeBulk(async (tx) => {
    for (const sql of statements) await tx.query(sql);
  });
  const [{ n }] = await s.db.reader.query('SELECT COUNT(*) AS n FROM orders');
  return { runId: 1, orders: Number(n) };
}
