/**
 * What staff do to a case besides replying: take it on or hand it to someone, resolve it, reopen
 * it. Each is one conditional UPDATE from the states that allow it: resolving a case twice, or
 * two people resolving it at once, changes it once and tells the second what happened.
 */
import type { Database } from '../db/database';
import { ConflictError, NotFoundError } from '../domain/errors';

export interface Assignee {
  id: number | null;
  name: string;
}

/** `assignee` null: nobody has it any more. */
export async function assignCase(db: Database, caseId: number, assignee: Assignee | null, now: Date): Promise<void> {
  const p = (i: number) => db.dialect.param(i);
  const moved = await db.write((tx) =>
    db.execute(tx, `UPDATE feedback_cases SET assignee_id = ${p(0)}, assignee_name = ${p(1)}, updated_at = ${p(2)} WHERE id = ${p(3)}`, [
      assignee?.id ?? null, assignee?.name ?? null, now.toISOString(), caseId,
    ]),
  );
  if (moved !== 1) throw new NotFoundError(`no feedback case ${caseId}`);
}

export async function resolveCase(db: Database, caseId: number, now: Date): Promise<void> {
  await move(db, caseId, `state = 'resolved', resolved_at = ${db.dialect.param(0)}`, `state <> 'resolved'`, now, 'is resolved already');
}

/** Back to `new` when nobody ever replied, else `replied`; the customer is waiting again only if our reply was not the last word. */
export async function reopenCase(db: Database, caseId: number, now: Date): Promise<void> {
  await move(db, caseId, `state = CASE WHEN replied_at IS NULL THEN 'new' ELSE 'replied' END, resolved_at = NULL`, `state = 'resolved'`, now, 'is open already');
}

async function move(db: Database, caseId: number, set: string, from: string, now: Date, refusal: string): Promise<void> {
  const p = (i: number) => db.dialect.param(i);
  const moved = await db.write((tx) => db.execute(tx, `UPDATE feedback_cases SET ${set}, updated_at = ${p(0)} WHERE id = ${p(1)} AND ${from}`, [now.toISOString(), caseId]));
  if (moved === 1) return;
  const [row] = await db.reader.query(`SELECT state FROM feedback_cases WHERE id = ${p(0)}`, [caseId]);
  if (!row) throw new NotFoundError(`no feedback case ${caseId}`);
  throw new ConflictError(`case ${caseId} ${refusal}`);
}
