/**
 * A feedback case: one conversation with one customer, from their first message to "resolved".
 *
 *   new ──reply sent──▶ replied ──resolve──▶ resolved
 *    └────────────resolve───────────────────▶ ┘   │
 *   ◀──────────── the customer writes again ──────┘ (reopens: new if nobody ever replied, else replied)
 *
 * Whether a case is *waiting* does not hang on its state but on the times: the customer's last
 * message came after our last reply (or we never replied), and the case is not resolved. A case
 * is *overdue* when it has waited longer than FEEDBACK_REMINDER_DAYS. Replies have their own
 * small life, like a send's: the row is written `sending` before the mail leaves.
 */
export type CaseState = 'new' | 'replied' | 'resolved';
export const CASE_STATES: readonly CaseState[] = ['new', 'replied', 'resolved'];

export interface CaseFacts {
  state: CaseState;
  /** ISO 8601: the customer's latest message. */
  customerAt: string;
  /** ISO 8601: our latest reply that left; null when none has. */
  repliedAt: string | null;
}

const DAY_MS = 86_400_000;

export function isWaiting(c: CaseFacts): boolean {
  return c.state !== 'resolved' && (c.repliedAt === null || c.repliedAt < c.customerAt);
}

/** Since when the customer has waited for an answer; null when they are not waiting. */
export function waitingSince(c: CaseFacts): string | null {
  return isWaiting(c) ? c.customerAt : null;
}

/** Waiting longer than `reminderDays` (exactly that long is not yet longer). */
export function isOverdue(c: CaseFacts, nowMs: number, reminderDays: number): boolean {
  return isWaiting(c) && nowMs - Date.parse(c.customerAt) > reminderDays * DAY_MS;
}

/** The latest customer message time that counts for waiting: older than this is overdue. */
export function overdueBefore(nowMs: number, reminderDays: number): string {
  return new Date(nowMs - reminderDays * DAY_MS).toISOString();
}

/**
 * The customer wrote again. A resolved case reopens rather than a new one starting, so the
 * person who answered before sees the whole conversation. A message that arrives late (a
 * forwarded email older than the latest) never moves the last message back in time.
 */
export function afterCustomerWrote(c: CaseFacts, at: string): Pick<CaseFacts, 'state' | 'customerAt'> {
  const state: CaseState = c.state === 'resolved' ? (c.repliedAt === null ? 'new' : 'replied') : c.state;
  return { state, customerAt: at > c.customerAt ? at : c.customerAt };
}

/** Our reply left. A reply written to a resolved case (a last word) does not reopen it. */
export function afterReplySent(c: CaseFacts, at: string): Pick<CaseFacts, 'state' | 'repliedAt'> {
  return { state: c.state === 'resolved' ? 'resolved' : 'replied', repliedAt: c.repliedAt !== null && c.repliedAt > at ? c.repliedAt : at };
}

export const canResolve = (state: CaseState): boolean => state !== 'resolved';
export const canReopen = (state: CaseState): boolean => state === 'resolved';

export type ReplyStatus =
  | 'sending' // written before the mail layer is called: the email may be on its way
  | 'sent' // accepted by the SMTP server or written to the outbox
  | 'failed' // refused or not written: shown in the case, and may be tried again
  | 'uncertain'; // a crash left it sending over SMTP: it may have arrived, so never resent blindly

export type ReplyEvent = 'delivered' | 'failed' | 'retry' | 'lost';

export const REPLY_TRANSITIONS: Readonly<Record<ReplyEvent, { from: readonly ReplyStatus[]; to: ReplyStatus }>> = {
  delivered: { from: ['sending'], to: 'sent' },
  failed: { from: ['sending'], to: 'failed' },
  retry: { from: ['failed'], to: 'sending' },
  lost: { from: ['sending'], to: 'uncertain' },
};

export function canMoveReply(from: ReplyStatus, event: ReplyEvent): boolean {
  return REPLY_TRANSITIONS[event].from.includes(from);
}

const REPLY_PREFIX = /^\s*((re|aw|sv)\s*:\s*)+/i;
/** The question of the welcome-back page's form: the subject of feedback that came without one. */
export const PAGE_FEEDBACK_SUBJECT = 'How can we make it right?';

/** `Re: ` once, whatever prefixes the customer's mail client stacked up. */
export function replySubject(subject: string | null): string {
  const bare = (subject ?? '').replace(REPLY_PREFIX, '').trim();
  return `Re: ${bare || PAGE_FEEDBACK_SUBJECT}`;
}

export interface ThreadMessage {
  by: 'customer' | 'us';
  /** Its Message-ID with angle brackets; null for page feedback, which has none. */
  id: string | null;
}

/**
 * Threading headers for our next reply. `threadId` is the case's own stable Message-ID: it roots
 * the thread when the customer's first message has no id (page feedback), and is what we answer
 * when none of the customer's messages has one, so every reply in the case threads together.
 */
export function referencesFor(threadId: string, messages: readonly ThreadMessage[]): { inReplyTo: string; references: string[] } {
  const ids: string[] = [];
  if (messages.length === 0 || messages[0].id === null) ids.push(threadId);
  for (const m of messages) if (m.id !== null && !ids.includes(m.id)) ids.push(m.id);
  const lastFromCustomer = [...messages].reverse().find((m) => m.by === 'customer' && m.id !== null);
  return { inReplyTo: lastFromCustomer?.id ?? threadId, references: ids };
}
