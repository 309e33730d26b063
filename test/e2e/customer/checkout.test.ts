import { CodeIssuer } from '../../../src/customer/codes';
import { anOffer, CREDIT_RUNG, NOW } from '../../support/campaignFixtures';
import type { Listening } from '../../support/customerApp';
import { withCustomerServer } from '../../support/customerServer';
import { postJson } from '../../support/http';
import type { TestServices } from '../../support/services';

describe('the checkout API', () => {
  let s: TestServices;
  let http: Listening;
  let key: string;
  withCustomerServer({}, {}, (env) => ({ s, http } = env));
  beforeAll(async () => {
    key = (await s.apiKeys.create('checkout')).key;
  });

  const call = (path: string, body: unknown, bearer = key) => postJson(http.url(`/api/codes/${path}`), body, { authorization: `Bearer ${bearer}` });
  const issued = async (options: Parameters<typeof anOffer>[1] = {}) => {
    const offer = await anOffer(s.db, options);
    const outcome = await new CodeIssuer(s.db).issue(offer.sendId, NOW);
    return { ...offer, code: (outcome as { code: string }).code };
  };

  it('validates a code for an order: what it takes off, in decimal strings', async () => {
    const { code, email } = await issued();
    expect(await call('validate', { code: code.toLowerCase(), email: email.toUpperCase(), orderTotal: '42.50', currency: 'EUR' })).toEqual({
      status: 200,
      body: { valid: true, discount: { kind: 'percent_off', label: '15% off your next order', amount: '6.38', currency: 'EUR', freeShipping: false, gift: null, expiresAt: '2025-07-11T10:00:00.000Z' } },
    });
    expect((await call('validate', { code, orderTotal: '500.00', currency: 'EUR' })).body.discount.amount).toBe('25.00');
  });

  it('says why a code is not valid: unknown, someone else\'s, another currency', async () => {
    const { code } = await issued();
    expect(await call('validate', { code: 'WELCOME-AAAA-BBBB-CCCC-DDDD-EEEE', orderTotal: '10.00', currency: 'EUR' })).toEqual({ status: 200, body: { valid: false, reason: 'unknown_code', discount: null } });
    expect((await call('validate', { code, email: 'someone@else.example', orderTotal: '10.00', currency: 'EUR' })).body).toEqual({ valid: false, reason: 'not_for_customer', discount: null });
    expect((await call('validate', { code, orderTotal: '10.00', currency: 'USD' })).body).toEqual({ valid: false, reason: 'wrong_currency', discount: null });
  });

  it('redeems once per code, the same answer for the same order again, 409 for another order, and attributes the step', async () => {
    const { code, runId, sendId, customerId, enrolmentId } = await issued({ rung: CREDIT_RUNG });
    const first = await call('redeem', { code, orderId: 'A-1001', orderTotal: '31.90', currency: 'EUR' });
    expect(first).toEqual({
      status: 200,
      body: {
        redeemed: true, orderId: 'A-1001', code, orderTotal: '31.90', redeemedAt: NOW.toISOString(),
        discount: { kind: 'fixed_credit', label: 'A €10.00 credit on your next order', amount: '10.00', currency: 'EUR', freeShipping: false, gift: null, expiresAt: '2025-07-11T10:00:00.000Z' },
        attribution: { runId, campaign: 'nostalgia-winback', step: 1 },
      },
    });
    expect(await call('redeem', { code, orderId: 'A-1001', orderTotal: '31.90', currency: 'EUR' })).toEqual(first);
    const second = await call('redeem', { code, orderId: 'A-1002', orderTotal: '31.90', currency: 'EUR' });
    expect(second.status).toBe(409);
    expect(second.body).toEqual({ error: { code: 'code_redeemed', message: expect.stringContaining('already used on another order') } });
    expect((await call('validate', { code, orderTotal: '31.90', currency: 'EUR' })).body).toEqual({ valid: false, reason: 'redeemed', discount: null });
    expect(await s.db.reader.query("SELECT customer_id, run_id, send_id, data FROM events WHERE type = 'redeem' AND send_id = $1", [sendId])).toEqual([
      { customer_id: customerId, run_id: runId, send_id: sendId, data: JSON.stringify({ orderId: 'A-1001', code, step: 1, orderTotal: '31.90', discount: '10.00', currency: 'EUR' }) },
    ]);
    expect(await s.db.reader.query('SELECT exit_reason FROM enrolments WHERE id = $1', [enrolmentId])).toEqual([{ exit_reason: 'redemption' }]);
  });

  it('gives the code back when the order is cancelled, so another order can use it', async () => {
    const { code } = await issued();
    await call('redeem', { code, orderId: 'B-1', orderTotal: '20.00', currency: 'EUR' });
    const released = await call('release', { orderId: 'B-1' });
    expect(released).toEqual({ status: 200, body: { released: true, orderId: 'B-1', code, releasedAt: NOW.toISOString() } });
    expect(await call('release', { orderId: 'B-1' })).toEqual(released);
    expect((await call('redeem', { code, orderId: 'B-2', orderTotal: '20.00', currency: 'EUR' })).status).toBe(200);
    const replayOfCancelled = await call('redeem', { code, orderId: 'B-1', orderTotal: '20.00', currency: 'EUR' });
    expect([replayOfCancelled.status, replayOfCancelled.body.error.code]).toEqual([409, 'order_released']);
    expect((await call('release', { orderId: 'never-redeemed' })).status).toBe(404);
  });

  it('refuses a code on the wrong customer\'s order, after it expired, or a second code on one order', async () => {
    const { code, email } = await issued();
    const wrong = await call('redeem', { code, email: `x${email}`, orderId: 'C-1', orderTotal: '20.00', currency: 'EUR' });
    expect([wrong.status, wrong.body.error.code]).toEqual([422, 'code_not_for_customer']);
    const old = await issued({ offerExpiresAt: new Date(NOW.getTime() + 1000) });
    await s.db.write((tx) => tx.query('UPDATE codes SET expires_at = $1 WHERE code = $2', [NOW.toISOString(), old.code]));
    const expired = await call('redeem', { code: old.code, orderId: 'C-2', orderTotal: '20.00', currency: 'EUR' });
    expect([expired.status, expired.body.error.code]).toEqual([422, 'code_expired']);
    expect((await call('redeem', { code, email, orderId: 'C-3', orderTotal: '20.00', currency: 'EUR' })).status).toBe(200);
    const another = await issued();
    const twice = await call('redeem', { code: another.code, orderId: 'C-3', orderTotal: '20.00', currency: 'EUR' });
    expect([twice.status, twice.body.error.code]).toEqual([409, 'order_has_other_code']);
    const unknown = await call('redeem', { code: 'WELCOME-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ', orderId: 'C-4', orderTotal: '20.00', currency: 'EUR' });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'code_not_found']);
  });

  it('names the field for bad input, and refuses a huge body, a wrong role or no key', async () => {
    const bad = await call('redeem', { code: 'WELCOME-AAAA-BBBB', orderId: 'D-1', orderTotal: 42.5, currency: 'EUR' });
    expect(bad).toEqual({ status: 400, body: { error: { code: 'invalid_input', message: expect.stringContaining('decimal string'), field: 'orderTotal' } } });
    expect((await call('validate', { code: 'x', orderTotal: '12,50', currency: 'EUR' })).body.error).toMatchObject({ field: 'orderTotal', message: expect.stringContaining('use a dot') });
    expect((await call('validate', { code: 'x', orderTotal: '1.00', currency: 'XXY' })).body.error.field).toBe('currency');
    expect((await call('redeem', { code: 'x', orderTotal: '1.00', currency: 'EUR' })).body.error.field).toBe('orderId');
    const huge = await call('validate', { code: 'x'.repeat(10_000), orderTotal: '1.00', currency: 'EUR' });
    expect([huge.status, huge.body.error.code]).toEqual([413, 'too_large']);
    const marketer = (await s.apiKeys.create('marketer')).key;
    expect((await call('validate', { code: 'x', orderTotal: '1.00', currency: 'EUR' }, marketer)).status).toBe(403);
    expect((await call('validate', { code: 'x', orderTotal: '1.00', currency: 'EUR' }, 'nope')).status).toBe(401);
  });

  it('200 concurrent redemptions of one code with different orders: exactly one success and 199 conflicts', async () => {
    const { code } = await issued();
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) => call('redeem', { code, orderId: `race-${i}`, orderTotal: '40.00', currency: 'EUR' })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((x) => x === 200)).toHaveLength(1);
    expect(statuses.filter((x) => x === 409)).toHaveLength(199);
    expect(await s.db.reader.query('SELECT CAST(COUNT(*) AS INTEGER) AS n FROM redemptions r JOIN codes k ON k.id = r.code_id WHERE k.code = $1', [code])).toEqual([{ n: 1 }]);
  });
});
