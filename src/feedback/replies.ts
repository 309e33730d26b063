/**
 * Replying to a case, exactly once. The reply row is written `sending` (intent) before the mail
 * layer is called (act), keyed by the reply form's idempotency key: a form submitted twice finds
 * the first row and sends nothing. The outcome moves the row by a conditional UPDATE from
 * `sending`. A failed reply is shown in the case and may be tried again (`failed → sending`,
 * whose one winner sends). A reply a crash left `sending` is settled by `settleStaleReplies`: the
 * outbox proves whether it was written; over SMTP nothing does, so it becomes `uncertain` and is
 * never resent on its own.
 */
import type { EntityManager } from 'typeorm';
import { cleanFeedback } from '../customer/feedback';
import { InputError, NotFoundError, ConflictError } from '../domain/errors';
import { afterReplySent, CaseState, referencesFor, ReplyStatus, replySubject, ThreadMessage } from '../domain/feedbackCase';
import type { Services } from '../wiring';
import { insertReturningId } from './caseStore';
import { caseThreadId, replyMessageId } from './messageIds';
import { buildReply, REPLY_FOLDER } from './replyMail';

export const REPLY_MAX_CHARACTERS = 20_000;
/** A reply still `sending` after this long was left by a process that stopped mid-send. */
export const STALE_SENDING_MS = 15 * 60_000;

export interface ReplyAuthor {
  /** The staff member's id (`staff_users`), null when written outside the console. */
  id: number | null;
  name: string;
}

export interface ReplyRow {
  id: number;
  caseId: number;
  status: ReplyStatus;
  messageId: string;
  detail: string | null;
}

export interface ReplyOutcome {
  reply: ReplyRow;
  /** The key was used before: this is the earlier reply, and nothing was sent now. */
  duplicate: boolean;
}

const KEY = /^[A-Za-z0-9_-]{8,80}$/;

/**
 * `seenReplyId`: the latest reply the writer had in front of them (0 for none). A reply to the
 * case since then means a colleague answered meanwhile: refused, so the customer is not
 * answered twice. The case row is locked (PostgreSQL; SQLite has one writer) while this is decided.
 */
export async function sendReply(services: Services, caseId: number, author: ReplyAuthor, rawBody: unknown, idempotencyKey: unknown, seenReplyId?: number): Promise<ReplyOutcome> {
  if (typeof idempotencyKey !== 'string' || !KEY.test(idempotencyKey)) {
    throw new InputError('must be 8 to 80 letters, digits, - or _ (the reply form carries one)', { field: 'idempotencyKey' });
  }
  const body = cleanFeedback(rawBody, 'body', REPLY_MAX_CHARACTERS);
  const staffName = author.name.trim();
  if (!staffName) throw new InputError('is empty; replies are signed by a person', { field: 'staffName' });
  const { db, config } = services;
  const written = await db.write(async (tx) => {
    const p = (i: number) => db.dialect.param(i);
    const c = await caseRow(tx, services, caseId);
    const [earlier] = await tx.query(`SELECT id FROM feedback_replies WHERE idempotency_key = ${p(0)}`, [idempotencyKey]);
    if (earlier) return { id: Number(earlier.id), duplicate: true };
    if (seenReplyId !== undefined) {
      const [meanwhile] = await tx.query(
        `SELECT staff_name FROM feedback_replies WHERE case_id = ${p(0)} AND id > ${p(1)} AND status <> 'failed' ORDER BY id DESC LIMIT 1`,
        [caseId, seenReplyId],
      );
      if (meanwhile) throw new ConflictError(`${meanwhile.staff_name} replied to this case while you were writing; read their reply, then send yours if it is still needed`);
    }
    if (!c.email) throw new InputError(`case ${caseId} has no email address to answer`, { field: 'case' });
    const thread = referencesFor(caseThreadId(caseId, c.opened_at, config.publicUrl), await threadOf(tx, services, caseId));
    const now = services.clock().toISOString();
    const id = await insertReturningId(
      tx,
      `INSERT INTO feedback_replies (case_id, customer_id, staff_id, staff_name, to_email, subject, body, message_id, in_reply_to, references_ids, status, attempts, idempotency_key, created_at, updated_at)
       VALUES ${db.dialect.rows(1, 15)}`,
      [caseId, c.customer_id, author.id, staffName, c.email, replySubject(c.subject), body, replyMessageId(idempotencyKey, config.publicUrl), thread.inReplyTo, thread.references.join(' '), 'sending', 1, idempotencyKey, now, now],
    );
    return { id, duplicate: false };
  });
  if (!written.duplicate) await deliver(services, written.id, 1);
  return { reply: await replyRow(services, written.id), duplicate: written.duplicate };
}

