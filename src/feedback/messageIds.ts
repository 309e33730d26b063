/**
 * Message-IDs of the feedback inbox. A case's own id roots the thread when the customer's first
 * message had none (page feedback); a reply's id derives from its idempotency key, so the same
 * form submitted twice could never carry two ids. Both are stable: derived, not drawn at random.
 */
import { createHash } from 'node:crypto';

const hash = (text: string, length: number) => createHash('sha256').update(text).digest('hex').slice(0, length);
const hostOf = (publicUrl: string) => new URL(publicUrl).hostname;

/** `<case-12.1a2b3c4d5e6f@shop.example>` */
export function caseThreadId(caseId: number, openedAt: string, publicUrl: string): string {
  return `<${caseThreadLocalPart(caseId, openedAt)}@${hostOf(publicUrl)}>`;
}

/** The part before the @: what identifies the case, whatever host PUBLIC_URL named then. */
export function caseThreadLocalPart(caseId: number, openedAt: string): string {
  return `case-${caseId}.${hash(`case\0${caseId}\0${openedAt}`, 12)}`;
}

/** The case a thread id names and its local part, if it has that shape; the caller checks it against the case. */
export function parseCaseThreadId(messageId: string): { caseId: number; localPart: string } | null {
  const match = /^<(case-(\d{1,12})\.[0-9a-f]{12})@[^>]+>$/.exec(messageId);
  return match ? { caseId: Number(match[2]), localPart: match[1] } : null;
}

export function replyMessageId(idempotencyKey: string, publicUrl: string): string {
  return `<reply.${hash(`reply\0${idempotencyKey}`, 24)}@${hostOf(publicUrl)}>`;
}

/**
 * One Message-ID as `<local@domain>`: a forwarder may send it bare or bracketed. Null when it is
 * not one (spaces, no @, too long for the column).
 */
export function normalMessageId(raw: string): string | null {
  const bare = raw.trim().replace(/^<|>$/g, '');
  if (!/^[^\s<>@]+@[^\s<>@]+$/.test(bare) || bare.length > 250) return null;
  return `<${bare}>`;
}

/** Every Message-ID in an In-Reply-To or References value (it may hold several). */
export function messageIdsIn(raw: string): string[] {
  const bracketed = raw.match(/<[^<>\s]+>/g);
  const candidates = bracketed ?? raw.split(/[\s,]+/);
  return candidates.map(normalMessageId).filter((id): id is string => id !== null);
}
