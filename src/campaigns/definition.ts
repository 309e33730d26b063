/**
 * What a campaign file in `campaigns/` may say. Validated on load; every error names the file,
 * the field (and line) and what is allowed.
 */
import { z } from 'zod';

const amount = z.string().regex(/^\d{1,12}(\.\d{1,4})?$/, 'a decimal amount in quotes, like "25.00"');
const share = z.number().min(0, 'between 0 and 1').max(1, 'between 0 and 1');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time like 09:00');
const duration = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(m|h|d|w)$/, 'a duration like 30m, 4h, 3d or 2w');

export const EXIT_CONDITIONS = ['redemption', 'purchase', 'unsubscribe', 'complaint', 'bounce'] as const;

const step = z
  .object({
    /** Path under views/emails without extension, e.g. `nostalgia-winback/1-we-miss-you`. */
    template: z.string().regex(/^[a-z0-9-]+(\/[a-z0-9-]+)*$/, 'a template path under views/emails, like nostalgia-winback/1-we-miss-you'),
    subject: z.string().min(1).max(200),
    /** After the previous step was sent (the first step: after launch). */
    delay: duration.default('0d'),
    /** Only for customers with an offer (`offer`), only for those without (`no-offer`), or all. */
    audience: z.enum(['all', 'offer', 'no-offer']).default('all'),
    /** `schedule`: after the delay. Incident campaigns also have steps sent on `rekindle incident update|resolve`. */
    trigger: z.enum(['schedule', 'incident-update', 'incident-resolution']).default('schedule'),
  })
  .strict();

export const campaignSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{1,60}$/, 'lower-case letters, digits and dashes, like nostalgia-winback'),
    description: z.string().max(2000).optional(),
    /** `winback`: marketing to lapsed customers. `incident`: a service notice to those an incident harmed. */
    kind: z.enum(['winback', 'incident']).default('winback'),
    audience: z
      .object({
        lastOrderAtLeastDaysAgo: z.number().int().min(0).optional(),
        pAliveBelow: share.optional(),
        valueOfWinBackAbove: amount.optional(),
        /** Incident campaigns: everyone the incident affected (given at launch). */
        incidentAffected: z.boolean().default(false),
      })
      .strict()
      .default({ incidentAffected: false }),
    holdout: share.default(0.1),
    /** Words the templates use that belong to the campaign, not the customer. */
    content: z
      .object({
        /** What is new since they left, one short line each. */
        whatsNew: z.array(z.object({ title: z.string().min(1).max(80), detail: z.string().min(1).max(300) }).strict()).max(5).default([]),
        /** A headline for the offer email, if the template shows one. */
        offerHeadline: z.string().max(200).optional(),
      })
      .strict()
      .default({ whatsNew: [] }),
    spokesperson: z
      .object({
        name: z.string().min(1),
        role: z.string().min(1),
        photoUrl: z.string().url().optional(),
        replyTo: z.string().email('a real inbox people can write to'),
        talkToUs: z.string().min(1).optional(),
        videoUrl: z.string().url().optional(),
      })
      .strict(),
    offers: z
      .object({
        /** Validated by the domain's offer-ladder rules (kinds, amounts, P(redeem)). */
        ladder: z.array(z.unknown()).default([]),
        zeroValue: z.enum(['nostalgia-only', 'exclude']).default('nostalgia-only'),
        expiresAfterDays: z.number().int().min(1).max(365).default(30),
      })
      .strict()
      .default({ ladder: [], zeroValue: 'nostalgia-only', expiresAfterDays: 30 }),
    budget: z
      .object({
        share: share.optional(),
        cac: amount.optional(),
        customerCap: amount.optional(),
        campaignCap: amount.optional(),
        margin: share.optional(),
        /** BUDGET_BASIS for this campaign: the value of winning back, or its 90% interval's lower end. */
        basis: z.enum(['estimate', 'lower']).optional(),
      })
      .strict()
      .default({}),
    steps: z.array(step).min(1, 'at least one step'),
    sendWindow: z.object({ from: hhmm, to: hhmm }).strict().optional(),
    exitOn: z.array(z.enum(EXIT_CONDITIONS)).default([...EXIT_CONDITIONS]),
    frequencyCap: z.object({ maxEmails: z.number().int().min(1), perDays: z.number().min(1) }).strict().optional(),
    /** Days after launch in which orders count for the run's report (issue 12: 60 by default). */
    attributionWindowDays: z.number().int().min(1).max(365).default(60),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.kind === 'incident' && !c.audience.incidentAffected) {
      ctx.addIssue({ code: 'custom', path: ['audience', 'incidentAffected'], message: 'must be true for an incident campaign' });
    }
    // An apology is owed to everyone the incident harmed: nobody is held out to measure it.
    if (c.kind === 'incident' && c.holdout !== 0) {
      ctx.addIssue({ code: 'custom', path: ['holdout'], message: '0 for an incident campaign: everyone harmed gets the apology' });
    }
  });

export type CampaignFile = z.output<typeof campaignSchema>;
export type CampaignStep = z.output<typeof step>;

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;

export function durationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(m|h|d|w)$/.exec(text);
  if (!m) throw new RangeError(`"${text}" is not a duration like 3d`);
  return Math.round(Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]);
}
