/**
 * A campaign may only speak of its offer while the offer is open: a step that mentions it
 * (its subject or email uses `offer`) must go out before the offer ends, even when the send
 * window moves it to the next morning. Checked when the file loads, so a marketer learns it
 * from `campaign validate`, not from customers clicking through to "this offer has ended".
 */
import { InputError } from '../domain/errors';
import { minutesOf, SendWindow } from '../domain/sendWindow';
import { fieldsMentioned } from '../mail/templateCheck';
import { readSources } from '../mail/render';
import { CampaignFile, durationMs } from './definition';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** The longest a due email can wait for the send window to open. */
export function windowWaitMs(window: SendWindow | undefined): number {
  if (!window) return 0;
  const open = (minutesOf(window.to) - minutesOf(window.from) + 1440) % 1440 || 1440;
  return (1440 - open) * MINUTE_MS;
}

/** Does this step's subject or email (with everything it includes) mention the offer? */
export function mentionsOffer(subject: string, templateFile: string): boolean {
  return fieldsMentioned(subject).has('offer') || readSources(templateFile).some((s) => fieldsMentioned(s.text).has('offer'));
}

/** Throws for the first scheduled step that would mention the offer after it ended. */
export function checkOfferTiming(campaign: CampaignFile, templateFiles: readonly string[], file: string, lineOf: (path: (string | number)[]) => number | undefined): void {
  if (!campaign.offers.ladder.length) return;
  const ends = campaign.offers.expiresAfterDays * DAY_MS;
  const wait = windowWaitMs(campaign.sendWindow);
  let at = 0;
  campaign.steps.forEach((step, i) => {
    at += durationMs(step.delay);
    if (step.trigger !== 'schedule' || step.audience === 'no-offer') return;
    if (at + wait < ends || !mentionsOffer(step.subject, templateFiles[i])) return;
    const late = wait ? ` (or up to ${hours(wait)} later, when the send window opens)` : '';
    const enough = Math.floor((at + wait) / DAY_MS) + 1;
    throw new InputError(
      `step ${i + 1} (${step.template}) mentions the offer, but goes out ${days(at)} after the launch${late}, ` +
        `and the offer ends ${days(ends)} after the launch (offers.expiresAfterDays); ` +
        `leave the offer out of this step, or set offers.expiresAfterDays to at least ${enough}`,
      { file, line: lineOf(['steps', i]), field: `steps[${i}]` },
    );
  });
}

const days = (ms: number): string => {
  const d = ms / DAY_MS;
  return Number.isInteger(d) ? `${d} day${d === 1 ? '' : 's'}` : `${hours(ms)}`;
};
const hours = (ms: number): string => `${Math.round(ms / 3_600_000)} hours`;
