/** The inbox's words: waiting times a person reads, and the overdue note in the singular and plural. */
import type { CaseSummary } from '../../../src/feedback/inbox';
import { inboxModel, waitedFor } from '../../../src/web/console/feedbackModels';

const now = new Date('2025-06-23T12:00:00.000Z');
const aCase = (id: number, over: Partial<CaseSummary> = {}): CaseSummary => ({
  id, state: 'new', customer: { id, email: `c${id}@example.com`, name: null }, subject: null, assignee: null, campaign: null, runId: null,
  openedAt: '2025-06-20T12:00:00.000Z', customerAt: '2025-06-20T12:00:00.000Z', repliedAt: null, resolvedAt: null,
  waitingSince: '2025-06-20T12:00:00.000Z', overdue: true, messages: 1, failedReplies: 0, latest: 'x'.repeat(200), ...over,
});
const counts = { all: 2, waiting: 2, new: 2, replied: 0, resolved: 0, mine: 0 };
const formats = { console: '/shop/console', timeZone: 'Europe/Berlin', now, reminderDays: 2 };

describe('feedback view models', () => {
  it('says how long someone has waited in hours, then days', () => {
    expect(waitedFor('2025-06-23T11:30:00.000Z', now)).toBe('under an hour');
    expect(waitedFor('2025-06-23T11:00:00.000Z', now)).toBe('1 hour');
    expect(waitedFor('2025-06-21T13:00:00.000Z', now)).toBe('47 hours');
    expect(waitedFor('2025-06-21T12:00:00.000Z', now)).toBe('2 days');
  });

  it('marks overdue cases, counts them in words, cuts long messages and links under the console prefix', () => {
    const one = inboxModel({ cases: [aCase(1), aCase(2, { overdue: false })], total: 2, counts }, 'waiting', formats);
    expect(one.overdueNote).toBe('1 customer has waited longer than 2 days for an answer (FEEDBACK_REMINDER_DAYS).');
    expect(one.cases[0]).toMatchObject({ href: '/shop/console/feedback/1', customer: 'c1@example.com', email: null, waiting: 'overdue: waiting 3 days', overdue: true, campaign: 'by email' });
    expect(one.cases[0].excerpt).toHaveLength(140);
    expect(one.filters.find((f) => f.current)).toEqual({ label: 'Waiting', count: 2, href: '/shop/console/feedback?filter=waiting', current: true });
    const two = inboxModel({ cases: [aCase(1), aCase(2)], total: 2, counts }, 'all', formats);
    expect(two.overdueNote).toBe('2 customers have waited longer than 2 days for an answer (FEEDBACK_REMINDER_DAYS).');
    const none = inboxModel({ cases: [], total: 0, counts }, 'mine', formats);
    expect(none.empty).toMatch(/Assign to me/);
  });
});
