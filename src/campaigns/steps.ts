/** Which step a customer gets next, and when: the sequence rules, pure. */
import { nextSendTime, SendWindow } from '../domain/sendWindow';
import { CampaignStep, durationMs } from './definition';
import type { EnrolmentTreatment } from './plan';

function stepApplies(step: CampaignStep, treatment: EnrolmentTreatment): boolean {
  if (step.trigger !== 'schedule') return false;
  const hasOffer = treatment !== 'nostalgia-only';
  return step.audience === 'all' || (step.audience === 'offer') === hasOffer;
}

/**
 * The next scheduled step after `afterStep` (1-based; 0 = none sent yet) that applies to this
 * customer, due its delay after `from`, moved into the send window. Null when the sequence ends.
 */
export function nextStep(
  steps: readonly CampaignStep[],
  treatment: EnrolmentTreatment,
  afterStep: number,
  from: Date,
  window: SendWindow | undefined,
  timeZone: string,
): { step: number; dueAt: Date } | null {
  for (let i = afterStep; i < steps.length; i++) {
    if (!stepApplies(steps[i], treatment)) continue;
    const due = new Date(from.getTime() + durationMs(steps[i].delay));
    return { step: i + 1, dueAt: nextSendTime(due, window, timeZone) };
  }
  return null;
}

/** The schedule a customer would follow if every step went out on time (for previews). */
export function projectedSchedule(
  steps: readonly CampaignStep[],
  treatment: EnrolmentTreatment,
  start: Date,
  window: SendWindow | undefined,
  timeZone: string,
): { step: number; dueAt: Date }[] {
  const out: { step: number; dueAt: Date }[] = [];
  let at = start;
  for (let next = nextStep(steps, treatment, 0, at, window, timeZone); next; next = nextStep(steps, treatment, next.step, at, window, timeZone)) {
    out.push(next);
    at = next.dueAt;
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
