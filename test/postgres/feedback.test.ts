/**
 * The feedback inbox on PostgreSQL: the migration (optional run and customer on feedback), cases,
 * forwarded emails (the same Message-ID forwarded twice at once stores one message), replies
 * and the inbox queries, with the same SQL as on SQLite.
 */
import { Client } from 'pg';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { listFeedback } from '../../src/customer/feedbackList';
import { saveFeedback } from '../../src/customer/feedback';
import { parseForwardedEmail, recordForwardedEmail } from '../../src/feedback/inbound';
import { caseDetail, listCases, waitingCases } from '../../src/feedback/inbox';
import { sendReply } from '../../src/feedback/replies';
import { REPLY_FOLDER } from '../../src/feedback/replyMail';
import { resolveCase, reopenCase } from '../../src/feedback/caseActions';
import { anOffer } from '../support/campaignFixtures';
import { DAY_MS, TestClock } from '../support/campaignShop';
import { testServices, TestServices } from '../support/services';

const url = process.env.REKINDLE_TEST_POSTGRES_URL as string;

describe('feedback cases on PostgreSQL', () => {
  const clock = new TestClock('2025-06-20T10:00:00.000Z');
  let s: TestServices;

  beforeAll(async () => {
    const client = new Client({ connectionString: url });
    await client.connect();
    await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
    await client.end();
    s = await testServices({ DATABASE_URL: url }, clock.now);
  });
  afterAll(async () => s?.dispose());

  it('opens cases, takes a forwarded email once however often it arrives, replies once, and lists them', async () => {
    const maria = await anOffer(s.db, { firstName: 'Maria' });
    const staff = await s.staffUsers.create({ email: 'anna@shop.test', name: 'Anna Berger', role: 'marketer', password: 'a long enough password' });
    const pageCase = await saveFeedback(s.db, { customerId: maria.customerId, runId: maria.runId, sendId: maria.sendId, incidentId: null }, 'Late again.', clock.now());
    clock.advance(DAY_MS);
    const email = parseForwardedEmail({ from: 'sam@elsewhere.example', text: 'Who are you?', messageId: '<pg-1@elsewhere.example>' }, clock.now());
    const results = await Promise.all([1, 2, 3, 4].map(() => recordForwardedEmail(s.db, email)));
    expect(new Set(results.map((r) => r.caseId)).size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(await s.db.reader.query(`SELECT COUNT(*)::int AS n FROM feedback WHERE message_id = '<pg-1@elsewhere.example>'`)).toEqual([{ n: 1 }]);

    const reply = await sendReply(s, pageCase, { id: staff.id, name: 'Anna Berger' }, 'We are sorry.', 'pg-key-00001');
    expect(reply.reply.status).toBe('sent');
    expect((await sendReply(s, pageCase, { id: staff.id, name: 'Anna Berger' }, 'We are sorry.', 'pg-key-00001')).duplicate).toBe(true);
    expect(readdirSync(path.join(s.dir, 'outbox', REPLY_FOLDER))).toHaveLength(1);
    clock.advance(60_000);
    const answered = await recordForwardedEmail(s.db, parseForwardedEmail({ from: maria.email, text: 'Thanks.', messageId: '<pg-2@mail.example>', inReplyTo: reply.reply.messageId }, clock.now()));
    expect(answered.caseId).toBe(pageCase);

    clock.advance(3 * DAY_MS);
    const inbox = await listCases(s.db, { filter: 'all', staffId: staff.id, now: clock.now(), reminderDays: 2 });
    expect(inbox.counts).toEqual({ all: 2, waiting: 2, new: 1, replied: 1, resolved: 0, mine: 1 });
    expect(inbox.cases.map((c) => [c.id, c.overdue])).toEqual([[results[0].caseId, true], [pageCase, true]]);
    expect((await listCases(s.db, { filter: 'mine', staffId: staff.id, now: clock.now(), reminderDays: 2 })).cases.map((c) => c.id)).toEqual([pageCase]);
    expect(await waitingCases(s.db, clock.now(), 2)).toMatchObject({ count: 2, waiting: 2 });
    await resolveCase(s.db, pageCase, clock.now());
    await reopenCase(s.db, pageCase, clock.now());
    expect((await caseDetail(s.db, pageCase, clock.now(), 2))?.entries.map((e) => e.kind)).toEqual(['customer', 'reply', 'customer']);
    const listed = await listFeedback(s.db, { limit: 10, waiting: true, now: clock.now(), reminderDays: 2 });
    expect(listed.entries.map((e) => e.source)).toEqual(['email', 'email', 'page']);
  });
});
