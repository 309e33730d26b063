/**
 * The day-by-day reactivation curve on a real SQLite shop, hand-counted: a customer counts from
 * the day (shop time zone) of their first order that the report counts, once, in their group;
 * refunded, pre-launch and after-window orders never count; the curve ends at the clock and
 * agrees with the report's totals.
 */
import { importOrders } from '../../../src/import/importer';
import { wilson, newcombeDifference } from '../../../src/domain/intervals';
import { reactivationCurve } from '../../../src/reporting/reactivationCurve';
import { runReport } from '../../../src/reporting/runReport';
import { DAY_MS, LAUNCH_AT, lapsedCustomers, openShop, Shop, step, winback } from '../../support/campaignShop';

const at = (days: number, hours = 0) => new Date(Date.parse(LAUNCH_AT) + days * DAY_MS + hours * 3_600_000).toISOString();

describe('the reactivation curve of a run', () => {
  let shop: Shop;
  let runId: number;
  let treated: string[];
  let held: string[];
  let n = 0;
  const order = (email: string, when: string, day: string, refunded = false) => ({
    orderId: `curve-${++n}`, customer: { email }, orderedAt: when, orderedDay: day, currency: 'EUR', amountMinor: 3000,
    refundedMinor: refunded ? 3000 : 0, status: 'kept' as const, items: ['Kenya AA'], line: n,
  });

  beforeAll(async () => {
    shop = await openShop({
      customers: lapsedCustomers(40),
      campaigns: { measured: winback([step('1-we-miss-you')], { holdout: 0.5, attributionWindowDays: 30 }) },
    });
    runId = (await shop.services.campaigns().launch('measured', {})).runId;
    const rows: { email: string; holdout: number }[] = await shop.services.db.reader.query(
      'SELECT c.email, e.holdout FROM enrolments e JOIN customers c ON c.id = e.customer_id WHERE e.run_id = $1 ORDER BY e.customer_id', [runId]);
    treated = rows.filter((r) => !Number(r.holdout)).map((r) => r.email);
    held = rows.filter((r) => Number(r.holdout)).map((r) => r.email);
    expect(treated.length).toBeGreaterThanOrEqual(5);
    expect(held.length).toBeGreaterThanOrEqual(3);
    const [t1, t2, t3, t4, t5] = treated;
    // LAUNCH_AT is 2025-06-02 10:00 in Berlin: day 0.
    await importOrders(shop.services.db, [
      order(t1, at(0, 5), '2025-06-02'),
      // 23:30 UTC is 01:30 the next day in Berlin: day 1, not day 0.
      order(t2, at(0, 15.5), '2025-06-03'),
      order(t2, at(4), '2025-06-06'), // a second order: t2 still counts once, on day 1
      order(t3, at(2), '2025-06-04', true), // refunded in full: never counts
      order(t4, at(-1), '2025-06-01'), // before launch
      order(t5, at(3), '2025-06-05'),
      order(held[0], at(3), '2025-06-05'),
      order(held[1], at(40), '2025-07-12'), // after the 30-day window
    ], { source: 'test', file: 'curve.csv', now: shop.clock.now });
    shop.clock.set(at(10));
  });
  afterAll(async () => {
    await shop?.dispose();
  });

  const curve = async () => {
    const r = await runReport(shop.services, runId);
    return { r, days: await reactivationCurve(shop.services.db, { runId, currency: 'EUR', window: r.window, treated: r.treated, holdout: r.holdout, now: shop.clock.now(), shopTimeZone: 'Europe/Berlin' }) };
  };

  it('counts each customer once, from the shop-time day of their first counted order, up to the clock', async () => {
    const { days } = await curve();
    expect(days.map((d) => d.day)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(days[0].date).toBe('2025-06-02');
    expect(days.map((d) => d.treated.reactivated)).toEqual([1, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3]);
    expect(days.map((d) => d.holdout?.reactivated)).toEqual([0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('gives each day both groups\' rates with their Wilson intervals and the difference with Newcombe\'s', async () => {
    const { days } = await curve();
    const T = treated.length;
    const H = held.length;
    const d3 = days[3];
    expect(d3.treated).toEqual({ reactivated: 3, rate: 3 / T, lo: wilson(3, T)!.lo, hi: wilson(3, T)!.hi });
    expect(d3.holdout).toEqual({ reactivated: 1, rate: 1 / H, lo: wilson(1, H)!.lo, hi: wilson(1, H)!.hi });
    const diff = newcombeDifference(3, T, 1, H)!;
    expect(d3.difference).toEqual({ rate: diff.estimate, lo: diff.lo, hi: diff.hi });
    expect(days[0].holdout).toEqual({ reactivated: 0, rate: 0, lo: 0, hi: wilson(0, H)!.hi });
  });

  it('ends where the report ends: its last day holds the report\'s reactivations', async () => {
    const { r, days } = await curve();
    const last = days[days.length - 1];
    expect([last.treated.reactivated, last.holdout?.reactivated]).toEqual([r.reactivated.treated, r.reactivated.holdout]);
    // After the window closes the curve stops at its last day: 30 days from 10:00 on day 0 end at 10:00 on day 30.
    shop.clock.set(at(45));
    const closed = await curve();
    expect(closed.days).toHaveLength(31);
    expect(closed.days[30]).toMatchObject({ day: 30, date: '2025-07-02' });
    expect(closed.days[30].holdout?.reactivated).toBe(1);
    shop.clock.set(at(10));
  });

  it('has no holdout line when nobody is held out', async () => {
    const r = await runReport(shop.services, runId);
    const days = await reactivationCurve(shop.services.db, { runId, currency: 'EUR', window: r.window, treated: r.treated + r.holdout, holdout: 0, now: shop.clock.now(), shopTimeZone: 'Europe/Berlin' });
    expect(days[0].holdout).toBeNull();
    expect(days[0].difference).toBeNull();
  });
});
