/** "How can we make it right?": the customer's words, stored with who, which run and which incident. */
import type { Database } from '../db/database';
import { InputError } from '../domain/errors';
import { insertEvents } from './events';

export const FEEDBACK_MAX_CHARACTERS = 5000;

export interface FeedbackAuthor {
  customerId: number;
  runId: number;
  sendId: number;
  incidentId: number | null;
}

/** Line endings unified, control characters other than newlines and tabs removed, trimmed. */
export function cleanFeedback(raw: unknown): string {
  const text = (typeof raw === 'string' ? raw : '')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .trim();
  if (!text) throw new InputError('is empty; write a few words, however short', { field: 'message' });
  if (text.length > FEEDBACK_MAX_CHARACTERS) {
    throw new InputError(`has ${text.length} characters; we can take ${FEEDBACK_MAX_CHARACTERS} at most, or write to us by email`, { field: 'message' });
  }
  return text;
}

export async function saveFeedback(db: Database, author: FeedbackAuthor, message: string, now: Date): Promise<void> {
  const d = db.dialect;
  await db.write(async (tx) => {
    await tx.query(`INSERT INTO feedback (customer_id, run_id, send_id, incident_id, message, at) VALUES ${d.rows(1, 6)}`, [
      author.customerId, author.runId, author.sendId, author.incidentId, message, now.toISOString(),
    ]);
    await insertEvents(tx, db, [
      { type: 'feedback', customerId: author.customerId, runId: author.runId, sendId: author.sendId, at: now, data: { incidentId: author.incidentId, characters: message.length } },
    ]);
  });
}
