/**
 * The weekly digest `serve` sends: at most one per week, however many processes run and however
 * often they restart. The week's row is claimed before anything is sent (intent before act):
 * the conditional INSERT on the week's primary key has one winner; only the winner sends and
 * records the outcome. A claim a crash left behind is taken over only with the outbox, whose
 * write-once file makes a second try harmless; over SMTP nothing proves it left, so it stays.
 */
import { digestWeek } from '../domain/digestWeek';
import { timeZone } from '../domain/time';
import type { Services } from '../wiring';
import { sendDigest } from './digestMail';

export type WeeklyDigestOutcome =
  | { status: 'no-recipients' }
  | { status: 'not-due' | 'already-sent'; week: string }
  | { status: 'sent'; week: string; detail: string }
  | { status: 'retry' | 'failed'; week: string; reason: string };

/** A claim older than this, still `sending`, was left by a process that died mid-send. */
const STALE_CLAIM_MS = 15 * 60_000;

export async function sendWeeklyDigest(services: Services): Promise<WeeklyDigestOutcome> {
  const to = services.config.digestTo;
  if (!to.length) return { status: 'no-recipients' };
  const now = services.clock();
  const { week, dueFrom, dueUntil } = digestWeek(now.getTime(), timeZone(services.config.shop.timeZone));
  if (now.getTime() < dueFrom || now.getTime() >= dueUntil) return { status: 'not-due', week };
  const attempt = await whenNotBusy(() => claim(services, week, to, now));
  if (attempt === null) return { status: 'already-sent', week };
  const outcome = await sendDigest(services, to, `week-${week}`, attempt);
  if (outcome.status !== 'failed') {
    await whenNotBusy(() => record(services, week, 'sent', outcome.detail, now));
    return { status: 'sent', week, detail: outcome.detail };
  }
  // A transient failure is tried again at the next hourly tick; anything else is given up.
  const { failure } = outcome;
  const status = failure.kind === 'transient' && failure.retryAfterMs !== null ? 'retry' : 'failed';
  await whenNotBusy(() => record(services, week, status, failure.reason, null));
  services.logger.error({ week, failure }, 'the weekly digest could not be sent');
  return { status, week, reason: failure.reason };
}

/** The attempt number when this process won the week, null when another has it (or had it). */
async function claim(services: Services, week: string, to: string[], now: Date): Promise<number | null> {
  const { db } = services;
  const p = (i: number) => db.dialect.param(i);
  const at = now.toISOString();
  // Isolation: READ COMMITTED; the week's unique row (ON CONFLICT), then a conditional UPDATE,
  // decide who sends it.
  return db.write(async (tx) => {
    // Starts with "INSERT ": TypeORM's SQLite runner reports affected rows only then.
    const inserted = await db.execute(
      tx,
      `INSERT INTO digests (week, status, attempts, recipients, claimed_at) VALUES (${p(0)}, 'sending', 1, ${p(1)}, ${p(2)}) ON CONFLICT DO NOTHING`,
      [week, to.join(', '), at],
    );
    if (inserted === 1) return 1;
    const staleAllowed = services.mailer().kind === 'outbox';
    const retaken = await db.execute(
      tx,
      `UPDATE digests SET status = 'sending', attempts = attempts + 1, claimed_at = ${p(0)}
        WHERE week = ${p(1)} AND (status = 'retry' OR (${p(2)} = 1 AND status = 'sending' AND claimed_at < ${p(3)}))`,
      [at, week, staleAllowed ? 1 : 0, new Date(now.getTime() - STALE_CLAIM_MS).toISOString()],
    );
    if (retaken !== 1) return null;
    const [row] = await tx.query(`SELECT attempts FROM digests WHERE week = ${p(0)}`, [week]);
    return Number(row.attempts);
  });
}

async function record(services: Services, week: string, status: 'sent' | 'retry' | 'failed', detail: string, sentAt: Date | null): Promise<void> {
  const { db } = services;
  const p = (i: number) => db.dialect.param(i);
  await db.write((tx) =>
    tx.query(`UPDATE digests SET status = ${p(0)}, detail = ${p(1)}, sent_at = ${p(2)} WHERE week = ${p(3)} AND status = 'sending'`, [status, detail, sentAt?.toISOString() ?? null, week]),
  );
}

/**
 * Two `serve`s on one SQLite file both write here at 08:00 on Monday. A deferred transaction that
 * read before the other's commit gets SQLITE_BUSY at once (its snapshot is stale; the busy
 * timeout cannot help), so the loser tries again on a fresh snapshot and sees the winner's row.
 */
async function whenNotBusy<T>(work: () => Promise<T>, tries = 8): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await work();
    } catch (error) {
      if (i >= tries || !/SQLITE_BUSY/.test(String((error as Error)?.message))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * i + Math.random() * 30));
    }
  }
}
