/**
 * The owners' weekly digest over a real SQLite shop: its content (plain text and HTML) from a
 * real run, exactly one digest per week across concurrent processes and restarts, and delivery
 * through the outbox or a real loopback SMTP server.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { parseSettings } from '../../../src/config';
import { changeRunState } from '../../../src/campaigns/runControl';
import { saveFeedback } from '../../../src/customer/feedback';
import { sendReply } from '../../../src/feedback/replies';
import { collectDigest, composeDigest, DIGEST_FOLDER } from '../../../src/reporting/digest';
import { sendWeeklyDigest } from '../../../src/reporting/weeklyDigest';
import { wire } from '../../../src/wiring';
import { lapsedCustomers, openShop, Shop, step, TestClock, winback } from '../../support/campaignShop';
import { startSmtpSink } from '../../support/smtpSink';

const MEASURED = winback([step('1-we-miss-you'), step('4-should-we-stop', '7d')], { holdout: 0.5, attributionWindowDays: 30 });
/** Monday 9 June 2025, 08:00 in Berlin: a week after the launch. */
const MONDAY_8 = '2025-06-09T06:00:00.000Z';
const OWNERS = 'owner@beanthere.example, partner@beanthere.example';

async function shopWithRun(settings: Record<string, string> = {}): Promise<{ shop: Shop; runId: number }> {
  const shop = await openShop({ customers: lapsedCustomers(40), campaigns: { measured: MEASURED }, settings: { SHOP_NAME: 'Bean & There', ...settings } });
  const { runId } = await shop.services.campaigns().launch('measured', {});
  await shop.dispatch();
  const enrolled: { email: string; holdout: number | boolean; send_id: number | null; customer_id: number }[] = await shop.services.db.reader.query(
    `SELECT c.email, e.holdout, e.customer_id, s.id AS send_id FROM enrolments e JOIN customers c ON c.id = e.customer_id
       LEFT JOIN sends s ON s.enrolment_id = e.id AND s.step = 1 WHERE e.run_id = $1 ORDER BY e.customer_id`, [runId]);
  const treated = enrolled.filter((r) => !Number(r.holdout));
  const held = enrolled.filter((r) => Number(r.holdout));
  // Three treated customers and one held-out customer come back within the week.
  await shop.addOrders([...treated.slice(0, 3), held[0]].map((r) => ({ email: r.email, day: '2025-06-04' })));
  const author = (r: (typeof treated)[number]) => ({ customerId: r.customer_id, runId, sendId: Number(r.send_id), incidentId: null });
  await saveFeedback(shop.services.db, author(treated[0]), 'The beans arrived stale <script>alert(1)</script> & "late".', new Date('2025-06-03T10:00:00Z'));
  await saveFeedback(shop.services.db, author(treated[1]), 'Thank you for writing.', new Date('2025-05-20T10:00:00Z'));
  shop.clock.set(MONDAY_8);
  return { shop, runId };
}

