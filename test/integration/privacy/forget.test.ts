/**
 * `customer forget` on a real SQLite shop mid-campaign: the person is gone from every table,
 * the run's report is unchanged to the cent, the address imported again is never emailed (at
 * launch or by the dispatcher), and a forget that fails half-way leaves everything as it was.
 */
import { runReport } from '../../../src/reporting/runReport';
import { saveFeedback } from '../../../src/customer/feedback';
import { exportCustomer, forgetCustomer } from '../../../src/privacy/customerRecords';
import { listAudit } from '../../../src/audit/auditLog';
import { NotFoundError } from '../../../src/domain/errors';
import { parseForwardedEmail, recordForwardedEmail } from '../../../src/feedback/inbound';
import { sendReply } from '../../../src/feedback/replies';
import { DAY_MS, lapsedCustomers, openShop, Shop, suppress, TWO_STEPS } from '../../support/campaignShop';
import { SmtpSink, startSmtpSink } from '../../support/smtpSink';
import { tableNames } from '../../support/testDatabase';

/** Every text value in every table, to look for a person's traces wherever they might be. */
async function everyText(shop: Shop): Promise<string[]> {
  const out: string[] = [];
  for (const name of await tableNames(shop.services.db)) {
    for (const row of await shop.services.db.reader.query(`SELECT * FROM "${name}"`)) {
      for (const value of Object.values(row as Record<string, unknown>)) if (typeof value === 'string') out.push(value);
    }
  }
  return out;
}

