/**
 * Click tracking and the open pixel. A click goes only where the campaign declared (its
 * spokesperson's video) or to the shop's home page: the destination comes from the run's
 * frozen definition and the configuration, never from the URL, so this is no open redirect.
 */
import type { RequestHandler } from 'express';
import { isTestSend } from '../../customer/linkTarget';
import { found, ids, notFound, PublicContext } from './context';
import { ended } from './landing';

export function click(ctx: PublicContext): RequestHandler {
  return async (req, res) => {
    const r = await found(ctx, req, res, 'click');
    if (!r) return;
    if (r.kind === 'expired') return ended(ctx, res, r);
    const to = req.query.to;
    const destination = to === 'video' ? webAddress(r.target.campaign.spokesperson.videoUrl) : to === 'shop' ? withUtm(ctx.shopHome, req.query) : null;
    if (!destination) return notFound(ctx, res);
    if (req.method === 'GET') await ctx.tracking.record({ type: 'click', ...ids(r.target), at: ctx.clock(), data: { to } });
    res.set('Cache-Control', 'no-store').redirect(302, destination);
  };
}

/** Only http(s): a definition is validated at launch, but a `javascript:` URL must never become a Location. */
function webAddress(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.toString() : null;
  } catch {
    return null;
  }
}

/** The email's UTM parameters travel on to the shop, so its own analytics see the campaign. */
function withUtm(home: string, query: Record<string, unknown>): string {
  const url = new URL(home);
  for (const key of ['utm_source', 'utm_medium', 'utm_campaign', 'utm_content']) {
    const value = query[key];
    if (typeof value === 'string' && /^[\w.-]{1,100}$/.test(value)) url.searchParams.set(key, value);
  }
  return url.toString();
}

/** A transparent 1x1 GIF (42 bytes). */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/**
 * Always answers with the image: a broken pixel helps no one. Opens are recorded flagged
 * unreliable: mail privacy proxies fetch every image whether or not anyone read the email.
 */
export function openPixel(ctx: PublicContext): RequestHandler {
  return async (req, res) => {
    const now = ctx.clock();
    const verified = ctx.signer.verify(String(req.params.token), now, 'open');
    if (verified.status === 'ok' && !isTestSend(verified.payload.sendId) && req.method === 'GET') {
      const target = await ctx.targets.ids(verified.payload.sendId);
      if (target) await ctx.tracking.record({ type: 'open', ...target, at: now, data: { unreliable: true } });
    }
    res
      .status(200)
      // Webmail pages on other origins must be allowed to load it.
      .set({ 'Content-Type': 'image/gif', 'Cache-Control': 'no-store, max-age=0', 'Cross-Origin-Resource-Policy': 'cross-origin' })
      .end(PIXEL);
  };
}