describe('the weekly digest\'s content', () => {
  let shop: Shop;
  let runId: number;
  beforeAll(async () => ({ shop, runId } = await shopWithRun()));
  afterAll(async () => shop?.dispose());

  it('gives each active run\'s headline figures, the feedback waiting and where to read more, as text and HTML', async () => {
    const content = await collectDigest(shop.services);
    expect(content.weekOf).toBe('2025-06-09');
    expect(content.runs.map((r) => r.report.runId)).toEqual([runId]);
    const report = content.runs[0].report;
    expect(report.reactivated).toEqual({ treated: 3, holdout: 1 });
    expect(content.feedback).toMatchObject({ total: 2, lastWeek: 1 });

    const { subject, text, html } = composeDigest(content);
    expect(subject).toBe('Bean & There: your Rekindle week of 9 June 2025 (1 campaign, 2 feedback messages)');
    expect(text).toContain(`measured, run ${runId} (active`);
    expect(text).toContain(`${report.treated} treated, ${report.holdout} held out; ${report.sent} emails sent, 0 codes redeemed`);
    expect(text).toContain(`came back: 3 treated (${(300 / report.treated).toFixed(1)}%), 1 held out (${(100 / report.holdout).toFixed(1)}%)`);
    expect(text).toMatch(/incremental reactivation rate: [+-]\d+\.\d pts \(95% interval [+-]\d+\.\d to [+-]\d+\.\d pts\)/);
    expect(content.feedback.waiting).toMatchObject({ count: 2, waiting: 2, reminderDays: 2 });
    expect(text).toContain('Waiting longer than 2 days for an answer: 2 customers (2 waiting in all)');
    expect(text).toMatch(/- .+, waiting since 20 May 2025, unassigned \(case \d+\)\n {2}- .+, waiting since 3 June 2025, unassigned/);
    expect(text).toContain('Feedback received: 2 messages, 1 of them this week');
    expect(text).not.toContain('does not record replies yet');
    expect(text).toContain('The beans arrived stale <script>alert(1)</script> & "late".');
    expect(text).toContain(`rekindle report ${runId}`);
    expect(text).toContain(`https://rekindle.beanthere.example/api/runs/${runId}/report`);

    expect(html).toContain('<title>Bean &amp; There: your Rekindle week of 9 June 2025');
    expect(html).toContain(`measured, run ${runId}`);
    expect(html).toContain('The beans arrived stale &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;late&quot;.');
    expect(html).not.toContain('<script>');
    expect(html).toContain(`<code>rekindle report ${runId}</code>`);
  });

  it('counts only the customers still waiting: a case answered drops out', async () => {
    const [oldest] = (await collectDigest(shop.services)).feedback.waiting.oldest;
    await sendReply(shop.services, oldest.id, { id: null, name: 'Ana Lopez' }, 'Thank you; we read every word.', 'digest-reply-1');
    const content = await collectDigest(shop.services);
    expect(content.feedback.waiting).toMatchObject({ count: 1, waiting: 1 });
    expect(composeDigest(content).text).toContain('Waiting longer than 2 days for an answer: 1 customer (1 waiting in all)');
  });

  it('leaves out runs that ended and whose window closed more than two weeks ago', async () => {
    shop.clock.set('2025-07-14T06:00:00.000Z');
    await changeRunState(shop.services.db, String(runId), 'cancel', shop.clock.now());
    expect((await collectDigest(shop.services)).runs.map((r) => [r.report.runId, r.state])).toEqual([[runId, 'cancelled']]);
    shop.clock.set('2025-07-21T06:00:00.000Z');
    const content = await collectDigest(shop.services);
    expect(content.runs).toEqual([]);
    expect(composeDigest(content).text).toContain('No campaign is running or ended in the last two weeks.');
    shop.clock.set(MONDAY_8);
  });
});

