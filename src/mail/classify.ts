/**
 * Every way a send can fail, sorted once into what the dispatcher does next:
 *
 * - transient: try this send again later (4xx, dropped connection, timeout, a busy disk), with
 *   exponential backoff and a bounded number of attempts;
 * - permanent: this address will never take this mail (5xx about the recipient): suppress it;
 * - fatal: nothing will get through until a person fixes something (credentials, a sender or
 *   content policy block, a full disk, a bad setting): pause the run and show the reason;
 * - uncertain: the message's end was written to the server and the connection went before its
 *   reply: it may have been accepted, so it is never sent again on a guess.
 *
 * We send one recipient per message, so "rejected for every recipient" is a reply about us, not
 * them: the MAIL FROM and DATA stages, and security/policy codes (5.7.x) on RCPT that name relaying
 * or authentication. A block that looks per recipient (plain 550 on RCPT for everyone) can only be
 * seen across sends: the dispatcher notices ten in a row (src/campaigns/refusalRow.ts).
 */
import type { ErrorCode } from 'nodemailer';

export type SendFailure =
  /** `retryAfterMs` is null when the attempts are used up: mark the send failed, do not retry. */
  | { kind: 'transient'; reason: string; retryAfterMs: number | null }
  | { kind: 'permanent'; reason: string }
  | { kind: 'fatal'; reason: string }
  | { kind: 'uncertain'; reason: string };

export interface RetryPolicy {
  /** Attempts in all, the first one included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** 0..1: the share of each delay drawn at random, so retries of a batch do not all collide. */
  jitter: number;
  random: () => number;
}

/** 2, 4, 8, 16, 32 minutes: enough to ride out greylisting and a restarting mail server. */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 120_000, maxDelayMs: 3_600_000, jitter: 0.2, random: Math.random };

/** What went wrong, before deciding what to do about it. */
type Cause =
  | { type: 'reply'; code: number; enhanced: string | undefined; stage: Stage; text: string }
  | { type: 'network'; code: string; text: string }
  | { type: 'credentials'; text: string }
  | { type: 'setup'; code: string; text: string }
  | { type: 'envelope'; text: string }
  | { type: 'disk'; code: string; text: string }
  | { type: 'unknown'; text: string };

type Stage = 'connect' | 'auth' | 'sender' | 'recipient' | 'content' | 'other';

/** Each nodemailer error code without an SMTP reply, by what it means for us. Exhaustive by type. */
const NODEMAILER_CODES: Readonly<Record<ErrorCode, 'network' | 'credentials' | 'setup' | 'envelope'>> = {
  ECONNECTION: 'network', ETIMEDOUT: 'network', ESOCKET: 'network', EPROTOCOL: 'network', EABORT: 'network',
  EMAXLIMIT: 'network', EDNS: 'network', EAUTH: 'credentials', ENOAUTH: 'credentials', EOAUTH2: 'credentials',
  EENVELOPE: 'envelope', EMESSAGE: 'setup', ETLS: 'setup', EREQUIRETLS: 'setup', EOTP: 'setup', ESTREAM: 'setup',
  EMAXRECIPIENTS: 'setup', ESENDMAIL: 'setup', ESES: 'setup', ECONFIG: 'setup', EPROXY: 'setup',
  EFILEACCESS: 'setup', EURLACCESS: 'setup', EFETCH: 'setup',
};

/** File system codes that clear up by themselves; every other one needs a person. */
const DISK_TRANSIENT = new Set(['EAGAIN', 'EBUSY', 'EMFILE', 'ENFILE', 'EINTR']);

interface ErrorLike {
  code?: unknown;
  responseCode?: unknown;
  response?: unknown;
  command?: unknown;
  message?: unknown;
  originalCode?: unknown;
  syscall?: unknown;
}

/**
 * `dataEnded`: the message's final "." line was written to the socket (transport.ts watches for
 * it); after that a failure without a reply from the server leaves the outcome unknown.
 */
