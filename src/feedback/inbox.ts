/**
 * The feedback inbox as queries: cases by filter with the customers waiting longest first, one
 * case with its messages and replies in order, and what the overview shows (`waitingCases`).
 * Waiting and overdue are the rules of src/domain/feedbackCase.ts, written here as SQL.
 */
import type { Database } from '../db/database';
import { CaseState, overdueBefore, ReplyStatus } from '../domain/feedbackCase';

export const CASE_FILTERS = ['all', 'waiting', 'new', 'replied', 'resolved', 'mine'] as const;
export type CaseFilter = (typeof CASE_FILTERS)[number];

/** Not resolved, and the customer's last message came after our last reply (or we never replied). */
export const WAITING_SQL = `(c.state <> 'resolved' AND (c.replied_at IS NULL OR c.replied_at < c.customer_at))`;

export interface CaseSummary {
  id: number;
  state: CaseState;
  customer: { id: number | null; email: string | null; name: string | null };
  subject: string | null;
  assignee: { id: number | null; name: string } | null;
  /** The campaign of the run the latest message came through, when known. */
  campaign: string | null;
  runId: number | null;
  openedAt: string;
  customerAt: string;
  repliedAt: string | null;
  resolvedAt: string | null;
  /** When the customer started waiting for an answer; null when they are not. */
  waitingSince: string | null;
  overdue: boolean;
  messages: number;
  failedReplies: number;
  /** The customer's latest words. */
  latest: string;
}

const SUMMARY_SQL = `
  SELECT c.id, c.state, c.customer_id, c.email, c.name, c.subject, c.assignee_id, c.assignee_name, c.run_id, r.campaign,
         c.opened_at, c.customer_at, c.replied_at, c.resolved_at,
         CASE WHEN ${WAITING_SQL} THEN 1 ELSE 0 END AS waiting,
         (SELECT COUNT(*) FROM feedback f WHERE f.case_id = c.id) AS messages,
         (SELECT COUNT(*) FROM feedback_replies x WHERE x.case_id = c.id AND x.status IN ('failed', 'uncertain')) AS failed_replies,
         (SELECT f.message FROM feedback f WHERE f.case_id = c.id ORDER BY f.at DESC, f.id DESC LIMIT 1) AS latest
    FROM feedback_cases c LEFT JOIN campaign_runs r ON r.id = c.run_id`;

function summary(row: any, overdueAt: string): CaseSummary {
  const waiting = Number(row.waiting) === 1;
  return {
    id: Number(row.id),
    state: row.state,
    customer: { id: row.customer_id === null ? null : Number(row.customer_id), email: row.email, name: row.name },
    subject: row.subject,
    assignee: row.assignee_name === null ? null : { id: row.assignee_id === null ? null : Number(row.assignee_id), name: row.assignee_name },
    campaign: row.campaign ?? null,
    runId: row.run_id === null ? null : Number(row.run_id),
    openedAt: row.opened_at,
    customerAt: row.customer_at,
    repliedAt: row.replied_at,
    resolvedAt: row.resolved_at,
    waitingSince: waiting ? row.customer_at : null,
    overdue: waiting && row.customer_at < overdueAt,
    messages: Number(row.messages),
    failedReplies: Number(row.failed_replies),
    latest: row.latest ?? '',
  };
}

export interface InboxQuery {
  filter: CaseFilter;
  /** The signed-in staff member, for `mine`. */
  staffId?: number | null;
  now: Date;
  reminderDays: number;
  limit?: number;
}

export interface InboxPage {
  cases: CaseSummary[];
  /** Cases matching the filter, shown or not. */
  total: number;
  counts: Record<CaseFilter, number>;
}

