/**
 * Rate limits on the public routes, per client address (express-rate-limit's memory store; one
 * process). Defaults are generous: a whole office behind one NAT opening a campaign, or a mail
 * provider's image proxy fetching thousands of pixels, must not be turned away. Over the limit:
 * 429 with Retry-After and a page that says when to try again.
 */
import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';

export interface PublicLimits {
  windowMs: number;
  /** Page views and clicks (GET /w, /c, /u) per address per window. */
  pages: number;
  /** Form posts (redeem, feedback, unsubscribe) per address per window. */
  actions: number;
  /** Open pixels per address per window: image proxies fetch many. */
  pixels: number;
}

export const DEFAULT_LIMITS: PublicLimits = { windowMs: 60_000, pages: 600, actions: 60, pixels: 20_000 };

export function limiters(options: Partial<PublicLimits>, refuse: RequestHandler): Record<'pages' | 'actions' | 'pixels', RequestHandler> {
  const o = { ...DEFAULT_LIMITS, ...options };
  const make = (limit: number): RequestHandler =>
    rateLimit({ windowMs: o.windowMs, limit, standardHeaders: 'draft-8', legacyHeaders: false, handler: (req, res, next) => refuse(req, res, next) });
  return { pages: make(o.pages), actions: make(o.actions), pixels: make(o.pixels) };
}
