/**
 * The feedback inbox over a real SQLite file and the real outbox: page feedback and forwarded
 * emails become cases, a repeated Message-ID is one message, replies go out once as plain
 * personal emails threaded to the customer's message, and waiting cases are counted.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { saveFeedback } from '../../../src/customer/feedback';
import { forgetCustomer } from '../../../src/privacy/customerRecords';
import { assignCase, reopenCase, resolveCase } from '../../../src/feedback/caseActions';
import { parseForwardedEmail, recordForwardedEmail } from '../../../src/feedback/inbound';
import { caseDetail, listCases, waitingCases } from '../../../src/feedback/inbox';
import { caseThreadId } from '../../../src/feedback/messageIds';
import { retryReply, sendReply, settleStaleReplies } from '../../../src/feedback/replies';
import { REPLY_FOLDER } from '../../../src/feedback/replyMail';
import { anOffer, OfferFixture } from '../../support/campaignFixtures';
import { DAY_MS, TestClock } from '../../support/campaignShop';
import { TestServices, testServices } from '../../support/services';

const START = '2025-06-20T10:00:00.000Z';

describe('feedback cases', () => {
  let s: TestServices;
  let clock: TestClock;
  let maria: OfferFixture;
  let anna: { id: number; name: string };
  let ben: { id: number; name: string };
  const page = (who: OfferFixture, text: string) => saveFeedback(s.db, { customerId: who.customerId, runId: who.runId, sendId: who.sendId, incidentId: null }, text, clock.now());
  const forward = (body: Record<string, unknown>) => recordForwardedEmail(s.db, parseForwardedEmail(body, clock.now()));
  const outbox = () => {
    const dir = path.join(s.dir, 'outbox', REPLY_FOLDER);
    return readdirSync(dir).filter((f) => f.endsWith('.eml')).map((f) => readFileSync(path.join(dir, f)));
  };
  const list = (filter: Parameters<typeof listCases>[1]['filter'], staffId?: number) => listCases(s.db, { filter, staffId, now: clock.now(), reminderDays: 2 });

  beforeEach(async () => {
    clock = new TestClock(START);
    s = await testServices({ SHOP_NAME: 'Bean There', PUBLIC_URL: 'https://shop.example', MAIL_FROM: 'hello@shop.example' }, clock.now);
    maria = await anOffer(s.db, { firstName: 'Maria' });
    const staff = async (name: string) => ({ id: (await s.staffUsers.create({ email: `${name.split(' ')[0].toLowerCase()}@shop.test`, name, role: 'marketer', password: 'a long enough password' })).id, name });
    [anna, ben] = [await staff('Anna Berger'), await staff('Ben')];
  });
  afterEach(async () => s.dispose());

  it('page feedback opens a case; the customer\'s next message joins it instead of opening a second', async () => {
    const first = await page(maria, 'The parcel came late.');
    clock.advance(3_600_000);
    expect(await page(maria, 'And the lid was broken.')).toBe(first);
    const inbox = await list('all');
    expect(inbox.cases).toHaveLength(1);
    expect(inbox.cases[0]).toMatchObject({
      id: first, state: 'new', customer: { id: maria.customerId, email: maria.email, name: 'Maria' }, campaign: 'nostalgia-winback',
      waitingSince: '2025-06-20T11:00:00.000Z', overdue: false, messages: 2, latest: 'And the lid was broken.',
    });
  });

  it('a forwarded email is matched to the customer by address; the same Message-ID forwarded again is not a second message', async () => {
    const email = { from: `  ${maria.email.toUpperCase()} `, name: 'Maria R.', subject: 'Re: A thank-you', text: 'Why so late?', messageId: 'abc123@mail.example', campaign: 'nostalgia-winback' };
    const first = await forward(email);
    expect(first.duplicate).toBe(false);
    const again = await forward({ ...email, messageId: '<abc123@mail.example>' });
    expect(again).toEqual({ ...first, duplicate: true });
    const detail = await caseDetail(s.db, first.caseId, clock.now(), 2);
    expect(detail?.summary).toMatchObject({ customer: { id: maria.customerId, email: maria.email }, subject: 'Re: A thank-you', runId: maria.runId, messages: 1 });
    expect(detail?.entries).toEqual([expect.objectContaining({ kind: 'customer', source: 'email', text: 'Why so late?', messageId: '<abc123@mail.example>' })]);
  });

  it('refuses a forwarded email naming the field that is wrong', () => {
    const now = clock.now();
    const field = (body: unknown) => {
      try {
        parseForwardedEmail(body, now);
      } catch (error) {
        return (error as { where?: { field?: string } }).where?.field;
      }
      return 'accepted';
    };
    expect(field({ text: 'hi' })).toBe('from');
    expect(field({ from: 'not an address', text: 'hi' })).toBe('from');
    expect(field({ from: 'a@b.example', text: '   ' })).toBe('text');
    expect(field({ from: 'a@b.example', text: 'hi', messageId: 'no id here' })).toBe('messageId');
    expect(field({ from: 'a@b.example', text: 'hi', receivedAt: 'yesterday' })).toBe('receivedAt');
    expect(field({ from: 'a@b.example', text: 'hi', campaign: 'Not A Name' })).toBe('campaign');
    expect(field({ from: 'a@b.example', text: 'hi', inReplyTo: 'nothing' })).toBe('inReplyTo');
    expect(field({ from: 'a@b.example', text: 'hi' })).toBe('accepted');
  });

  it('an email from an address we do not know still becomes a case, answered at that address', async () => {
    const { caseId } = await forward({ from: 'stranger@elsewhere.example', name: 'Sam', text: 'I never ordered from you.', messageId: '<x1@elsewhere.example>' });
    expect((await caseDetail(s.db, caseId, clock.now(), 2))?.summary).toMatchObject({ customer: { id: null, email: 'stranger@elsewhere.example', name: 'Sam' }, state: 'new' });
  });

  it('a reply goes out once as a plain personal email in the staff member\'s name, threaded to the customer\'s message', async () => {
    const { caseId } = await forward({ from: maria.email, subject: 'Late parcel', text: 'Why so late?', messageId: '<m1@mail.example>', campaign: 'nostalgia-winback' });
    clock.advance(DAY_MS);
    const sent = await sendReply(s, caseId, anna, 'Dear Maria,\nthat was our mistake. Your new parcel leaves today.', 'key-00000001');
    expect(sent).toMatchObject({ duplicate: false, reply: { status: 'sent' } });
    const twice = await sendReply(s, caseId, anna, 'Dear Maria,\nthat was our mistake. Your new parcel leaves today.', 'key-00000001');
    expect(twice).toMatchObject({ duplicate: true, reply: { id: sent.reply.id } });
    const files = outbox();
    expect(files).toHaveLength(1);
    const mail = await simpleParser(files[0]);
    expect(mail.from?.value).toEqual([{ name: 'Anna Berger', address: 'hello@shop.example' }]);
    expect(mail.replyTo?.value[0].address).toBe('ana@beanthere.example'); // the run's spokesperson inbox
    expect(mail.to && !Array.isArray(mail.to) && mail.to.value[0].address).toBe(maria.email);
    expect(mail.subject).toBe('Re: Late parcel');
    expect(mail.inReplyTo).toBe('<m1@mail.example>');
    expect(mail.references).toBe('<m1@mail.example>');
    expect(mail.messageId).toBe(sent.reply.messageId);
    expect(mail.html).toBe(false);
    expect(mail.text).toBe('Dear Maria,\nthat was our mistake. Your new parcel leaves today.\n\nAnna Berger\nBean There\n');
    expect(mail.headers.has('list-unsubscribe')).toBe(false);
    const after = (await list('all')).cases[0];
    expect(after).toMatchObject({ state: 'replied', waitingSince: null, assignee: { id: anna.id, name: 'Anna Berger' } });
    // Forgetting the customer finds the reply by their id, whatever address it went to.
    expect(await s.db.reader.query('SELECT customer_id FROM feedback_replies')).toEqual([{ customer_id: maria.customerId }]);
  });

  it('page feedback has no Message-ID: replies answer the case\'s own stable id, so later replies thread with the first', async () => {
    const caseId = await page(maria, 'The parcel came late.');
    const thread = caseThreadId(caseId, START, 'https://shop.example');
    const first = await sendReply(s, caseId, anna, 'We are sorry.', 'key-00000002');
    clock.advance(DAY_MS);
    await page(maria, 'Thanks, but it is still not here.');
    await sendReply(s, caseId, anna, 'It arrives tomorrow.', 'key-00000003');
    const mails = await Promise.all(outbox().map((raw) => simpleParser(raw)));
    const [a, b] = mails.sort((x, y) => (x.date as Date).getTime() - (y.date as Date).getTime());
    expect(a.subject).toBe('Re: How can we make it right?');
    expect(a.inReplyTo).toBe(thread);
    expect(b.inReplyTo).toBe(thread);
    expect(b.references).toEqual([thread, first.reply.messageId]);
  });

  it('the customer answering our reply by email joins the case and reopens it when it was resolved', async () => {
    const caseId = await page(maria, 'The parcel came late.');
    const reply = await sendReply(s, caseId, anna, 'We are sorry.', 'key-00000004');
    await resolveCase(s.db, caseId, clock.now());
    await expect(resolveCase(s.db, caseId, clock.now())).rejects.toThrow(`case ${caseId} is resolved already`);
    clock.advance(DAY_MS);
    // From another address, so only the thread can tie it to the case.
    const answer = await forward({ from: 'maria.private@mail.example', text: 'Still waiting.', messageId: '<m9@mail.example>', inReplyTo: reply.reply.messageId });
    expect(answer.caseId).toBe(caseId);
    expect((await list('waiting')).cases.map((c) => c.id)).toEqual([caseId]);
    expect((await list('all')).cases[0].state).toBe('replied');
  });

  it('a failed reply is recorded, shown and sent once when tried again', async () => {
    const caseId = await page(maria, 'The parcel came late.');
    const blocker = path.join(s.dir, 'outbox', REPLY_FOLDER);
    mkdirSync(path.dirname(blocker), { recursive: true });
    writeFileSync(blocker, 'a file where the folder should be');
    const failed = await sendReply(s, caseId, anna, 'We are sorry.', 'key-00000005');
    expect(failed.reply.status).toBe('failed');
    expect((await list('all')).cases[0]).toMatchObject({ state: 'new', failedReplies: 1, waitingSince: START });
    rmSync(blocker);
    expect((await retryReply(s, failed.reply.id)).status).toBe('sent');
    await expect(retryReply(s, failed.reply.id)).rejects.toThrow('is sent: only a failed reply is sent again');
    expect(outbox()).toHaveLength(1);
    expect((await list('all')).cases[0]).toMatchObject({ state: 'replied', failedReplies: 0 });
  });

  it('a reply a crash left sending is settled from the outbox: written means sent, missing means failed', async () => {
    const caseId = await page(maria, 'The parcel came late.');
    const sent = await sendReply(s, caseId, anna, 'We are sorry.', 'key-00000006');
    await s.db.write((tx) => tx.query(`UPDATE feedback_replies SET status = 'sending' WHERE id = $1`, [sent.reply.id]));
    await s.db.write((tx) => tx.query(`INSERT INTO feedback_replies (case_id, staff_name, to_email, subject, body, message_id, in_reply_to, references_ids, status, attempts, idempotency_key, created_at, updated_at)
      VALUES ($1, 'Anna Berger', $2, 'Re: x', 'never sent', '<lost@x>', '<c@x>', '<c@x>', 'sending', 1, 'key-lost-0001', $3, $4)`, [caseId, maria.email, START, START]));
    expect(await settleStaleReplies(s)).toBe(0); // not stale yet: a send may be in flight
    clock.advance(20 * 60_000);
    expect(await settleStaleReplies(s)).toBe(2);
    const entries = (await caseDetail(s.db, caseId, clock.now(), 2))?.entries.filter((e) => e.kind === 'reply').map((e) => e.reply?.status);
    expect(entries?.sort()).toEqual(['failed', 'sent']);
  });

  it('forgetting the customer erases their words, our replies and their address from the inbox; the case stays counted', async () => {
    const caseId = await forward({ from: maria.email, name: 'Maria R.', subject: 'Late parcel', text: 'Why so late?', messageId: '<f1@mail.example>' });
    await sendReply(s, caseId.caseId, anna, 'Dear Maria, we are sorry.', 'key-forget-01');
    const result = await forgetCustomer(s, maria.email, 'test:feedback');
    expect(result.erased).toMatchObject({ feedback: 1, feedback_cases: 1, feedback_replies: 1 });
    const detail = await caseDetail(s.db, caseId.caseId, clock.now(), 2);
    expect(detail?.summary).toMatchObject({ customer: { id: maria.customerId, email: null, name: null }, subject: null, state: 'replied' });
    expect(detail?.entries.map((e) => e.text)).toEqual(['', '']);
    expect(await s.db.reader.query('SELECT from_email, from_name, subject FROM feedback')).toEqual([{ from_email: null, from_name: null, subject: null }]);
    expect(await s.db.reader.query('SELECT to_email, subject FROM feedback_replies')).toEqual([{ to_email: '', subject: '' }]);
  });

  it('counts cases waiting longer than the reminder days, oldest first, and filters the inbox', async () => {
    const [bo, cy] = [await anOffer(s.db, { firstName: 'Bo' }), await anOffer(s.db, { firstName: 'Cy' })];
    const old = await page(maria, 'First, and oldest.');
    clock.advance(DAY_MS);
    const middle = await page(bo, 'Second.');
    clock.advance(DAY_MS);
    const recent = await page(cy, 'Third.');
    clock.set('2025-06-22T10:00:00.001Z'); // the oldest has waited just over two days
    expect(await waitingCases(s.db, clock.now(), 2)).toEqual({
      count: 1, waiting: 3, reminderDays: 2, oldest: [{ id: old, customer: 'Maria', subject: null, waitingSince: START, assignee: null }],
    });
    expect((await waitingCases(s.db, clock.now(), 0)).oldest.map((c) => c.id)).toEqual([old, middle, recent]);
    await sendReply(s, middle, anna, 'Sorry.', 'key-00000007');
    await assignCase(s.db, recent, ben, clock.now());
    await resolveCase(s.db, recent, clock.now());
    expect((await list('waiting')).cases.map((c) => c.id)).toEqual([old]);
    expect((await list('all')).cases.map((c) => c.id)).toEqual([old, recent, middle]);
    expect((await list('replied')).cases.map((c) => c.id)).toEqual([middle]);
    expect((await list('mine', anna.id)).cases.map((c) => c.id)).toEqual([middle]);
    expect((await list('resolved')).cases.map((c) => c.id)).toEqual([recent]);
    expect((await list('all')).cases[0]).toMatchObject({ id: old, overdue: true });
    await reopenCase(s.db, recent, clock.now());
    expect((await list('new')).cases.map((c) => c.id)).toEqual([old, recent]);
    // Reopened and never answered: the customer is waiting again.
    expect((await list('all', anna.id)).counts).toEqual({ all: 3, waiting: 2, new: 2, replied: 1, resolved: 0, mine: 1 });
  });
});
