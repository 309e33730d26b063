/**
 * Every customer message as a query: what customers wrote on the welcome-back page or in an
 * email the shop forwarded, newest first, with who wrote it, which campaign, run and step
 * brought them there, and where their case stands. `rekindle feedback list` prints it; the
 * console's inbox (src/feedback/inbox.ts) shows the same by case.
 */
import type { Database } from '../db/database';
import type { CaseState } from '../domain/feedbackCase';
import { overdueBefore } from '../domain/feedbackCase';
import { WAITING_SQL } from '../feedback/inbox';

export interface FeedbackEntry {
  id: number;
  /** ISO 8601, UTC. */
  at: string;
  /** `id` null: an email from an address no customer has. */
  customer: { id: number | null; email: string | null; name: string | null };
  /** Null for an email that names no campaign the shop ran. */
  campaign: string | null;
  runId: number | null;
  /** The step whose email led to the page; null when the send is not known. */
  step: number | null;
  incidentId: number | null;
  message: string;
  caseId: number | null;
  /** `page` or `email`. */
  source: string;
  state: CaseState | null;
  /** Who has the case, by name. */
  assignee: string | null;
  /** When the customer started waiting for an answer; null when they are not. */
  waitingSince: string | null;
  /** Waiting longer than FEEDBACK_REMINDER_DAYS. */
  overdue: boolean;
}

export interface FeedbackPage {
  entries: FeedbackEntry[];
  /** All feedback stored, shown or not. */
  total: number;
}

interface Row {
  id: number;
  at: string;
  customer_id: number | null;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  from_email: string | null;
  from_name: string | null;
  campaign: string | null;
  run_id: number | null;
  step: number | null;
  incident_id: number | null;
  message: string;
  case_id: number | null;
  source: string;
  state: CaseState | null;
  assignee_name: string | null;
  waiting: number;
  customer_at: string | null;
}

export interface FeedbackQuery {
  limit: number;
  /** Only the messages of cases waiting for an answer. */
  waiting?: boolean;
  now: Date;
  reminderDays: number;
}

/** The newest `limit` messages (ties in time broken by id, newest first too). */
export async function listFeedback(db: Database, q: FeedbackQuery): Promise<FeedbackPage> {
  const p = db.dialect.param(0);
  const only = q.waiting ? `WHERE ${WAITING_SQL}` : '';
  const rows: Row[] = await db.reader.query(
    `SELECT f.id, f.at, f.customer_id, cu.email, cu.first_name, cu.last_name, f.from_email, f.from_name, r.campaign, f.run_id, s.step, f.incident_id, f.message,
            f.case_id, f.source, c.state, c.assignee_name, c.customer_at, CASE WHEN ${WAITING_SQL} THEN 1 ELSE 0 END AS waiting
       FROM feedback f
       LEFT JOIN customers cu ON cu.id = f.customer_id
       LEFT JOIN campaign_runs r ON r.id = f.run_id
       LEFT JOIN sends s ON s.id = f.send_id
       LEFT JOIN feedback_cases c ON c.id = f.case_id
      ${only}
      ORDER BY f.at DESC, f.id DESC
      LIMIT ${p}`,
    [q.limit],
  );
  const [{ total }] = await db.reader.query(`SELECT COUNT(*) AS total FROM feedback f LEFT JOIN feedback_cases c ON c.id = f.case_id ${only}`);
  const overdueAt = overdueBefore(q.now.getTime(), q.reminderDays);
  return { entries: rows.map((row) => entry(row, overdueAt)), total: Number(total) };
}

function entry(row: Row, overdueAt: string): FeedbackEntry {
  const name = [row.first_name, row.last_name].filter((part) => part).join(' ') || row.from_name;
  const waiting = Number(row.waiting) === 1;
  return {
    id: Number(row.id),
    at: row.at,
    customer: { id: row.customer_id === null ? null : Number(row.customer_id), email: row.email ?? row.from_email, name: name || null },
    campaign: row.campaign,
    runId: row.run_id === null ? null : Number(row.run_id),
    step: row.step === null ? null : Number(row.step),
    incidentId: row.incident_id === null ? null : Number(row.incident_id),
    message: row.message,
    caseId: row.case_id === null ? null : Number(row.case_id),
    source: row.source,
    state: row.state,
    assignee: row.assignee_name,
    waitingSince: waiting ? row.customer_at : null,
    overdue: waiting && (row.customer_at as string) < overdueAt,
  };
}
