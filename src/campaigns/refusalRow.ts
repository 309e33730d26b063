/**
 * One address refused for good (5xx on RCPT) is that address's problem: it is suppressed. Every
 * address refused in a row, with none accepted, is the server refusing us in per-recipient words
 * (a blocklist, a misrouted relay, a policy): suppressing them all would lose every customer of
 * the run for good. So while permanent refusals come in a row they are held back, unrecorded; a
 * delivery ends the row and lets them through as what they said; REFUSED_IN_A_ROW of them make
 * the row, and every refusal after it in the batch, fatal: the run pauses and the sends wait.
 * A batch that ends with a shorter row records it as permanent: too few to tell.
 */
import type { SendOutcome } from '../mail/transport';

export const REFUSED_IN_A_ROW = 10;

export interface Settled<T> {
  ctx: T;
  outcome: SendOutcome;
}

export class RefusalRow<T> {
  private held: Settled<T>[] = [];
  private tripped = false;

  constructor(private readonly limit = REFUSED_IN_A_ROW) {}

  /** Whether the row reached the limit: no further send of the batch should start. */
  get isTripped(): boolean {
    return this.tripped;
  }

  /** One settled send in; the ones now ready to record out (none while a row is being held). */
  next(settled: Settled<T>): Settled<T>[] {
    const { outcome } = settled;
    if (outcome.status !== 'failed') {
      const released = [...this.held, settled];
      this.held = [];
      return released;
    }
    if (outcome.failure.kind !== 'permanent') return [settled];
    if (this.tripped) return [this.asFatal(settled, outcome.failure.reason)];
    this.held.push(settled);
    if (this.held.length < this.limit) return [];
    this.tripped = true;
    const row = this.held.map((s) => this.asFatal(s, outcome.failure.reason));
    this.held = [];
    return row;
  }

  /** At the end of the batch: a row too short to tell, as the permanent refusals it is. */
  rest(): Settled<T>[] {
    const rest = this.held;
    this.held = [];
    return rest;
  }

  private asFatal(settled: Settled<T>, last: string): Settled<T> {
    const reason = `the SMTP server refused ${this.limit} recipients in a row and accepted none (last: ${last}); it is refusing our mail, not these addresses, so nobody was suppressed: check the server's logs and SMTP_URL, then resume the run`;
    return { ctx: settled.ctx, outcome: { status: 'failed', failure: { kind: 'fatal', reason } } };
  }
}
