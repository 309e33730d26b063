/**
 * The audit log's adapter. Every act worth answering for is recorded inside the transaction that
 * does it, by the service that does it, with the actor its caller names: the CLI, the API and the
 * console call the same services, so none of them can act without leaving a line.
 */
import os from 'node:os';
import type { EntityManager } from 'typeorm';
import type { Database } from '../db/database';

export type AuditAction = 'import' | 'launch' | 'pause' | 'resume' | 'cancel' | 'export' | 'forget' | 'key-create' | 'key-revoke';

/** Who acted: `cli:<os user>`, `api:<key id>`, `console:<staff email>`, or `system` when a caller names nobody. */
export type Actor = string;

export const SYSTEM_ACTOR: Actor = 'system';
export const apiActor = (keyId: string): Actor => `api:${keyId}`;
export const consoleActor = (staffEmail: string): Actor => `console:${staffEmail}`;

/** The operating-system user running the command; `unknown` where the system cannot say. */
export function cliActor(): Actor {
  try {
    return `cli:${os.userInfo().username}`;
  } catch {
    return 'cli:unknown';
  }
}

export interface AuditRecord {
  actor: Actor;
  action: AuditAction;
  subject: string;
  detail?: Record<string, unknown>;
}

export interface AuditEntryView {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  detail: Record<string, unknown> | null;
}

/** Writes one entry with `tx`, so it commits or rolls back with the act it records. */
export async function recordAudit(tx: EntityManager, db: Database, at: Date, entry: AuditRecord): Promise<void> {
  await tx.query(`INSERT INTO audit_log (at, actor, action, subject, detail) VALUES ${db.dialect.rows(1, 5)}`, [
    at.toISOString(), entry.actor, entry.action, entry.subject, entry.detail === undefined ? null : JSON.stringify(entry.detail),
  ]);
}

/** The newest `limit` entries, newest first: in the order they were written, which `--now` cannot reorder. */
export async function listAudit(db: Database, limit: number): Promise<AuditEntryView[]> {
  const rows: { id: number; at: string; actor: string; action: string; subject: string; detail: string | null }[] = await db.reader.query(
    `SELECT id, at, actor, action, subject, detail FROM audit_log ORDER BY id DESC LIMIT ${db.dialect.param(0)}`,
    [limit],
  );
  return rows.map((r) => ({ id: Number(r.id), at: r.at, actor: r.actor, action: r.action, subject: r.subject, detail: r.detail === null ? null : JSON.parse(r.detail) }));
}