describe('customer forget', () => {
  let sink: SmtpSink;
  let shop: Shop;
  let runId: number;
  const received = (email: string) => sink.countByRecipient().get(email) ?? 0;

  beforeAll(async () => {
    sink = await startSmtpSink();
    shop = await openShop({ customers: lapsedCustomers(6), settings: { SMTP_URL: sink.url() }, campaigns: { 'two-steps': TWO_STEPS } });
    runId = (await shop.services.campaigns().launch('two-steps', {})).runId;
    expect(await shop.dispatch()).toMatchObject({ sent: 6 });
    // c1 bought again (counts for the report), wrote to us and unsubscribed.
    shop.clock.advance(DAY_MS);
    await shop.addOrders([{ email: 'c1@example.com', day: '2025-06-03', at: shop.clock.now().toISOString() }]);
    const [send] = (await shop.sends(runId)).filter((s) => s.email === 'c1@example.com');
    await saveFeedback(shop.services.db, { customerId: shop.customerId('c1@example.com'), runId, sendId: send.id, incidentId: null }, 'Maria here: the grinder broke, call me on 0170 1234567', shop.clock.now());
    await suppress(shop.services, 'c1@example.com', 'unsubscribed', shop.clock.now());
  });
  afterAll(async () => {
    await shop?.dispose();
    await sink?.close();
  });

  it('exports every table about the person before, and only the hashed suppression after', async () => {
    const before = await exportCustomer(shop.services, ' C1@Example.com', 'test:privacy');
    expect(before.customers).toHaveLength(1);
    const [record] = before.customers as any[];
    expect(record.customer).toMatchObject({ email: 'c1@example.com', firstName: 'Jonas' });
    expect(record.orders).toHaveLength(4);
    expect(record.enrolments).toHaveLength(1);
    expect(record.sends.map((s: any) => [s.step, s.status])).toEqual([[1, 'sent'], [2, 'scheduled']]);
    expect(record.feedback[0].message).toContain('grinder');
    expect(record.events.map((e: any) => e.type)).toEqual(expect.arrayContaining(['sent', 'feedback']));
    expect(before.suppressions).toEqual([expect.objectContaining({ email: 'c1@example.com', reason: 'unsubscribed' })]);
    await expect(exportCustomer(shop.services, 'nobody@example.com', 'test:privacy')).rejects.toThrow(NotFoundError);
  });

  it('erases the person from every table and keeps the report the same to the cent', async () => {
    const id = shop.customerId('c1@example.com');
    const reportBefore = await runReport(shop.services, String(runId));
    const textBefore = await everyText(shop);
    expect(textBefore.some((t) => t.includes('c1@example.com'))).toBe(true);

    const result = await forgetCustomer(shop.services, 'c1@example.com', 'test:privacy');
    expect(result.customerIds).toEqual([id]);
    expect(result.erased).toMatchObject({ customers: 1, orders: 4, feedback: 1, enrolments: 1, sends: 2, suppressions: 1 });

    expect(await runReport(shop.services, String(runId))).toEqual(reportBefore);
    const textAfter = await everyText(shop);
    for (const trace of ['c1@example.com', 'Jonas', 'grinder', '0170 1234567']) {
      expect(textAfter.filter((t) => t.includes(trace))).toEqual([]);
    }
    // Anonymous rows stay: the orders' amounts, the send's status.
    const [orders] = await shop.services.db.reader.query(`SELECT CAST(COUNT(*) AS INTEGER) AS n, SUM(amount_minor) AS total FROM orders WHERE customer_id = $1`, [id]);
    expect([Number(orders.n), Number(orders.total)]).toEqual([4, 4 * 4250]);
    const after = await exportCustomer(shop.services, 'c1@example.com', 'test:privacy');
    expect(after.customers).toEqual([]);
    expect(after.suppressions).toEqual([expect.objectContaining({ reason: 'forgotten', email: expect.stringMatching(/^forgotten:[0-9a-f]{64}$/) })]);
  });

  it('never emails the address again: imported anew, it is not enrolled at a launch', async () => {
    // Both lapsed, as the audience wants: the shop imports an old history again.
    for (const email of ['c1@example.com', 'new@example.com']) await shop.addOrders([{ email, day: '2024-02-01' }, { email, day: '2024-03-01' }]);
    const launched = await shop.services.campaigns().launch('two-steps', { newRun: true });
    const sends = await shop.sends(launched.runId);
    expect(sends.map((s) => s.email)).toContain('new@example.com');
    expect(sends.map((s) => s.email)).not.toContain('c1@example.com');
    await shop.playForward();
    expect(received('c1@example.com')).toBe(1); // step 1 of the first run, before the forget
  });

  it('never emails the address again: the dispatcher refuses it on a customer already enrolled', async () => {
    await forgetCustomer(shop.services, 'moved@example.com', 'test:privacy');
    // A run with c2 enrolled and step 1 due, then c2's row takes the forgotten address (as a
    // customers import by the shop's own id would): the due email must not go to it.
    const launched = await shop.services.campaigns().launch('two-steps', { newRun: true });
    await shop.services.db.write((tx) => tx.query(`UPDATE customers SET email = 'Moved@Example.com' WHERE id = $1`, [shop.customerId('c2@example.com')]));
    await shop.playForward();
    expect(received('Moved@Example.com') + received('moved@example.com')).toBe(0);
    const c2 = (await shop.sends(launched.runId)).filter((s) => s.customerId === shop.customerId('c2@example.com'));
    expect(c2.map((s) => [s.status, s.detail])).toEqual([['suppressed', 'forgotten']]);
  });

  it('writes nothing when a forget fails half-way', async () => {
    const db = shop.services.db;
    const id = shop.customerId('c3@example.com');
    await saveFeedback(db, { customerId: id, runId, sendId: (await shop.sends(runId)).find((s) => s.customerId === id)!.id, incidentId: null }, 'keep me', shop.clock.now());
    // The customers row is erased after the other tables: make that statement fail.
    const postgres = db.dialect.kind === 'postgres';
    await db.write(async (tx) => {
      if (!postgres) return tx.query(`CREATE TRIGGER refuse_forget BEFORE UPDATE OF email ON customers WHEN NEW.email IS NULL BEGIN SELECT RAISE(ABORT, 'refused by test'); END`);
      await tx.query(`CREATE FUNCTION refuse_forget() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by test'; END $$`);
      await tx.query('CREATE TRIGGER refuse_forget BEFORE UPDATE OF email ON customers FOR EACH ROW WHEN (NEW.email IS NULL) EXECUTE FUNCTION refuse_forget()');
    });
    try {
      await expect(forgetCustomer(shop.services, 'c3@example.com', 'test:privacy')).rejects.toThrow('refused by test');
    } finally {
      await db.write((tx) => tx.query(postgres ? 'DROP TRIGGER refuse_forget ON customers' : 'DROP TRIGGER refuse_forget'));
    }
    const [feedback] = await db.reader.query(`SELECT message FROM feedback WHERE customer_id = $1`, [id]);
    expect(feedback.message).toBe('keep me');
    const [enrolment] = await db.reader.query(`SELECT facts FROM enrolments WHERE customer_id = $1 AND run_id = $2`, [id, runId]);
    expect(enrolment.facts).not.toBeNull();
    expect(await db.reader.query(`SELECT email FROM suppressions WHERE reason = 'forgotten'`)).toHaveLength(2);
    expect((await listAudit(db, 100)).filter((e) => e.action === 'forget')).toHaveLength(2);
  });

  it('records exports and forgets in the audit log by customer id, never by address', async () => {
    const entries = await listAudit(shop.services.db, 100);
    const forgets = entries.filter((e) => e.action === 'forget');
    expect(forgets.map((e) => e.subject)).toEqual(['an address not held', `customer ${shop.customerId('c1@example.com')}`]);
    expect(entries.filter((e) => e.action === 'export').map((e) => e.actor)).toEqual(['test:privacy', 'test:privacy']);
    expect(JSON.stringify(entries)).not.toMatch(/@example\.com/);
  });
});

