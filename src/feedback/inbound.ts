/**
 * A reply to a campaign's spokesperson that the shop forwards in (`POST /api/feedback`): the
 * body checked field by field, the sender matched to a customer by email, the message stored in
 * its case. A Message-ID seen before is the same email forwarded again: the existing case is
 * the answer, and nothing is stored twice.
 */
import { z } from 'zod';
import type { Database } from '../db/database';
import { InputError } from '../domain/errors';
import { cleanFeedback } from '../customer/feedback';
import { insertEvents } from '../customer/events';
import { CAMPAIGN_NAME } from '../campaigns/loader';
import { caseForMessage, insertReturningId } from './caseStore';
import { messageIdsIn, normalMessageId } from './messageIds';

/** An email is longer than a form's few words: quoted history and signatures come along. */
export const FORWARDED_MAX_CHARACTERS = 50_000;

export interface ForwardedEmail {
  /** Trimmed and lower-cased. */
  from: string;
  name: string | null;
  subject: string | null;
  text: string;
  messageId: string | null;
  /** In-Reply-To's Message-IDs. */
  answers: string[];
  campaign: string | null;
  /** ISO 8601, UTC. */
  receivedAt: string;
}

const optionalText = (max: number) => z.string().max(max, `at most ${max} characters`).nullish();
const body = z.object({
  from: z.string({ message: 'required: the sender\'s email address' }).trim().email('is not an email address like maria@example.com'),
  name: optionalText(200),
  subject: optionalText(998),
  text: z.unknown(),
  messageId: optionalText(998),
  inReplyTo: optionalText(10_000),
  campaign: z.string().regex(CAMPAIGN_NAME, 'is not a campaign name (lower-case letters, digits and dashes)').nullish(),
  receivedAt: z.string().nullish(),
}, { message: 'expected a JSON object {from, text, name?, subject?, messageId?, inReplyTo?, campaign?, receivedAt?}' });

const oneLine = (value: string | null | undefined) => value?.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim() || null;

export function parseForwardedEmail(raw: unknown, now: Date): ForwardedEmail {
  const parsed = body.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(issue.message, { field: issue.path.length ? issue.path.join('.') : undefined });
  }
  const b = parsed.data;
  const text = cleanFeedback(b.text, 'text', FORWARDED_MAX_CHARACTERS);
  let messageId: string | null = null;
  if (b.messageId) {
    messageId = normalMessageId(b.messageId);
    if (messageId === null) throw new InputError(`"${b.messageId.slice(0, 80)}" is not a Message-ID like <abc123@mail.example>`, { field: 'messageId' });
  }
  const answers = b.inReplyTo ? messageIdsIn(b.inReplyTo) : [];
  if (b.inReplyTo && !answers.length) throw new InputError('holds no Message-ID like <abc123@mail.example>', { field: 'inReplyTo' });
  let receivedAt = now.toISOString();
  if (b.receivedAt) {
    const ms = Date.parse(b.receivedAt);
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(b.receivedAt) || Number.isNaN(ms)) {
      throw new InputError(`"${b.receivedAt.slice(0, 40)}" is not an ISO 8601 time like 2025-06-20T10:00:00Z`, { field: 'receivedAt' });
    }
    // A clock that runs ahead must not put the message in the future, where it would never be overdue.
    receivedAt = new Date(Math.min(ms, now.getTime())).toISOString();
  }
  return { from: b.from.toLowerCase(), name: oneLine(b.name), subject: oneLine(b.subject), text, messageId, answers, campaign: b.campaign ?? null, receivedAt };
}

export interface RecordedEmail {
  caseId: number;
  feedbackId: number;
  /** The Message-ID was stored before: nothing new was written. */
  duplicate: boolean;
}

export async function recordForwardedEmail(db: Database, email: ForwardedEmail): Promise<RecordedEmail> {
  try {
    return await db.write(async (tx) => {
      const p = (i: number) => db.dialect.param(i);
      if (email.messageId) {
        const [seen] = await tx.query(`SELECT id, case_id FROM feedback WHERE message_id = ${p(0)}`, [email.messageId]);
        if (seen) return { caseId: Number(seen.case_id), feedbackId: Number(seen.id), duplicate: true };
      }
      const [customer]: { id: number; first_name: string | null; last_name: string | null }[] = await tx.query(
        `SELECT id, first_name, last_name FROM customers WHERE email = ${p(0)} ORDER BY id LIMIT 1`,
        [email.from],
      );
      const customerId = customer ? Number(customer.id) : null;
      const runId = await runOf(tx, db, customerId, email.campaign);
      const known = [customer?.first_name, customer?.last_name].filter(Boolean).join(' ');
      const caseId = await caseForMessage(tx, db, {
        customerId, email: email.from, name: email.name ?? (known || null), runId, subject: email.subject, at: email.receivedAt, answers: email.answers,
      });
      const feedbackId = await insertReturningId(
        tx,
        `INSERT INTO feedback (customer_id, run_id, message, at, case_id, source, message_id, subject, from_email, from_name) VALUES ${db.dialect.rows(1, 10)}`,
        [customerId, runId, email.text, email.receivedAt, caseId, 'email', email.messageId, email.subject, email.from, email.name],
      );
      if (customerId !== null) {
        await insertEvents(tx, db, [{ type: 'feedback', customerId, runId, sendId: null, at: new Date(email.receivedAt), data: { source: 'email', caseId, characters: email.text.length } }]);
      }
      return { caseId, feedbackId, duplicate: false };
    });
  } catch (error) {
    // Two forwards of one email at once (PostgreSQL): the loser's insert hit the unique Message-ID.
    if (!email.messageId || !isUniqueViolation(error)) throw error;
    const [seen] = await db.reader.query(`SELECT id, case_id FROM feedback WHERE message_id = ${db.dialect.param(0)}`, [email.messageId]);
    if (!seen) throw error;
    return { caseId: Number(seen.case_id), feedbackId: Number(seen.id), duplicate: true };
  }
}

/**
 * The run the email answers: the customer's latest run of the named campaign, else that
 * campaign's latest run; without a campaign, the customer's latest run. Its spokesperson's
 * inbox is where our reply asks the customer to answer.
 */
async function runOf(tx: Parameters<Parameters<Database['write']>[0]>[0], db: Database, customerId: number | null, campaign: string | null): Promise<number | null> {
  const p = (i: number) => db.dialect.param(i);
  const first = async (sql: string, params: unknown[]) => {
    const [row] = await tx.query(sql, params);
    return row ? Number(row.id) : null;
  };
  const enrolled = `SELECT r.id FROM campaign_runs r JOIN enrolments e ON e.run_id = r.id WHERE e.customer_id = ${p(0)}`;
  if (campaign !== null) {
    return (
      (customerId !== null ? await first(`${enrolled} AND r.campaign = ${p(1)} ORDER BY r.id DESC LIMIT 1`, [customerId, campaign]) : null) ??
      (await first(`SELECT id FROM campaign_runs WHERE campaign = ${p(0)} ORDER BY id DESC LIMIT 1`, [campaign]))
    );
  }
  return customerId !== null ? first(`${enrolled} ORDER BY r.id DESC LIMIT 1`, [customerId]) : null;
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string }; message?: string };
  const code = e.driverError?.code ?? e.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT' || /UNIQUE constraint failed/.test(e.message ?? '');
}
