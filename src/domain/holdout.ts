/**
 * The holdout: a deterministic, seeded random share of a campaign's audience that receives
 * nothing, so the report can show what the campaign changed. Deterministic in (campaign,
 * customer) so a relaunch, a preview and the report all agree on who was held out.
 */
import { createHash } from 'node:crypto';

/** A uniform number in [0, 1) from SHA-256 of `campaign:customerId`. */
export function holdoutDraw(campaign: string, customerId: number | string): number {
  const digest = createHash('sha256').update(`${campaign}:${customerId}`).digest();
  // 48 bits: plenty of resolution, and exactly representable in a double.
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

export function isHeldOut(campaign: string, customerId: number | string, share: number): boolean {
  return holdoutDraw(campaign, customerId) < share;
}
