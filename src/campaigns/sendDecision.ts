/**
 * At send time, before claiming: does this email still go out now? Pure, over the loaded
 * context, so each exit condition and the frequency cap are tested without a database.
 */
import { earliestUnderCap } from '../domain/frequencyCap';
import { insideWindow, nextSendTime } from '../domain/sendWindow';
import type { SuppressionReason } from '../db/entities/Campaigns';
import type { CampaignFile } from './definition';
import type { SendContext } from './sendContext';

export type SendDecision =
  | { kind: 'send' }
  /** `reason`: why the sequence ended (the enrolment's exit reason, as `redemption`), or `purchase` found now. */
  | { kind: 'exit'; reason: string }
  | { kind: 'suppress'; reason: SuppressionReason | 'no-consent' | 'no-address' }
  | { kind: 'defer'; until: Date; reason: 'frequency-cap' | 'quiet-hours' };

export function decideSend(ctx: SendContext, campaign: CampaignFile, now: Date, timeZone: string): SendDecision {
  if (ctx.exitedAt) return { kind: 'exit', reason: ctx.exitReason ?? 'run-ended' };
  if (!ctx.email) return { kind: 'suppress', reason: 'no-address' };
  // Suppression is global: whatever a campaign's exitOn says, an unsubscribed address is never mailed.
  if (ctx.suppression) return { kind: 'suppress', reason: ctx.suppression };
  const serviceNotice = campaign.kind === 'incident';
  if (!serviceNotice && ctx.consent === 'no') return { kind: 'suppress', reason: 'no-consent' };
  if (!serviceNotice && campaign.exitOn.includes('purchase') && ctx.purchasedSince) return { kind: 'exit', reason: 'purchase' };
  if (campaign.sendWindow && !insideWindow(now, campaign.sendWindow, timeZone)) {
    return { kind: 'defer', until: nextSendTime(now, campaign.sendWindow, timeZone), reason: 'quiet-hours' };
  }
  if (!serviceNotice && campaign.frequencyCap) {
    const earliest = earliestUnderCap(now, ctx.recentSends, campaign.frequencyCap);
    if (earliest > now) return { kind: 'defer', until: nextSendTime(earliest, campaign.sendWindow, timeZone), reason: 'frequency-cap' };
  }
  return { kind: 'send' };
}
