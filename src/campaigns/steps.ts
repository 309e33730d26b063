/** Which step a customer gets next, and when: the sequence rules, pure. */
import { nextSendTime, SendWindow } from '../domain/sendWindow';
import { CampaignStep, durationMs } from './definition';
import type { EnrolmentTreatment } from './plan';

export function stepApplies(step: CampaignStep, treatment: EnrolmentTreatment): boolean {
  if (step.trigger !== 'schedule') return false;
  const hasOffer = treatment !== 'nostalgia-only';
  return step.audience === 'all' || (step.audience === 'offer') === hasOffer;
}

/** Schedules count in whole minutes: a launch at 10:00:00.4 plans its steps from 10:00. */
export function scheduleStart(now: Date): Date {
  return new Date(Math.floor(now.getTime() / 60_000) * 60_000);
}

/**
 * Where a customer's sequence stands: when the last step was due (the launch minute before the
 * first) and, once it went out, when that was.
 */
export interface StepAnchor {
  due: Date;
  sent?: Date;
}

/**
 * The next scheduled step after `afterStep` (1-based; 0 = none sent yet) that applies to this
 * customer, moved into the send window; null when the sequence ends. Each step is due its delay
 * after the step before it in the file was due (a step that does not apply to the customer
 * still takes its time), so every customer's step N is due when the preview says, however late
 * in the day a dispatch runs. Only when the last email went out late (a pause, quiet hours, the
 * frequency cap) does the next wait at least half its delay after it, so two never arrive together.
 */
export function nextStep(
  steps: readonly CampaignStep[],
  treatment: EnrolmentTreatment,
  afterStep: number,
  anchor: StepAnchor,
  window: SendWindow | undefined,
  timeZone: string,
): { step: number; dueAt: Date } | null {
  let delay = 0;
  for (let i = afterStep; i < steps.length; i++) {
    delay += durationMs(steps[i].delay);
    if (!stepApplies(steps[i], treatment)) continue;
    const onTime = anchor.due.getTime() + delay;
    const due = anchor.sent ? Math.max(onTime, anchor.sent.getTime() + delay / 2) : onTime;
    return { step: i + 1, dueAt: nextSendTime(new Date(due), window, timeZone) };
  }
  return null;
}

/** The schedule a customer launched at `now` follows when every step goes out on time: what launch and dispatch will do. */
export function projectedSchedule(
  steps: readonly CampaignStep[],
  treatment: EnrolmentTreatment,
  now: Date,
  window: SendWindow | undefined,
  timeZone: string,
): { step: number; dueAt: Date }[] {
  const out: { step: number; dueAt: Date }[] = [];
  for (let next = nextStep(steps, treatment, 0, { due: scheduleStart(now) }, window, timeZone); next; next = nextStep(steps, treatment, next.step, { due: next.dueAt }, window, timeZone)) {
    out.push(next);
  }
  return out;
}

export function templateIndex(steps: readonly CampaignStep[], step: number): number {
  return step <= steps.length ? step - 1 : steps.findIndex((s) => s.trigger === 'incident-update');
}

/**
 * Which of an incident's updates (0-based, in the order posted) a send of `step` carries, or -1
 * for any other step. The first update is sent as the update step itself, later ones as steps
 * after the definition's (incidentService.queueIncidentStep): so two updates posted before one
 * dispatch each tell their own text.
 */
export function updateOrdinal(steps: readonly CampaignStep[], step: number): number {
  const updateStep = steps.findIndex((s) => s.trigger === 'incident-update');
  if (updateStep < 0) return -1;
  if (step === updateStep + 1) return 0;
  return step > steps.length ? step - steps.length : -1;
}
