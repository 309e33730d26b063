/** The case state machine, waiting and overdue, reply statuses and threading: pure, no database. */
import {
  afterCustomerWrote, afterReplySent, canMoveReply, canResolve, canReopen, CaseFacts, isOverdue, isWaiting, referencesFor, replySubject, waitingSince,
} from '../../../src/domain/feedbackCase';

const at = (iso: string) => Date.parse(iso);
const aCase = (over: Partial<CaseFacts> = {}): CaseFacts => ({ state: 'new', customerAt: '2025-06-20T10:00:00.000Z', repliedAt: null, ...over });

describe('feedback case', () => {
  it('a new case waits from the customer\'s message; overdue only after more than the reminder days', () => {
    const c = aCase();
    expect(isWaiting(c)).toBe(true);
    expect(waitingSince(c)).toBe('2025-06-20T10:00:00.000Z');
    expect(isOverdue(c, at('2025-06-22T10:00:00.000Z'), 2)).toBe(false); // exactly two days: not longer
    expect(isOverdue(c, at('2025-06-22T10:00:00.000Z') + 1, 2)).toBe(true);
    expect(isOverdue(c, at('2025-06-20T10:00:00.000Z') + 1, 0)).toBe(true);
  });

  it('a reply answers the customer; their next message makes the case wait again, still replied', () => {
    const replied = { ...aCase(), ...afterReplySent(aCase(), '2025-06-21T09:00:00.000Z') };
    expect(replied.state).toBe('replied');
    expect(isWaiting(replied)).toBe(false);
    expect(isOverdue(replied, at('2025-07-30T00:00:00.000Z'), 2)).toBe(false);
    const again = { ...replied, ...afterCustomerWrote(replied, '2025-06-22T08:00:00.000Z') };
    expect(again.state).toBe('replied');
    expect(isWaiting(again)).toBe(true);
    expect(waitingSince(again)).toBe('2025-06-22T08:00:00.000Z');
  });

  it('a customer writing into a resolved case reopens it: new when nobody ever replied, else replied', () => {
    const resolvedUnanswered = aCase({ state: 'resolved' });
    expect(isWaiting(resolvedUnanswered)).toBe(false);
    expect(afterCustomerWrote(resolvedUnanswered, '2025-06-25T00:00:00.000Z')).toEqual({ state: 'new', customerAt: '2025-06-25T00:00:00.000Z' });
    const resolvedAnswered = aCase({ state: 'resolved', repliedAt: '2025-06-21T00:00:00.000Z' });
    expect(afterCustomerWrote(resolvedAnswered, '2025-06-25T00:00:00.000Z').state).toBe('replied');
  });

  it('an older message arriving late (a forwarded email) never moves the customer\'s last message back', () => {
    const c = aCase({ customerAt: '2025-06-22T00:00:00.000Z' });
    expect(afterCustomerWrote(c, '2025-06-21T00:00:00.000Z').customerAt).toBe('2025-06-22T00:00:00.000Z');
  });

  it('a reply sent to a resolved case leaves it resolved', () => {
    expect(afterReplySent(aCase({ state: 'resolved' }), '2025-06-21T00:00:00.000Z').state).toBe('resolved');
  });

  it('resolve and reopen only from the states that allow them', () => {
    expect(canResolve('new')).toBe(true);
    expect(canResolve('replied')).toBe(true);
    expect(canResolve('resolved')).toBe(false);
    expect(canReopen('resolved')).toBe(true);
    expect(canReopen('new')).toBe(false);
  });

  it('replies: sending moves to sent, failed or uncertain; only a failed reply is tried again', () => {
    expect(canMoveReply('sending', 'delivered')).toBe(true);
    expect(canMoveReply('sent', 'retry')).toBe(false);
    expect(canMoveReply('uncertain', 'retry')).toBe(false);
    expect(canMoveReply('failed', 'retry')).toBe(true);
    expect(canMoveReply('sending', 'lost')).toBe(true);
  });

  it('Re: once; In-Reply-To the customer\'s last known message, else the case\'s own id; References in order', () => {
    expect(replySubject('Late parcel')).toBe('Re: Late parcel');
    expect(replySubject('RE: re:  Late parcel')).toBe('Re: Late parcel');
    expect(replySubject('  ')).toBe('Re: How can we make it right?');
    const email = referencesFor('<case-1@x>', [{ by: 'customer', id: '<a@c>' }, { by: 'us', id: '<r1@x>' }, { by: 'customer', id: '<b@c>' }]);
    expect(email).toEqual({ inReplyTo: '<b@c>', references: ['<a@c>', '<r1@x>', '<b@c>'] });
    // Page feedback has no Message-ID: the case's own id roots the thread, so every reply threads.
    const page = referencesFor('<case-1@x>', [{ by: 'customer', id: null }, { by: 'us', id: '<r1@x>' }, { by: 'customer', id: null }]);
    expect(page).toEqual({ inReplyTo: '<case-1@x>', references: ['<case-1@x>', '<r1@x>'] });
    expect(referencesFor('<case-1@x>', [])).toEqual({ inReplyTo: '<case-1@x>', references: ['<case-1@x>'] });
  });
});
