/**
 * Where a customer's message joins the inbox, inside the transaction that stores it, so a
 * message is never without its case. Which case:
 *
 * 1. an email answering one we know (In-Reply-To / References naming a message of a case, one
 *    of our replies, or a case's own thread id) joins that case, reopening it if resolved;
 * 2. otherwise the customer's open case (not resolved), so two messages in a row are one
 *    conversation and are answered once;
 * 3. otherwise a new case.
 */
import type { EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import { list } from '../db/sqlDialect';
import { afterCustomerWrote, CaseFacts, CaseState } from '../domain/feedbackCase';
import { caseThreadLocalPart, parseCaseThreadId } from './messageIds';

export interface IncomingMessage {
  customerId: number | null;
  /** Where replies go: the customer's address or the email's sender. */
  email: string | null;
  name: string | null;
  runId: number | null;
  subject: string | null;
  /** ISO 8601. */
  at: string;
  /** Message-IDs the email answers (In-Reply-To and References), newest last. */
  answers: string[];
}

interface CaseRow {
  id: number;
  state: CaseState;
  opened_at: string;
  customer_at: string;
  replied_at: string | null;
}

/** Runs `INSERT … RETURNING id` on both engines: TypeORM's SQLite runner drops the rows of a statement that starts with "INSERT INTO". */
export async function insertReturningId(tx: EntityManager, sql: string, params: unknown[]): Promise<number> {
  const rows: { id: number }[] = await tx.query(`/* id */ ${sql} RETURNING id`, params);
  return Number(rows[0].id);
}

/** The case the message belongs to, created or reopened as needed; returns its id. */
export async function caseForMessage(tx: EntityManager, db: Database, m: IncomingMessage): Promise<number> {
  const found = (await answeredCase(tx, db, m.answers)) ?? (await openCaseOf(tx, db, m));
  const p = (i: number) => db.dialect.param(i);
  if (!found) {
    return insertReturningId(
      tx,
      `INSERT INTO feedback_cases (customer_id, email, name, subject, run_id, state, opened_at, customer_at, updated_at)
       VALUES (${list(db.dialect, 9)})`,
      [m.customerId, m.email, m.name, m.subject, m.runId, 'new', m.at, m.at, m.at],
    );
  }
  const next = afterCustomerWrote(facts(found), m.at);
  await tx.query(
    `UPDATE feedback_cases SET state = ${p(0)}, customer_at = ${p(1)}, run_id = COALESCE(${p(2)}, run_id), subject = COALESCE(subject, ${p(3)}),
            resolved_at = NULL, updated_at = ${p(4)}
      WHERE id = ${p(5)}`,
    [next.state, next.customerAt, m.runId, m.subject, m.at, found.id],
  );
  return Number(found.id);
}

const facts = (row: CaseRow): CaseFacts => ({ state: row.state, customerAt: row.customer_at, repliedAt: row.replied_at });

const CASE_COLUMNS = 'c.id, c.state, c.opened_at, c.customer_at, c.replied_at';

async function answeredCase(tx: EntityManager, db: Database, ids: string[]): Promise<CaseRow | null> {
  if (!ids.length) return null;
  const inList = list(db.dialect, ids.length);
  const [byMessage]: CaseRow[] = await tx.query(
    `SELECT ${CASE_COLUMNS} FROM feedback_cases c
      WHERE c.id IN (SELECT case_id FROM feedback WHERE message_id IN (${inList}) UNION SELECT case_id FROM feedback_replies WHERE message_id IN (${inList}))
      ORDER BY c.id DESC LIMIT 1`,
    ids,
  );
  if (byMessage) return byMessage;
  for (const id of [...ids].reverse()) {
    const thread = parseCaseThreadId(id);
    if (thread === null) continue;
    const [row]: CaseRow[] = await tx.query(`SELECT ${CASE_COLUMNS} FROM feedback_cases c WHERE c.id = ${db.dialect.param(0)}`, [thread.caseId]);
    if (row && caseThreadLocalPart(Number(row.id), row.opened_at) === thread.localPart) return row;
  }
  return null;
}

/** The customer's (or, for a sender we do not know, the address's) latest case that is not resolved. */
async function openCaseOf(tx: EntityManager, db: Database, m: IncomingMessage): Promise<CaseRow | null> {
  const p = db.dialect.param(0);
  const [who, value] = m.customerId !== null ? ['c.customer_id', m.customerId] : ['c.customer_id IS NULL AND c.email', m.email];
  if (value === null) return null;
  const [row]: CaseRow[] = await tx.query(
    `SELECT ${CASE_COLUMNS} FROM feedback_cases c WHERE ${who} = ${p} AND c.state <> 'resolved' ORDER BY c.id DESC LIMIT 1`,
    [value],
  );
  return row ?? null;
}
