/**
 * Taking over what a dead worker left claimed: each send reconciled from the evidence, never
 * blindly resent (the dispatcher calls this every quarter lease, between its own batches).
 */
import type { DispatchSummary, DispatcherDeps } from './dispatcher';
import { continuesSequence, TRANSITIONS } from '../domain/sendStatus';
import { newRowsAfter, recordSent, scheduleNext, writeRowsAfter } from './rowsAfter';
import { loadRuns } from './runInfo';
import { Move, SendStore, workerOf } from './sendStore';

export type TakeoverDeps = Pick<DispatcherDeps, 'db' | 'mailer' | 'clock' | 'logger' | 'worker' | 'timeZone' | 'viewsDir'>;

/**
 * Claims a dead worker left behind (its lease ran out), reconciled, never blindly resent:
 * - never handed to the mailer (`handed_at` empty under a lease): it cannot have left, so it
 *   goes back to wait, due now, with the attempt its claim counted taken back;
 * - handed over: the outbox can prove whether the file exists; SMTP cannot, so those become
 *   `uncertain` and are reported. An uncertain send may have arrived, so the sequence goes
 *   on: the next step is timed from the lost attempt.
 * Each move holds only while the claim is still the dead one's and its lease still ended, so two
 * workers taking over at once, or a worker that was only slow, cannot both act on one send.
 */
export async function takeOverAbandoned(deps: TakeoverDeps, store: SendStore, leaseMs: number, summary: DispatchSummary): Promise<void> {
  const now = deps.clock();
  const abandoned = await store.abandoned(now, leaseMs, deps.worker);
  if (!abandoned.length) return;
  const runs = await loadRuns(deps.db, [...new Set(abandoned.map((s) => s.runId))], deps.viewsDir);
  for (const send of abandoned) {
    const neverHanded = send.leaseUntil !== null && send.handedAt === null;
    const evidence = neverHanded ? 'never handed to the mailer' : await deps.mailer.evidence({ campaign: send.campaign, sendId: String(send.id) });
    const event = evidence === 'delivered' ? 'found' : evidence === 'not-delivered' || neverHanded ? 'notLeft' : 'lost';
    const after = newRowsAfter();
    const set: Move['set'] = { detail: `reconciled after a crash of ${workerOf(send.claimedBy)}: ${evidence}` };
    if (event === 'notLeft') Object.assign(set, { due_at: now.toISOString(), claimed_by: null, lease_until: null, ...(neverHanded ? { attempts: Math.max(0, send.attempts - 1) } : {}) });
    // The Message-ID is what ties a customer's reply to this send: read it back from the evidence.
    if (event === 'found') Object.assign(set, { sent_at: now.toISOString(), message_id: await deps.mailer.deliveredMessageId({ campaign: send.campaign, sendId: String(send.id) }) });
    const move: Move = { sendId: send.id, event, set, takeover: { claimedBy: send.claimedBy ?? null, leaseEndedBy: now.toISOString() } };
    const won = await store.apply([move], async (tx) => {
      if (event === 'notLeft') return void summary.reconciled.resend++;
      const [enrolment] = await tx.query(`SELECT treatment FROM enrolments WHERE id = ${deps.db.dialect.param(0)}`, [send.enrolmentId]);
      if (event === 'found') {
        summary.reconciled.sent++;
        recordSent(after, deps.timeZone, send, enrolment.treatment, runs.get(send.runId), now, { reconciled: true });
      } else {
        summary.reconciled.uncertain++;
        if (continuesSequence(TRANSITIONS.lost.to)) scheduleNext(after, deps.timeZone, send, enrolment.treatment, runs.get(send.runId), { due: new Date(send.dueAt), sent: send.claimedAt ? new Date(send.claimedAt) : now });
      }
    }, (tx) => writeRowsAfter(tx, deps.db, after));
    if (won) deps.logger.warn({ sendId: send.id, evidence, claimedBy: send.claimedBy, worker: deps.worker }, 'reconciled a send a dead worker left claimed');
  }
}
