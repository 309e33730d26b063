/**
 * `customer forget` on PostgreSQL: one transaction that erases the person, keeps the report to
 * the cent, writes the hashed suppression and the audit entry, or (failing half-way) nothing.
 * A database of its own, beside REKINDLE_TEST_POSTGRES_URL's, so it runs beside postgres.test.ts.
 */
import { listAudit } from '../../src/audit/auditLog';
import { saveFeedback } from '../../src/customer/feedback';
import { forgetCustomer } from '../../src/privacy/customerRecords';
import { runReport } from '../../src/reporting/runReport';
import { DAY_MS, lapsedCustomers, openShop, Shop, TWO_STEPS } from '../support/campaignShop';
import { ownPostgresDatabase } from '../support/postgresDatabase';

describe('customer forget on PostgreSQL', () => {
  let shop: Shop;
  let runId: number;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await ownPostgresDatabase('rekindle_test_privacy');
    drop = database.drop;
    shop = await openShop({ customers: lapsedCustomers(5), campaigns: { 'two-steps': TWO_STEPS }, settings: { DATABASE_URL: database.url } });
    runId = (await shop.services.campaigns().launch('two-steps', {})).runId;
    expect(await shop.dispatch()).toMatchObject({ sent: 5 });
    shop.clock.advance(DAY_MS);
    await shop.addOrders([{ email: 'c1@example.com', day: '2025-06-03', at: shop.clock.now().toISOString() }]);
    for (const email of ['c1@example.com', 'c2@example.com']) {
      const id = shop.customerId(email);
      const send = (await shop.sends(runId)).find((s) => s.customerId === id)!;
      await saveFeedback(shop.services.db, { customerId: id, runId, sendId: send.id, incidentId: null }, `words of ${email}`, shop.clock.now());
    }
  }, 60_000);
  afterAll(async () => {
    await shop?.dispose();
    await drop?.();
  });

  const q = (sql: string, params: unknown[] = []) => shop.services.db.reader.query(sql, params);

  it('erases the person and keeps the report to the cent', async () => {
    const before = await runReport(shop.services, String(runId));
    const result = await forgetCustomer(shop.services, 'c1@example.com', 'test:pg');
    expect(result.erased).toMatchObject({ customers: 1, orders: 4, feedback: 1, enrolments: 1 });
    expect(await runReport(shop.services, String(runId))).toEqual(before);
    const id = shop.customerId('c1@example.com');
    expect(await q('SELECT email, first_name, consent FROM customers WHERE id = $1', [id])).toEqual([{ email: null, first_name: null, consent: 'no' }]);
    expect(await q('SELECT message FROM feedback WHERE customer_id = $1', [id])).toEqual([{ message: '' }]);
    expect(await q(`SELECT reason FROM suppressions WHERE email LIKE 'forgotten:%'`)).toEqual([{ reason: 'forgotten' }]);
    expect((await listAudit(shop.services.db, 10)).map((e) => [e.actor, e.action, e.subject])).toContainEqual(['test:pg', 'forget', `customer ${id}`]);
  });

  it('writes nothing when a forget fails half-way', async () => {
    const id = shop.customerId('c2@example.com');
    await shop.services.db.write(async (tx) => {
      await tx.query(`CREATE FUNCTION refuse_forget() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused by test'; END $$ LANGUAGE plpgsql`);
      await tx.query(`CREATE TRIGGER refuse_forget BEFORE UPDATE OF email ON customers FOR EACH ROW WHEN (NEW.email IS NULL) EXECUTE FUNCTION refuse_forget()`);
    });
    const audited = (await listAudit(shop.services.db, 100)).length;
    await expect(forgetCustomer(shop.services, 'c2@example.com', 'test:pg')).rejects.toThrow('refused by test');
    expect(await q('SELECT message FROM feedback WHERE customer_id = $1', [id])).toEqual([{ message: 'words of c2@example.com' }]);
    expect(await q('SELECT COUNT(*)::int AS n FROM enrolments WHERE customer_id = $1 AND facts IS NULL', [id])).toEqual([{ n: 0 }]);
    expect(await q(`SELECT COUNT(*)::int AS n FROM suppressions WHERE reason = 'forgotten'`)).toEqual([{ n: 1 }]);
    expect((await listAudit(shop.services.db, 100)).length).toBe(audited);
  });
});
