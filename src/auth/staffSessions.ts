/**
 * Console sessions, kept in the database so they can be listed, revoked and expired. The
 * browser holds a random 32-byte token; the row holds its SHA-256 only. A session ends after
 * `idleMs` without a request or `maxMs` after sign-in, at sign-out, and when its user is
 * disabled. The CSRF token of a session is derived from its token, so it needs no storage and
 * changes with every sign-in.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import { StaffSession, StaffUser } from '../db/entities/Staff';

export interface SessionLimits {
  idleMs: number;
  maxMs: number;
}

/** last_seen_at is written at most this often: a page with many requests costs one write. */
const TOUCH_EVERY_MS = 60_000;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export class StaffSessions {
  constructor(private readonly db: Database, private readonly clock: Clock, private readonly limits: SessionLimits) {}

  /** A new session for `userId`; returns the token for the cookie (shown nowhere else). */
  async start(userId: number): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock();
    await this.db.write((tx) =>
      tx.getRepository(StaffSession).insert({
        id: sha256(token), userId, createdAt: now.toISOString(), lastSeenAt: now.toISOString(), expiresAt: new Date(now.getTime() + this.limits.maxMs).toISOString(),
      }),
    );
    return token;
  }

  /** The user of a live session, or undefined (unknown, expired, or the user disabled); an expired row is removed. */
  async resolve(token: string | undefined): Promise<StaffUser | undefined> {
    if (!token || !TOKEN.test(token)) return undefined;
    const id = sha256(token);
    const session = await this.db.reader.getRepository(StaffSession).findOneBy({ id });
    if (!session) return undefined;
    const now = this.clock().getTime();
    const idleEnd = Date.parse(session.lastSeenAt) + this.limits.idleMs;
    if (now >= Date.parse(session.expiresAt) || now >= idleEnd) {
      await this.db.write((tx) => tx.getRepository(StaffSession).delete({ id }));
      return undefined;
    }
    const user = await this.db.reader.getRepository(StaffUser).findOneBy({ id: session.userId });
    if (!user || user.disabledAt) return undefined;
    if (now - Date.parse(session.lastSeenAt) >= TOUCH_EVERY_MS) {
      await this.db.write((tx) => tx.getRepository(StaffSession).update({ id }, { lastSeenAt: new Date(now).toISOString() }));
    }
    return user;
  }

  /** Ends one session (sign-out); true if it existed. */
  async end(token: string): Promise<boolean> {
    const removed = await this.db.write((tx) => tx.getRepository(StaffSession).delete({ id: sha256(token) }));
    return (removed.affected ?? 0) > 0;
  }

  /** The CSRF token every form of this session carries. */
  static csrfOf(token: string): string {
    return createHash('sha256').update(`csrf\0${token}`).digest('base64url');
  }
}
