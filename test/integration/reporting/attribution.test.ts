/**
 * Attribution over a real SQLite shop, hand-computed: which orders count for a run (kept, not
 * refunded in full, after launch, inside the window), which codes tie orders to a step (the
 * checkout API, or an imported order's discount_code the shop's checkout never reported), a code
 * redeemed at checkout whose order never arrives, and what the report says while the window is open.
 */
import { Checkout } from '../../../src/customer/checkout';
import { parseRedeemQuery } from '../../../src/customer/checkoutRequest';
import { CodeIssuer } from '../../../src/customer/codes';
import { InputError } from '../../../src/domain/errors';
import { importOrders } from '../../../src/import/importer';
import { runReport } from '../../../src/reporting/runReport';
import { DAY_MS, LAUNCH_AT, lapsedCustomers, openShop, Shop, step, winback } from '../../support/campaignShop';

const LADDER = [{ id: 'pct-15', kind: 'percent_off', label: '15% off your next order', percent: 15, pRedeem: 0.3 }];
const at = (days: number) => new Date(Date.parse(LAUNCH_AT) + days * DAY_MS).toISOString();

describe('the run report attributes orders to a run', () => {
  let shop: Shop;
  let runId: number;
  let treated: { email: string; sendId: number }[];
  let held: string[];
  let orderNumber = 0;

  /** One order as an import would record it: net `amount` in cents, optionally refunded in full or naming a code. */
  const order = (email: string, when: string, amountMinor = 4250, extra: { refunded?: boolean; code?: string; id?: string } = {}) => ({
    orderId: extra.id ?? `late-${++orderNumber}`,
    customer: { email },
    orderedAt: when,
    orderedDay: when.slice(0, 10),
    currency: 'EUR',
    amountMinor,
    refundedMinor: extra.refunded ? amountMinor : 0,
    status: 'kept' as const,
    discountCode: extra.code,
    items: ['Kenya AA'],
    line: orderNumber + 1,
  });
  const importNow = (records: ReturnType<typeof order>[]) => importOrders(shop.services.db, records, { source: 'test', file: 'late.csv', now: shop.clock.now });

  beforeAll(async () => {
    shop = await openShop({
      customers: lapsedCustomers(40),
      campaigns: {
        measured: winback([step('1-we-miss-you'), step('4-should-we-stop', '14d')], {
          holdout: 0.5, attributionWindowDays: 30, offers: { ladder: LADDER, zeroValue: 'nostalgia-only', expiresAfterDays: 21 },
        }),
      },
      settings: { SEND_COST: '0.05' },
    });
    runId = (await shop.services.campaigns().launch('measured', {})).runId;
    await shop.dispatch();
    const rows: { email: string; holdout: number; send_id: number | null; offer: string | null }[] = await shop.services.db.reader.query(
      `SELECT c.email, e.holdout, e.offer, s.id AS send_id FROM enrolments e JOIN customers c ON c.id = e.customer_id
         LEFT JOIN sends s ON s.enrolment_id = e.id AND s.step = 1 WHERE e.run_id = $1 ORDER BY e.customer_id`, [runId]);
    treated = rows.filter((r) => !Number(r.holdout) && r.offer).map((r) => ({ email: r.email, sendId: Number(r.send_id) }));
    held = rows.filter((r) => Number(r.holdout)).map((r) => r.email);
    expect(treated.length).toBeGreaterThanOrEqual(7);
    expect(held.length).toBeGreaterThanOrEqual(3);
  });
  afterAll(async () => {
    await shop?.dispose();
  });

  it('finds a run by id or by campaign name, and refuses an unknown one with an InputError', async () => {
    expect((await runReport(shop.services, 'measured')).runId).toBe(runId);
    expect((await runReport(shop.services, String(runId))).runId).toBe(runId);
    await expect(runReport(shop.services, 'nope')).rejects.toBeInstanceOf(InputError);
    await expect(runReport(shop.services, 999)).rejects.toBeInstanceOf(InputError);
  });

  it('before any order comes in: the window is open, nobody came back, and it says no orders were imported', async () => {
    const r = await runReport(shop.services, runId);
    expect(r.window).toEqual({ from: LAUNCH_AT, to: at(30), open: true });
    expect(r.reactivated).toEqual({ treated: 0, holdout: 0 });
    expect(r.revenue).toBe('0.00');
    expect(r.caveats.join('\n')).toMatch(/preliminary: the attribution window is open until/);
    expect(r.caveats.join('\n')).toMatch(/no orders have been imported since launch/);
  });

  describe('after the orders come in', () => {
    let discountT1 = 0;
    let discountT3 = 0;
    let codeT2 = '';

    beforeAll(async () => {
      const [t1, t2, t3, t4, t5, t6, t7] = treated;
      const issuer = new CodeIssuer(shop.services.db);
      const checkout = new Checkout(shop.services.db, shop.clock.now);
      shop.clock.set(at(2));
      const code1 = ((await issuer.issue(t1.sendId, shop.clock.now())) as { code: string }).code;
      codeT2 = ((await issuer.issue(t2.sendId, shop.clock.now())) as { code: string }).code;
      const code3 = ((await issuer.issue(t3.sendId, shop.clock.now())) as { code: string }).code;
      // t1 redeems at checkout on a 50.00 order (15% = 7.50 off) and the order is imported later, naming the code too.
      discountT1 = Number((await checkout.redeem(parseRedeemQuery({ code: code1, orderId: 'chk-1', orderTotal: '50.00', currency: 'EUR' }))).discount.amount);
      // t3 redeems at checkout on 40.00 (6.00 off); that order is never imported.
      discountT3 = Number((await checkout.redeem(parseRedeemQuery({ code: code3, orderId: 'chk-3', orderTotal: '40.00', currency: 'EUR' }))).discount.amount);
      await importNow([
        order(t1.email, at(2), 4250, { id: 'chk-1', code: code1 }),
        // t2's shop never calls the checkout API: the code is only in the imported order, typed carelessly.
        order(t2.email, at(3), 4250, { code: ` ${codeT2.toLowerCase()} ` }),
        order(t4.email, at(4), 4250, { refunded: true }),
        order(t5.email, at(40)),
        order(t6.email, at(-1)),
        order(t7.email, at(2)),
        order(t7.email, at(5), 8500),
        order(held[0], at(6)),
        order(held[1], at(7), 2000),
        order(held[2], at(8), 4250, { refunded: true }),
      ]);
      shop.clock.set(at(10));
    });

    it('counts kept orders after launch inside the window: not refunded ones, not before launch, not after the window', async () => {
      const r = await runReport(shop.services, runId);
      // t1 (42.50), t2 (42.50) and t7 (42.50 + 85.00); held[0] (42.50) and held[1] (20.00).
      expect(r.reactivated).toEqual({ treated: 3, holdout: 2 });
      expect(r.revenue).toBe('212.50');
      expect(r.margin).toBe('85.00');
      expect(r.holdoutRevenue).toBe('62.50');
      expect(r.predictedVsActual.treated.actualPurchases).toBe(4);
      expect(r.predictedVsActual.holdout.actualPurchases).toBe(2);
      expect(r.predictedVsActual.treated.predictedPurchases).toBeGreaterThan(0);
    });

    it('ties codes to step 1 through the checkout API and through an imported discount_code, never twice', async () => {
      expect([discountT1, discountT3]).toEqual([7.5, 6]);
      const r = await runReport(shop.services, runId);
      // t1, t2 (15% inside 42.50: 42.50 × 15/85 = 7.50) and t3 (redeemed, order missing).
      expect(r.redeemed).toBe(3);
      expect(r.incentiveCost).toBe('21.00');
      expect(r.steps[0]).toMatchObject({ step: 1, redeemed: 3, revenue: '85.00', margin: '34.00', incentiveCost: '21.00', reactivated: 3 });
      expect(r.steps[1]).toMatchObject({ step: 2, sent: 0, redeemed: 0, revenue: '0.00' });
      expect(r.caveats).toContain('1 code was redeemed at checkout on an order not imported yet: its revenue is missing until it is');
    });

    it('works the incremental figures from the two groups, with the send cost per email', async () => {
      const r = await runReport(shop.services, runId);
      const nT = r.treated;
      const nH = r.holdout;
      expect(r.sent).toBe(nT);
      expect(r.sendCost).toBe((0.05 * nT).toFixed(2));
      expect(r.incrementalReactivationRate.estimate).toBeCloseTo(3 / nT - 2 / nH, 6);
      // 0.4 × (212.50 − 62.50 × nT / nH)
      expect(Number(r.incrementalMargin.estimate)).toBeCloseTo(0.4 * (212.5 - (62.5 * nT) / nH), 2);
      const costs = 21 + 0.05 * nT;
      expect(r.roi).toBeCloseTo((Number(r.incrementalMargin.estimate) - 0.05 * nT) / costs, 4);
      expect(r.cac).toBe('30.00');
      expect(r.caveats.join('\n')).not.toMatch(/no orders have been imported since launch/);
    });

    it('is final once the window has closed, and still leaves out the order placed after it', async () => {
      shop.clock.set(at(45));
      const r = await runReport(shop.services, runId);
      expect(r.window.open).toBe(false);
      expect(r.caveats.join('\n')).not.toMatch(/preliminary/);
      expect(r.reactivated).toEqual({ treated: 3, holdout: 2 });
    });
  });
});