/** Waiting cases first, the longest waiting at the top; then the others, latest activity first. */
export async function listCases(db: Database, q: InboxQuery): Promise<InboxPage> {
  const p = (i: number) => db.dialect.param(i);
  const where: Record<CaseFilter, string> = {
    all: '1 = 1',
    waiting: WAITING_SQL,
    new: `c.state = 'new'`,
    replied: `c.state = 'replied'`,
    resolved: `c.state = 'resolved'`,
    mine: `(c.assignee_id = ${p(0)} AND c.state <> 'resolved')`,
  };
  const staff = q.staffId ?? -1;
  // Only `mine` binds the staff id: PostgreSQL refuses a parameter no statement uses.
  const params = q.filter === 'mine' ? [staff] : [];
  const rows = await db.reader.query(
    `${SUMMARY_SQL} WHERE ${where[q.filter]}
      ORDER BY CASE WHEN ${WAITING_SQL} THEN 0 ELSE 1 END, CASE WHEN ${WAITING_SQL} THEN c.customer_at END ASC, c.updated_at DESC, c.id DESC
      LIMIT ${p(params.length)}`,
    [...params, q.limit ?? 200],
  );
  const [c] = await db.reader.query(
    `SELECT COUNT(*) AS all_cases, SUM(CASE WHEN ${WAITING_SQL} THEN 1 ELSE 0 END) AS waiting,
            SUM(CASE WHEN c.state = 'new' THEN 1 ELSE 0 END) AS new_cases, SUM(CASE WHEN c.state = 'replied' THEN 1 ELSE 0 END) AS replied,
            SUM(CASE WHEN c.state = 'resolved' THEN 1 ELSE 0 END) AS resolved, SUM(CASE WHEN ${where.mine} THEN 1 ELSE 0 END) AS mine
       FROM feedback_cases c`,
    [staff],
  );
  const counts = {
    all: Number(c.all_cases), waiting: Number(c.waiting ?? 0), new: Number(c.new_cases ?? 0), replied: Number(c.replied ?? 0), resolved: Number(c.resolved ?? 0), mine: Number(c.mine ?? 0),
  };
  const overdueAt = overdueBefore(q.now.getTime(), q.reminderDays);
  return { cases: rows.map((r: unknown) => summary(r, overdueAt)), total: counts[q.filter], counts };
}

export interface CaseEntry {
  kind: 'customer' | 'reply';
  at: string;
  text: string;
  /** Customer: `page` or `email`; reply: the staff member's name. */
  source: string;
  subject: string | null;
  messageId: string | null;
  /** Replies only. */
  reply?: { id: number; status: ReplyStatus; detail: string | null; staffName: string };
  /** Customer messages from the page: the step whose email led there. */
  step?: number | null;
}

export interface CaseDetail {
  summary: CaseSummary;
  entries: CaseEntry[];
}

export async function caseDetail(db: Database, caseId: number, now: Date, reminderDays: number): Promise<CaseDetail | null> {
  const p = db.dialect.param(0);
  const [row] = await db.reader.query(`${SUMMARY_SQL} WHERE c.id = ${p}`, [caseId]);
  if (!row) return null;
  const messages: any[] = await db.reader.query(
    `SELECT f.id, f.at, f.message, f.source, f.subject, f.message_id, s.step FROM feedback f LEFT JOIN sends s ON s.id = f.send_id WHERE f.case_id = ${p}`,
    [caseId],
  );
  const replies: any[] = await db.reader.query(
    `SELECT id, created_at, sent_at, body, staff_name, subject, message_id, status, detail FROM feedback_replies WHERE case_id = ${p}`,
    [caseId],
  );
  const entries: CaseEntry[] = [
    ...messages.map((m): CaseEntry => ({
      kind: 'customer', at: m.at, text: m.message, source: m.source, subject: m.subject, messageId: m.message_id, step: m.step === null ? null : Number(m.step),
    })),
    ...replies.map((r): CaseEntry => ({
      kind: 'reply', at: r.sent_at ?? r.created_at, text: r.body, source: r.staff_name, subject: r.subject, messageId: r.message_id,
      reply: { id: Number(r.id), status: r.status, detail: r.detail, staffName: r.staff_name },
    })),
  ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return { summary: summary(row, overdueBefore(now.getTime(), reminderDays)), entries };
}

export interface WaitingCases {
  /** Cases waiting longer than `reminderDays`. */
  count: number;
  /** Every case waiting for an answer, however briefly. */
  waiting: number;
  reminderDays: number;
  /** The longest waiting of `count`, oldest first. */
  oldest: { id: number; customer: string; subject: string | null; waitingSince: string; assignee: string | null }[];
}

/** For the overview and the digest: how many customers have waited too long, and the longest few. */
export async function waitingCases(db: Database, now: Date, reminderDays: number, few = 5): Promise<WaitingCases> {
  const p = (i: number) => db.dialect.param(i);
  const before = overdueBefore(now.getTime(), reminderDays);
  const [counts] = await db.reader.query(
    `SELECT COUNT(*) AS waiting, SUM(CASE WHEN c.customer_at < ${p(0)} THEN 1 ELSE 0 END) AS overdue FROM feedback_cases c WHERE ${WAITING_SQL}`,
    [before],
  );
  const rows: any[] = await db.reader.query(
    `SELECT c.id, c.name, c.email, c.subject, c.customer_at, c.assignee_name FROM feedback_cases c
      WHERE ${WAITING_SQL} AND c.customer_at < ${p(0)} ORDER BY c.customer_at, c.id LIMIT ${p(1)}`,
    [before, few],
  );
  return {
    count: Number(counts.overdue ?? 0),
    waiting: Number(counts.waiting ?? 0),
    reminderDays,
    oldest: rows.map((r) => ({ id: Number(r.id), customer: r.name ?? r.email ?? `case ${r.id}`, subject: r.subject, waitingSince: r.customer_at, assignee: r.assignee_name })),
  };
}
