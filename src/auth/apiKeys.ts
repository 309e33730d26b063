/**
 * API keys: `rk_<id>_<secret>`. The id finds the row; only SHA-256 of the secret is stored (the
 * secret has 256 bits of entropy, so a slow hash buys nothing) and compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Actor, recordAudit, SYSTEM_ACTOR } from '../audit/auditLog';
import type { Database } from '../db/database';
import { ApiKey, ApiRole } from '../db/entities/ApiKey';
import { ForbiddenError, UnauthorizedError } from '../domain/errors';

export const API_ROLES: readonly ApiRole[] = ['owner', 'marketer', 'checkout'];
const KEY_FORMAT = /^rk_([a-f0-9]{16})_([A-Za-z0-9_-]{43})$/;

const sha256 = (text: string) => createHash('sha256').update(text).digest();

export interface CreatedKey {
  id: string;
  role: ApiRole;
  key: string;
}

export class ApiKeys {
  constructor(private readonly db: Database, private readonly now: () => Date) {}

  async create(role: ApiRole, label?: string, actor: Actor = SYSTEM_ACTOR): Promise<CreatedKey> {
    const id = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const now = this.now();
    await this.db.write(async (tx) => {
      await tx.getRepository(ApiKey).insert({
        id, role, label: label ?? null, secretHash: sha256(secret).toString('hex'), createdAt: now.toISOString(), revokedAt: null,
      });
      await recordAudit(tx, this.db, now, { actor, action: 'key-create', subject: `key ${id}`, detail: { role, label: label ?? null } });
    });
    return { id, role, key: `rk_${id}_${secret}` };
  }

  list(): Promise<ApiKey[]> {
    return this.db.reader.getRepository(ApiKey).find({ order: { createdAt: 'ASC' } });
  }

  async revoke(id: string, actor: Actor = SYSTEM_ACTOR): Promise<boolean> {
    const now = this.now();
    const changed = await this.db.write(async (tx) => {
      const n = await this.db.execute(tx, `UPDATE api_keys SET revoked_at = ${this.db.dialect.param(0)} WHERE id = ${this.db.dialect.param(1)} AND revoked_at IS NULL`, [
        now.toISOString(), id,
      ]);
      if (n === 1) await recordAudit(tx, this.db, now, { actor, action: 'key-revoke', subject: `key ${id}` });
      return n;
    });
    return changed === 1;
  }

  /** The role of a valid, unrevoked key; throws Unauthorized otherwise (never says which part failed). */
  async authenticate(authorization: string | undefined): Promise<ApiRole> {
    return (await this.identify(authorization)).role;
  }

  /** The id and role of a valid, unrevoked key: the id names the key in rate limits and logs. */
  async identify(authorization: string | undefined): Promise<{ id: string; role: ApiRole }> {
    const match = /^Bearer (\S+)$/.exec(authorization ?? '');
    const parts = match ? KEY_FORMAT.exec(match[1]) : null;
    if (!parts) throw new UnauthorizedError('send "Authorization: Bearer <key>" with a key from `rekindle keys create`');
    const row = await this.db.reader.getRepository(ApiKey).findOneBy({ id: parts[1] });
    const expected = row ? Buffer.from(row.secretHash, 'hex') : Buffer.alloc(32);
    const ok = timingSafeEqual(expected, sha256(parts[2])) && !!row && row.revokedAt === null;
    if (!ok || !row) throw new UnauthorizedError('this API key is not valid or was revoked');
    return { id: row.id, role: row.role };
  }
}

/** Owners may do everything; other roles only what they are for. */
export function requireRole(actual: ApiRole, allowed: readonly ApiRole[]): void {
  if (actual !== 'owner' && !allowed.includes(actual)) {
    throw new ForbiddenError(`this needs a key with role ${allowed.join(' or ')}; yours is ${actual}`);
  }
}
