/**
 * Attribution over a real SQLite shop: which orders count for a run (kept, not refunded in full,
 * after launch, inside the window), which codes tie orders to a step (checkout API or an imported
 * order's discount_code), and what a report says while the window is still open.
 */
import { InputError } from '../../../src/domain/errors';
import { runReport } from '../../../src/reporting/runReport';
import { DAY_MS, lapsedCustomers, openShop, Shop, step, winback } from '../../support/campaignShop';

describe('the run report attributes orders to a run', () => {
  let shop: Shop;
  let runId: number;
  let treated: string[];
  let held: string[];

  beforeAll(async () => {
    shop = await openShop({
      customers: lapsedCustomers(40),
      campaigns: { measured: winback([step('1-we-miss-you'), step('4-should-we-stop', '7d')], { holdout: 0.5, attributionWindowDays: 30 }) },
    });
    const launched = await shop.services.campaigns().launch('measured', {});
    runId = launched.runId;
    const rows: { email: string; holdout: number | boolean }[] = await shop.services.db.reader.query(
      'SELECT c.email, e.holdout FROM enrolments e JOIN customers c ON c.id = e.customer_id WHERE e.run_id = ? ORDER BY e.customer_id', [runId]);
    treated = rows.filter((r) => !Number(r.holdout)).map((r) => r.email);
    held = rows.filter((r) => Number(r.holdout)).map((r) => r.email);
    await shop.dispatch();
  });
  afterAll(async () => {
    await shop?.dispose();
  });

  it('finds a run by id or by campaign name, and refuses an unknown one with an InputError', async () => {
    const byName = await runReport(shop.services, 'measured');
    expect(byName.runId).toBe(runId);
    expect((await runReport(shop.services, runId)).runId).toBe(runId);
    await expect(runReport(shop.services, 'nope')).rejects.toBeInstanceOf(InputError);
    await expect(runReport(shop.services, 999)).rejects.toBeInstanceOf(InputError);
  });

  it('counts the audience, the holdout and step 1 sent', async () => {
    const r = await runReport(shop.services, runId);
    expect(r.audience).toBe(treated.length + held.length);
    expect(r.treated).toBe(treated.length);
    expect(r.holdout).toBe(held.length);
    expect(r.sent).toBe(treated.length);
    expect(r.steps[0]).toMatchObject({ step: 1, sent: treated.length, delivered: treated.length });
    expect(r.window).toEqual({ from: '2025-06-02T08:00:00.000Z', to: '2025-07-02T08:00:00.000Z', open: true });
  });
});
