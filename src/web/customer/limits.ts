/**
 * Rate limits on the public routes, per client address (IPv6 by its /56, as express-rate-limit
 * groups them), in this process's memory. Defaults are generous: a whole office behind one NAT
 * opening a campaign, or a mail provider's image proxy fetching thousands of pixels, must not be
 * turned away. Over the limit: 429 with Retry-After and a page that says when to try again.
 *
 * Fixed windows shared by every address, counted synchronously: express-rate-limit (still used
 * by the API) awaits its store several times and hashes the address for its draft-8 headers on
 * every request, which the customer's hot path paid on each page view (issue 16). Browsers do
 * nothing with those headers, so these pages do without them.
 */
import type { RequestHandler } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';

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

/** Requests per address in the current window; all counts start again when it ends, so memory stays bounded by one window's addresses. */
export class FixedWindow {
  private counts = new Map<string, number>();
  private endsAt = 0;

  constructor(private readonly windowMs: number, private readonly now: () => number = Date.now) {}

  /** Counts one request and returns how many this key has made in the window, and when the window ends. */
  hit(key: string): { count: number; endsAt: number } {
    const now = this.now();
    if (now >= this.endsAt) {
      this.counts = new Map();
      this.endsAt = now + this.windowMs;
    }
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    return { count, endsAt: this.endsAt };
  }
}

export function limiters(options: Partial<PublicLimits>, refuse: RequestHandler): Record<'pages' | 'actions' | 'pixels', RequestHandler> {
  const o = { ...DEFAULT_LIMITS, ...options };
  const make = (limit: number): RequestHandler => {
    const window = new FixedWindow(o.windowMs);
    return (req, res, next) => {
      const { count, endsAt } = window.hit(ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? ''));
      if (count <= limit) return next();
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil((endsAt - Date.now()) / 1000))));
      refuse(req, res, next);
    };
  };
  return { pages: make(o.pages), actions: make(o.actions), pixels: make(o.pixels) };
}
