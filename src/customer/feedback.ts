/** "How can we make it right?": the customer's words, stored with who, which run and which incident. */
import type { Database } from '../db/database';
import { InputError } from '../domain/errors';
import { caseForMessage } from '../feedback/caseStore';
import { insertEvents } from './events';

export const FEEDBACK_MAX_CHARACTERS = 5000;

export interface FeedbackAuthor {
  customerId: number;
  runId: number;
  sendId: number;
  incidentId: number | null;
}

/** Line endings unified, control characters other than newlines and tabs removed, trimmed. */
export function cleanFeedback(raw: unknown, field = 'message', max = FEEDBACK_MAX_CHARACTERS): string {
  const text = (typeof raw === 'string' ? raw : '')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .trim();
  if (!text) throw new InputError('is empty; write a few words, however short', { field });
  if (text.length > max) {
    throw new InputError(`has ${text.length} characters; we can take ${max} at most, or write to us by email`, { field });
  }
  return text;
}

/** Stores the message in its case (see src/feedback/caseStore.ts); returns the case id. */
export async function saveFeedback(db: Database, author: FeedbackAuthor, message: string, now: Date): Promise<number> {
  const d = db.dialect;
  return db.write(async (tx) => {
    const [who]: { email: string | null; first_name: string | null; last_name: string | null }[] = await tx.query(
      `SELECT email, first_name, last_name FROM customers WHERE id = ${d.param(0)}`,
      [author.customerId],
    );
    const name = [who?.first_name, who?.last_name].filter(Boolean).join(' ') || null;
    const at = now.toISOString();
    const caseId = await caseForMessage(tx, db, { customerId: author.customerId, email: who?.email ?? null, name, runId: author.runId, subject: null, at, answers: [] });
    await tx.query(`INSERT INTO feedback (customer_id, run_id, send_id, incident_id, message, at, case_id, source) VALUES ${d.rows(1, 8)}`, [
      author.customerId, author.runId, author.sendId, author.incidentId, message, at, caseId, 'page',
    ]);
    await insertEvents(tx, db, [
      { type: 'feedback', customerId: author.customerId, runId: author.runId, sendId: author.sendId, at: now, data: { incidentId: author.incidentId, characters: message.length } },
    ]);
    return caseId;
  });
}