/** Sends a failed reply again; refused unless it is `failed` (another attempt won, or it left). */
export async function retryReply(services: Services, replyId: number): Promise<ReplyRow> {
  const { db } = services;
  const p = (i: number) => db.dialect.param(i);
  const attempt = await db.write(async (tx) => {
    const moved = await db.execute(tx, `UPDATE feedback_replies SET status = 'sending', attempts = attempts + 1, updated_at = ${p(0)} WHERE id = ${p(1)} AND status = 'failed'`, [
      services.clock().toISOString(), replyId,
    ]);
    if (moved !== 1) return null;
    const [row] = await tx.query(`SELECT attempts FROM feedback_replies WHERE id = ${p(0)}`, [replyId]);
    return Number(row.attempts);
  });
  if (attempt === null) {
    const current = await replyRow(services, replyId);
    throw new ConflictError(`reply ${replyId} is ${current.status}: only a failed reply is sent again`);
  }
  await deliver(services, replyId, attempt);
  return replyRow(services, replyId);
}

/** Settles replies a stopped process left `sending` (see the module comment); returns how many. */
export async function settleStaleReplies(services: Services): Promise<number> {
  const { db } = services;
  const p = (i: number) => db.dialect.param(i);
  const before = new Date(services.clock().getTime() - STALE_SENDING_MS).toISOString();
  const stale: { id: number; case_id: number }[] = await db.reader.query(`SELECT id, case_id FROM feedback_replies WHERE status = 'sending' AND updated_at < ${p(0)}`, [before]);
  for (const r of stale) {
    const evidence = await services.mailer().evidence({ campaign: REPLY_FOLDER, sendId: `reply-${r.id}` });
    if (evidence === 'delivered') await recordSent(services, Number(r.id), 'found in the outbox after a restart');
    else await settle(services, Number(r.id), evidence === 'not-delivered' ? 'failed' : 'uncertain', evidence === 'not-delivered'
      ? 'the server stopped before this reply was sent; nothing left: send it again'
      : 'the server stopped while sending this reply: it may have arrived; check the mailbox before writing again');
  }
  return stale.length;
}

async function deliver(services: Services, replyId: number, attempt: number): Promise<void> {
  const { db, config } = services;
  const p = (i: number) => db.dialect.param(i);
  const [r] = await db.reader.query(
    `SELECT r.*, c.name AS customer_name, c.run_id FROM feedback_replies r JOIN feedback_cases c ON c.id = r.case_id WHERE r.id = ${p(0)}`,
    [replyId],
  );
  const message = await buildReply({
    replyId, caseId: Number(r.case_id), messageId: r.message_id, inReplyTo: r.in_reply_to, references: String(r.references_ids).split(' ').filter(Boolean),
    subject: r.subject, body: r.body, staffName: r.staff_name, shopName: config.shop.name, from: config.mail.from,
    replyTo: (await spokespersonInbox(services, r.run_id)) ?? config.mail.from, to: { address: r.to_email, name: r.customer_name }, date: services.clock(),
  });
  const outcome = await services.mailer().send(message, attempt);
  if (outcome.status === 'failed') {
    services.logger.warn({ replyId, failure: outcome.failure.kind }, 'a feedback reply could not be sent');
    return settle(services, replyId, outcome.failure.kind === 'uncertain' ? 'uncertain' : 'failed', outcome.failure.reason);
  }
  await recordSent(services, replyId, outcome.detail);
}

