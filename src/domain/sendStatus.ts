/**
 * The life of one send (one email, one customer, one step). The row exists before the SMTP
 * call; every move is a conditional UPDATE from the states this table allows, and the affected
 * row count says who won. `sending` is the dangerous state: the email may or may not have left.
 */
export type SendStatus =
  | 'scheduled' // due at due_at; nobody has claimed it
  | 'sending' // claimed by a dispatcher; the message may be on the wire
  | 'retry' // a transient failure; due again at due_at
  | 'sent' // accepted by the SMTP server or written to the outbox
  | 'failed' // gave up: retries exhausted
  | 'suppressed' // not sent: address suppressed, consent withdrawn, permanent bounce
  | 'exited' // not sent: the customer came back, redeemed, or the run ended
  | 'uncertain'; // a crash left it `sending` and nothing proves whether it left: never resent blindly

export type SendEvent = 'claim' | 'delivered' | 'transient' | 'exhausted' | 'permanent' | 'suppress' | 'exit' | 'fatal' | 'lost' | 'found' | 'notLeft' | 'defer' | 'release';

/** For each event, the states it may move a send out of, and where to. */
export const TRANSITIONS: Readonly<Record<SendEvent, { from: readonly SendStatus[]; to: SendStatus }>> = {
  claim: { from: ['scheduled', 'retry'], to: 'sending' },
  delivered: { from: ['sending'], to: 'sent' },
  transient: { from: ['sending'], to: 'retry' },
  exhausted: { from: ['sending'], to: 'failed' },
  permanent: { from: ['sending'], to: 'suppressed' },
  suppress: { from: ['scheduled', 'retry', 'sending'], to: 'suppressed' },
  exit: { from: ['scheduled', 'retry'], to: 'exited' },
  // Quiet hours or the frequency cap: same send, later due_at.
  defer: { from: ['scheduled', 'retry'], to: 'scheduled' },
  // A fatal error (bad credentials, blocked sender) is not this customer's fault: the send goes
  // back to wait while the run is paused.
  fatal: { from: ['sending'], to: 'scheduled' },
  // Reconciling an abandoned claim: evidence it left (the outbox file exists) or none.
  found: { from: ['sending'], to: 'sent' },
  // Evidence it did not leave (no outbox file): sending it is safe, and owed.
  notLeft: { from: ['sending'], to: 'retry' },
  lost: { from: ['sending'], to: 'uncertain' },
  // Claimed but never tried (the process is stopping, or the batch stopped at a fatal error):
  // nothing left, so it goes back to wait, unclaimed.
  release: { from: ['sending'], to: 'scheduled' },
};

export const FINAL_STATES: readonly SendStatus[] = ['sent', 'failed', 'suppressed', 'exited', 'uncertain'];

export function canMove(from: SendStatus, event: SendEvent): boolean {
  return TRANSITIONS[event].from.includes(from);
}

/**
 * Whether the customer's next step may be scheduled after this one ended. An uncertain send may
 * well have arrived: not resending it must not also silence the rest of the sequence.
 */
export function continuesSequence(status: SendStatus): boolean {
  return status === 'sent' || status === 'uncertain';
}