export function classifySendFailure(error: unknown, attempt: number, policy: RetryPolicy = DEFAULT_RETRY, dataEnded = false): SendFailure {
  const cause = causeOf(error);
  if (dataEnded && (cause.type === 'network' || cause.type === 'unknown')) {
    return { kind: 'uncertain', reason: `connection lost after the whole message was sent, before the server's reply (${cause.type === 'network' ? `${cause.code}: ` : ''}${cause.text}): it may have arrived, so it is not sent again` };
  }
  switch (cause.type) {
    case 'reply':
      return replyFailure(cause, attempt, policy);
    case 'network':
      // A host name that does not exist will not start to exist: that is SMTP_URL's fault.
      if (cause.code === 'EDNS' && /ENOTFOUND/.test(cause.text)) return { kind: 'fatal', reason: `the SMTP host cannot be found; check SMTP_URL (${cause.text})` };
      return transient(`connection problem (${cause.code}): ${cause.text}`, attempt, policy);
    case 'credentials':
      return { kind: 'fatal', reason: `the SMTP server refused our login; check the user and password in SMTP_URL (${cause.text})` };
    case 'setup':
      return { kind: 'fatal', reason: `mail setup problem (${cause.code}): ${cause.text}` };
    case 'envelope':
      return { kind: 'permanent', reason: `the address cannot be used: ${cause.text}` };
    case 'disk':
      if (DISK_TRANSIENT.has(cause.code)) return transient(`outbox busy (${cause.code}): ${cause.text}`, attempt, policy);
      return { kind: 'fatal', reason: `the outbox cannot be written (${cause.code}); check OUTBOX_DIR: ${cause.text}` };
    case 'unknown':
      // Retrying or suppressing on a guess could loop or lose a customer: stop and show it.
      return { kind: 'fatal', reason: `unexpected error while sending: ${cause.text}` };
    default: {
      const never: never = cause;
      throw new TypeError(`unclassified cause ${JSON.stringify(never)}`);
    }
  }
}

function replyFailure(reply: Extract<Cause, { type: 'reply' }>, attempt: number, policy: RetryPolicy): SendFailure {
  const what = `the SMTP server answered ${reply.text}`;
  // 503 is "bad sequence of commands": a session problem, not a verdict on the message.
  if (reply.code < 500 || reply.code === 503) return transient(what, attempt, policy);
  const enhanced = reply.enhanced ?? '';
  const aboutRecipient = /^5\.[12]\./.test(enhanced);
  const aboutUs = /^5\.7\./.test(enhanced) || [530, 535, 538].includes(reply.code);
  switch (reply.stage) {
    case 'recipient':
      if (aboutUs && (/relay|auth/i.test(reply.text) || !/^5\.7\.1$/.test(enhanced))) return { kind: 'fatal', reason: `${what} (our sending is blocked)` };
      return { kind: 'permanent', reason: what };
    case 'content':
      if (aboutRecipient || (!enhanced && [550, 551, 553].includes(reply.code))) return { kind: 'permanent', reason: what };
      return { kind: 'fatal', reason: `${what} (the message itself is refused)` };
    case 'connect':
    case 'auth':
    case 'sender':
    case 'other':
      return { kind: 'fatal', reason: `${what} (refused before any recipient)` };
    default: {
      const never: never = reply.stage;
      throw new TypeError(`unknown stage ${String(never)}`);
    }
  }
}

function transient(reason: string, attempt: number, policy: RetryPolicy): SendFailure {
  return { kind: 'transient', reason, retryAfterMs: retryDelayMs(attempt, policy) };
}

/** Delay before attempt `attempt + 1`, or null when `attempt` was the last one allowed. */
export function retryDelayMs(attempt: number, policy: RetryPolicy): number | null {
  if (attempt >= policy.maxAttempts) return null;
  const full = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(full * (1 - policy.jitter * policy.random()));
}

function causeOf(error: unknown): Cause {
  const e: ErrorLike = typeof error === 'object' && error !== null ? (error as ErrorLike) : {};
  const text = String(e.message ?? error).slice(0, 500);
  const code = typeof e.code === 'string' ? e.code : '';
  const response = typeof e.response === 'string' ? e.response : '';
  const replyCode = typeof e.responseCode === 'number' ? e.responseCode : Number(/^([2-5]\d\d)/.exec(response)?.[1] ?? 0);
  if (replyCode >= 400 && code !== 'EAUTH') {
    const enhanced = /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(response)?.[1];
    return { type: 'reply', code: replyCode, enhanced, stage: stageOf(String(e.command ?? '')), text: (response || text).replace(/\s+/g, ' ').slice(0, 300) };
  }
  if (code in NODEMAILER_CODES) {
    const type = NODEMAILER_CODES[code as ErrorCode];
    return type === 'credentials' ? { type, text } : type === 'envelope' ? { type, text } : { type, code, text };
  }
  // The outbox: Node's file system errors carry a syscall and an errno code.
  if (code && typeof e.syscall === 'string') return { type: 'disk', code, text };
  return { type: 'unknown', text };
}

function stageOf(command: string): Stage {
  if (/^RCPT/i.test(command)) return 'recipient';
  if (/^(DATA|BDAT)/i.test(command)) return 'content';
  if (/^MAIL/i.test(command)) return 'sender';
  if (/^AUTH/i.test(command)) return 'auth';
  if (/^(CONN|EHLO|HELO|LHLO|STARTTLS|GREETING)/i.test(command)) return 'connect';
  return 'other';
}