/** The reply left: the row says so and the case is answered, in one transaction. */
async function recordSent(services: Services, replyId: number, detail: string): Promise<void> {
  const { db } = services;
  const p = (i: number) => db.dialect.param(i);
  const now = services.clock().toISOString();
  await db.write(async (tx) => {
    const moved = await db.execute(tx, `UPDATE feedback_replies SET status = 'sent', sent_at = ${p(0)}, updated_at = ${p(0)}, detail = ${p(1)} WHERE id = ${p(2)} AND status = 'sending'`, [now, detail, replyId]);
    if (moved !== 1) return;
    const [c] = await tx.query(
      `SELECT c.id, c.state, c.customer_at, c.replied_at, c.assignee_id, r.staff_id, r.staff_name FROM feedback_cases c JOIN feedback_replies r ON r.case_id = c.id WHERE r.id = ${p(0)}`,
      [replyId],
    );
    const next = afterReplySent({ state: c.state as CaseState, customerAt: c.customer_at, repliedAt: c.replied_at }, now);
    // Whoever answers an unassigned case has taken it on.
    const takes = c.assignee_id === null && c.staff_id !== null;
    await tx.query(
      `UPDATE feedback_cases SET state = ${p(0)}, replied_at = ${p(1)}, updated_at = ${p(2)}${takes ? `, assignee_id = ${p(4)}, assignee_name = ${p(5)}` : ''} WHERE id = ${p(3)}`,
      [next.state, next.repliedAt, now, Number(c.id), ...(takes ? [c.staff_id, c.staff_name] : [])],
    );
  });
}

async function settle(services: Services, replyId: number, status: 'failed' | 'uncertain', detail: string): Promise<void> {
  const { db } = services;
  const p = (i: number) => db.dialect.param(i);
  await db.write((tx) =>
    db.execute(tx, `UPDATE feedback_replies SET status = ${p(0)}, detail = ${p(1)}, updated_at = ${p(2)} WHERE id = ${p(3)} AND status = 'sending'`, [
      status, detail, services.clock().toISOString(), replyId,
    ]),
  );
}

async function caseRow(tx: EntityManager, services: Services, caseId: number) {
  const lock = services.db.dialect.kind === 'postgres' ? ' FOR UPDATE' : '';
  const [c] = await tx.query(`SELECT id, customer_id, email, subject, opened_at FROM feedback_cases WHERE id = ${services.db.dialect.param(0)}${lock}`, [caseId]);
  if (!c) throw new NotFoundError(`no feedback case ${caseId}`);
  return c as { id: number; customer_id: number | null; email: string | null; subject: string | null; opened_at: string };
}

/** The case's messages with their ids, in order: the customer's and ours that may have left. */
async function threadOf(tx: EntityManager, services: Services, caseId: number): Promise<ThreadMessage[]> {
  const p = services.db.dialect.param(0);
  const rows: { author: 'customer' | 'us'; id: string | null }[] = await tx.query(
    `SELECT author, id FROM (
       SELECT 'customer' AS author, message_id AS id, at, id AS seq FROM feedback WHERE case_id = ${p}
       UNION ALL
       SELECT 'us' AS author, message_id AS id, created_at AS at, id AS seq FROM feedback_replies WHERE case_id = ${p} AND status <> 'failed'
     ) m ORDER BY at, author, seq`,
    [caseId],
  );
  return rows.map((r) => ({ by: r.author, id: r.id }));
}

/** Where the customer's answer should go: the spokesperson inbox of the case's run. */
async function spokespersonInbox(services: Services, runId: number | null): Promise<string | null> {
  if (runId === null) return null;
  const [run] = await services.db.reader.query(`SELECT definition FROM campaign_runs WHERE id = ${services.db.dialect.param(0)}`, [runId]);
  const replyTo = run ? (JSON.parse(run.definition) as { spokesperson?: { replyTo?: string } }).spokesperson?.replyTo : undefined;
  return replyTo ?? null;
}

export async function replyRow(services: Services, replyId: number): Promise<ReplyRow> {
  const [r] = await services.db.reader.query(`SELECT id, case_id, status, message_id, detail FROM feedback_replies WHERE id = ${services.db.dialect.param(0)}`, [replyId]);
  if (!r) throw new NotFoundError(`no reply ${replyId}`);
  return { id: Number(r.id), caseId: Number(r.case_id), status: r.status, messageId: r.message_id, detail: r.detail };
}