describe('one digest a week', () => {
  let shop: Shop;
  beforeAll(async () => ({ shop } = await shopWithRun({ DIGEST_TO: OWNERS })));
  afterAll(async () => shop?.dispose());

  const digests = () => {
    try {
      return readdirSync(path.join(shop.dir, 'outbox', DIGEST_FOLDER)).filter((f) => f.endsWith('.eml')).sort();
    } catch {
      return [];
    }
  };
  /** Another `serve` on the same database, with its own clock: a second process, or the same one restarted. */
  const anotherServe = async (clock: TestClock) => wire(parseSettings(shop.env), { clock: clock.now, logger: pino({ level: 'silent' }) });

  it('is not due before Monday 08:00 shop time, and goes out once however many processes try', async () => {
    const clock = new TestClock('2025-06-09T05:59:00.000Z');
    const [a, b] = [await anotherServe(clock), await anotherServe(clock)];
    try {
      expect(await sendWeeklyDigest(a)).toMatchObject({ status: 'not-due', week: '2025-06-09' });
      clock.set(MONDAY_8);
      const outcomes = await Promise.all([sendWeeklyDigest(a), sendWeeklyDigest(b), sendWeeklyDigest(a)]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(['already-sent', 'already-sent', 'sent']);
      expect(digests()).toEqual(['week-2025-06-09.eml']);
    } finally {
      await a.close();
      await b.close();
    }
    const raw = readFileSync(path.join(shop.dir, 'outbox', DIGEST_FOLDER, 'week-2025-06-09.eml'), 'utf8');
    expect(raw).toMatch(/^To: owner@beanthere\.example, partner@beanthere\.example$/m);
    expect(raw).toContain('Content-Type: text/plain');
    expect(raw).toContain('Content-Type: text/html');
  });

  it('does not go out again after a restart the same week, and goes out again the next Monday', async () => {
    const clock = new TestClock('2025-06-09T14:00:00.000Z');
    const restarted = await anotherServe(clock);
    try {
      expect(await sendWeeklyDigest(restarted)).toMatchObject({ status: 'already-sent', week: '2025-06-09' });
      clock.set('2025-06-15T21:00:00.000Z'); // Sunday evening: still that week
      expect((await sendWeeklyDigest(restarted)).status).toBe('not-due');
      clock.set('2025-06-16T06:00:00.000Z');
      expect(await sendWeeklyDigest(restarted)).toMatchObject({ status: 'sent', week: '2025-06-16' });
    } finally {
      await restarted.close();
    }
    expect(digests()).toEqual(['week-2025-06-09.eml', 'week-2025-06-16.eml']);
  });

  it('a Monday missed while serve was down goes out when it is back, the same day', async () => {
    const clock = new TestClock('2025-06-23T13:00:00.000Z');
    const late = await anotherServe(clock);
    try {
      expect(await sendWeeklyDigest(late)).toMatchObject({ status: 'sent', week: '2025-06-23' });
      clock.set('2025-07-01T09:00:00.000Z'); // a Tuesday: that Monday's digest is a day stale, so it is skipped
      expect(await sendWeeklyDigest(late)).toMatchObject({ status: 'not-due', week: '2025-06-30' });
    } finally {
      await late.close();
    }
  });
});

describe('a claim left by a process that died mid-send', () => {
  let shop: Shop;
  beforeAll(async () => ({ shop } = await shopWithRun({ DIGEST_TO: OWNERS })));
  afterAll(async () => shop?.dispose());

  const claimedAt = async (week: string, at: string) =>
    shop.services.db.write((tx) => tx.query(`INSERT INTO digests (week, status, attempts, recipients, claimed_at) VALUES ($1, 'sending', 1, $2, $3)`, [week, OWNERS, at]));

  it('is left alone while it may still be sending, and taken over once stale: the outbox file is written once', async () => {
    await claimedAt('2025-06-09', '2025-06-09T05:58:00.000Z');
    shop.clock.set('2025-06-09T06:05:00.000Z');
    expect(await sendWeeklyDigest(shop.services)).toMatchObject({ status: 'already-sent' });
    shop.clock.set('2025-06-09T07:00:00.000Z');
    expect(await sendWeeklyDigest(shop.services)).toMatchObject({ status: 'sent', week: '2025-06-09' });
    expect(await sendWeeklyDigest(shop.services)).toMatchObject({ status: 'already-sent' });
    const [row] = await shop.services.db.reader.query(`SELECT status, attempts, sent_at FROM digests WHERE week = '2025-06-09'`);
    expect(row).toMatchObject({ status: 'sent', attempts: 2, sent_at: '2025-06-09T07:00:00.000Z' });
    expect(readdirSync(path.join(shop.dir, 'outbox', DIGEST_FOLDER))).toEqual(['week-2025-06-09.eml']);
  });
});

describe('delivery', () => {
  it('sends nothing without DIGEST_TO', async () => {
    const { shop } = await shopWithRun();
    try {
      expect(await sendWeeklyDigest(shop.services)).toMatchObject({ status: 'no-recipients' });
    } finally {
      await shop.dispose();
    }
  });

  it('reaches every owner through SMTP as one message with plain text and HTML', async () => {
    const sink = await startSmtpSink();
    const { shop, runId } = await shopWithRun({ DIGEST_TO: OWNERS, SMTP_URL: sink.url() });
    try {
      expect(await sendWeeklyDigest(shop.services)).toMatchObject({ status: 'sent' });
      // The campaign's own step 1 went through the sink too; the owners' digest is the rest.
      const messages = (await sink.messages()).filter((m) => m.to.endsWith('@beanthere.example'));
      expect(messages.map((m) => m.to)).toEqual(['owner@beanthere.example', 'partner@beanthere.example']);
      const { parsed } = messages[0];
      expect(parsed.subject).toBe('Bean & There: your Rekindle week of 9 June 2025 (1 campaign, 2 feedback messages)');
      expect(parsed.text).toContain(`measured, run ${runId}`);
      expect(parsed.html).toContain(`measured, run ${runId}`);
      expect(parsed.from?.value[0].address).toBe('hello@beanthere.example');
    } finally {
      await shop.dispose();
      await sink.close();
    }
  });
});
