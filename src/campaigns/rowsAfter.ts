/**
 * What recording a send's outcome writes besides the send itself, in the same transaction: its
 * `sent` event and the customer's next step. Shared by the dispatcher's outcomes and the takeover
 * of a dead worker's claims, so a send found delivered after a crash goes on exactly as one
 * delivered now.
 */
import type { EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import { CustomerEvent, insertEvents } from '../customer/events';
import { insertSends } from './launch';
import type { RunInfo } from './runInfo';
import type { SendContext } from './sendContext';
import type { DueSend } from './sendStore';
import { nextStep } from './steps';

/** Rows collected while recording outcomes, written at the end of the same transaction. */
export interface RowsAfter {
  events: CustomerEvent[];
  sends: unknown[][];
}

export const newRowsAfter = (): RowsAfter => ({ events: [], sends: [] });

export async function writeRowsAfter(tx: EntityManager, db: Database, after: RowsAfter): Promise<void> {
  await insertEvents(tx, db, after.events);
  await insertSends(tx, db, after.sends);
}

type Treatment = SendContext['treatment'];

/**
 * Written in the same transaction as `sent`, whether the send was just delivered or found
 * delivered after a crash: the event, and the customer's next step.
 */
export function recordSent(after: RowsAfter, timeZone: string, send: DueSend, treatment: Treatment, run: RunInfo | undefined, now: Date, data: Record<string, unknown> | null): void {
  after.events.push({ type: 'sent', customerId: send.customerId, runId: send.runId, sendId: send.id, at: now, data });
  scheduleNext(after, timeZone, send, treatment, run, { due: new Date(send.dueAt), sent: now });
}

/** The customer's next step, due its delay after this one was due (as the preview shows); none when the sequence ends there. */
export function scheduleNext(after: RowsAfter, timeZone: string, send: DueSend, treatment: Treatment, run: RunInfo | undefined, at: { due: Date; sent: Date }): void {
  const next = run && nextStep(run.campaign.steps, treatment, send.step, at, run.campaign.sendWindow, timeZone);
  if (next) after.sends.push([send.enrolmentId, send.runId, send.customerId, next.step, 'scheduled', next.dueAt.toISOString()]);
}