describe('customer forget, for a sender who is not a customer', () => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await openShop({ customers: lapsedCustomers(2) });
  });
  afterAll(async () => shop?.dispose());

  it('exports and erases the forwarded email, its case and the reply sent to the address', async () => {
    const { db } = shop.services;
    const now = shop.clock.now();
    const email = parseForwardedEmail({ from: 'Sam.Stranger@Elsewhere.example', name: 'Sam Stranger', subject: 'Who are you?', text: 'Sam here, call me on 0170 7654321', messageId: '<s-1@elsewhere.example>' }, now);
    const { caseId } = await recordForwardedEmail(db, email);
    const staff = await shop.services.staffUsers.create({ email: 'anna@shop.test', name: 'Anna Berger', role: 'marketer', password: 'a long enough password' });
    expect((await sendReply(shop.services, caseId, { id: staff.id, name: 'Anna Berger' }, 'Dear Sam, we are a coffee roaster.', 'privacy-reply-1')).reply.status).toBe('sent');

    const before = await exportCustomer(shop.services, 'sam.stranger@elsewhere.example', 'test:privacy');
    expect(before.customers).toEqual([]);
    expect(before.asSender).toMatchObject({
      feedback: [expect.objectContaining({ fromEmail: 'sam.stranger@elsewhere.example', message: expect.stringContaining('0170 7654321') })],
      feedbackCases: [expect.objectContaining({ email: 'sam.stranger@elsewhere.example', name: 'Sam Stranger' })],
      feedbackReplies: [expect.objectContaining({ toEmail: 'sam.stranger@elsewhere.example', body: expect.stringContaining('coffee roaster') })],
    });

    const forgotten = await forgetCustomer(shop.services, 'sam.stranger@elsewhere.example', 'test:privacy');
    expect(forgotten.erased).toMatchObject({ feedback: 1, feedback_cases: 1, feedback_replies: 1 });
    const text = (await everyText(shop)).join('\n');
    expect(text).not.toMatch(/stranger|0170 7654321|coffee roaster|Who are you/i);
    const after = await exportCustomer(shop.services, 'sam.stranger@elsewhere.example', 'test:privacy');
    expect(after.asSender).toEqual({ feedback: [], feedbackCases: [], feedbackReplies: [] });
    expect(after.suppressions).toEqual([expect.objectContaining({ reason: 'forgotten' })]);
    // The case still counts: its state and times stay.
    expect(await db.reader.query('SELECT CAST(COUNT(*) AS INTEGER) AS n FROM feedback_cases')).toEqual([{ n: 1 }]);
  });
});
