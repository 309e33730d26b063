/**
 * The feedback pages' view models: cases and conversations as a person reads them, formatted on
 * the server (dates in the shop's time zone, waiting times in words) for logic-less templates.
 */
import { randomUUID } from 'node:crypto';
import { canReopen, canResolve, replySubject } from '../../domain/feedbackCase';
import type { CaseDetail, CaseEntry, CaseFilter, CaseSummary, InboxPage } from '../../feedback/inbox';
import type { CustomerCampaign } from '../../feedback/caseContext';

const HOUR_MS = 3_600_000;

export interface Formats {
  /** `/rekindle/console` */
  console: string;
  timeZone: string;
  now: Date;
  reminderDays: number;
}

export function dateTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone }).format(new Date(iso));
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "under an hour", "5 hours", "3 days". */
export function waitedFor(sinceIso: string, now: Date): string {
  const hours = Math.floor((now.getTime() - Date.parse(sinceIso)) / HOUR_MS);
  if (hours < 1) return 'under an hour';
  if (hours < 48) return plural(hours, 'hour');
  return plural(Math.floor(hours / 24), 'day');
}

const STATE_WORDS: Record<CaseSummary['state'], string> = { new: 'New', replied: 'Replied', resolved: 'Resolved' };

const FILTER_LABELS: Record<CaseFilter, string> = { waiting: 'Waiting', new: 'New', replied: 'Replied', resolved: 'Resolved', mine: 'Mine', all: 'All' };
const EMPTY: Record<CaseFilter, string> = {
  waiting: 'Nobody is waiting for an answer. New messages appear here as customers write.',
  new: 'No new cases: every message has had a reply.',
  replied: 'No replied cases that are still open.',
  resolved: 'No resolved cases yet: resolve a case from its page once the customer is happy.',
  mine: 'No open cases are yours. Open a case and press "Assign to me" to take it on.',
  all: 'No feedback yet. Customers write it on the welcome-back page ("How can we make it right?"), and the shop forwards replies to the spokesperson with POST /api/feedback (see the README).',
};

const customerLabel = (c: CaseSummary) => c.customer.name ?? c.customer.email ?? `case ${c.id}`;
const excerpt = (text: string, max = 140) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function waitingWords(c: CaseSummary, f: Formats): string {
  if (c.waitingSince === null) return c.state === 'resolved' ? '' : 'answered';
  return `${c.overdue ? 'overdue: ' : ''}waiting ${waitedFor(c.waitingSince, f.now)}`;
}

export function inboxModel(page: InboxPage, filter: CaseFilter, f: Formats) {
  const overdue = page.cases.filter((c) => c.overdue).length;
  return {
    title: 'Feedback',
    section: 'feedback',
    filters: (['waiting', 'new', 'replied', 'resolved', 'mine', 'all'] as const).map((key) => ({
      label: FILTER_LABELS[key], count: page.counts[key], href: `${f.console}/feedback?filter=${key}`, current: key === filter,
    })),
    filterLabel: FILTER_LABELS[filter].toLowerCase(),
    overdueNote: overdue ? `${plural(overdue, 'customer')} ${overdue === 1 ? 'has' : 'have'} waited longer than ${plural(f.reminderDays, 'day')} for an answer (FEEDBACK_REMINDER_DAYS).` : null,
    cases: page.cases.map((c) => ({
      href: `${f.console}/feedback/${c.id}`,
      customer: customerLabel(c),
      email: c.customer.name ? c.customer.email : null,
      subject: c.subject,
      excerpt: excerpt(c.latest),
      state: STATE_WORDS[c.state],
      assignee: c.assignee?.name ?? 'nobody',
      waiting: waitingWords(c, f),
      overdue: c.overdue,
      campaign: c.campaign ?? 'by email',
      failed: c.failedReplies ? `${plural(c.failedReplies, 'reply')} not sent` : null,
    })),
    more: page.total > page.cases.length ? `${page.total - page.cases.length} more not shown` : null,
    empty: page.cases.length ? null : EMPTY[filter],
  };
}

export interface StaffOption {
  id: number;
  name: string;
}

export interface CaseForm {
  error?: string;
  draft?: string;
}

function entryModel(e: CaseEntry, c: CaseSummary, f: Formats) {
  const when = dateTime(e.at, f.timeZone);
  const paragraphs = e.text.split(/\n{2,}/).map((p) => p.split('\n'));
  if (e.kind === 'customer') {
    const via = e.source === 'email' ? `by email${e.subject ? `: “${e.subject}”` : ''}` : `on the welcome-back page${e.step ? ` (after step ${e.step})` : ''}`;
    return { mine: false, who: `${customerLabel(c)} wrote`, when, via, paragraphs, status: null, failed: false, retry: null };
  }
  const r = e.reply as NonNullable<CaseEntry['reply']>;
  const status = { sent: 'sent', sending: 'sending…', failed: 'not sent', uncertain: 'may not have arrived' }[r.status];
  return {
    mine: true, who: `${r.staffName} replied`, when, via: e.subject ?? '', paragraphs, status, failed: r.status === 'failed' || r.status === 'uncertain',
    detail: r.status === 'sent' ? null : r.detail, anchor: `reply-${r.id}`,
    retry: r.status === 'failed' ? `${f.console}/feedback/${c.id}/replies/${r.id}/retry` : null,
  };
}

export function caseModel(d: CaseDetail, context: CustomerCampaign | null, staff: StaffOption[], me: StaffOption, f: Formats, form: CaseForm = {}) {
  const c = d.summary;
  const base = `${f.console}/feedback/${c.id}`;
  const campaignLine = context
    ? `${context.campaign}, run ${context.runId}: ${context.holdout ? 'held out (sent nothing)' : context.step === null ? 'no email sent yet' : `step ${context.step} sent ${dateTime(context.sentAt as string, f.timeZone)}`}`
    : c.customer.id === null ? 'not a known customer: this address is in no import' : 'in no campaign';
  return {
    title: `Feedback from ${customerLabel(c)}`,
    section: 'feedback',
    back: `${f.console}/feedback`,
    customer: customerLabel(c),
    email: c.customer.email,
    campaignLine,
    state: STATE_WORDS[c.state],
    assignee: c.assignee?.name ?? 'nobody',
    waiting: waitingWords(c, f),
    overdue: c.overdue,
    opened: dateTime(c.openedAt, f.timeZone),
    entries: d.entries.map((e) => entryModel(e, c, f)),
    canReply: c.customer.email !== null,
    replyAction: `${base}/reply`,
    replySubject: replySubject(c.subject),
    // A fresh key per page view: the same form posted twice sends once; a new page, a new reply.
    idempotencyKey: randomUUID(),
    // The latest reply on screen: one sent after it means a colleague answered meanwhile.
    seenReply: String(Math.max(0, ...d.entries.map((e) => e.reply?.id ?? 0))),
    me: me.name,
    assignAction: `${base}/assign`,
    staffOptions: staff.map((s) => ({ value: String(s.id), label: s.id === me.id ? `${s.name} (me)` : s.name, selected: c.assignee?.id === s.id })),
    unassigned: c.assignee === null,
    isMine: c.assignee?.id === me.id,
    meId: String(me.id),
    resolveAction: canResolve(c.state) ? `${base}/resolve` : null,
    reopenAction: canReopen(c.state) ? `${base}/reopen` : null,
    error: form.error ?? null,
    draft: form.draft ?? '',
  };
}
