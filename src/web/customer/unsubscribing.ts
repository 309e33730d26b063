/**
 * Unsubscribe links. A GET only shows a page with a button (scanners and prefetchers follow
 * links); the button's POST, or an RFC 8058 one-click POST from the mail client, unsubscribes.
 * An expired but authentic token still works: stopping email is always in the customer's favour.
 */
import type { Request, RequestHandler } from 'express';
import { unsubscribe } from '../../customer/unsubscribe';
import { epochSeconds, LINK_ROUTES } from '../../links/tokens';
import { found, ids, incidentOf, mint, page, PublicContext } from './context';
import { formField, staleForm } from './landing';
import { maskEmail, personalFields, unsubscribeModel } from './models';

export function confirmUnsubscribe(ctx: PublicContext): RequestHandler {
  return async (req, res) => {
    const r = await found(ctx, req, res, 'unsubscribe');
    if (!r) return;
    const { token } = r;
    const now = ctx.clock();
    const fields = personalFields(r.target, await incidentOf(ctx, r.target), ctx.shop, now);
    const landing = mint(ctx, r.target.sendId, 'landing', epochSeconds(now) + 30 * 86_400);
    const form = { action: `${ctx.base}${LINK_ROUTES.unsubscribe}/${token}`, csrf: ctx.csrf.token('unsubscribe', token) };
    page(ctx, res, 200, 'unsubscribe', unsubscribeModel(r.target, fields, form, `${landing.path}#make-it-right`, ctx.shop));
  };
}

export function doUnsubscribe(ctx: PublicContext): RequestHandler {
  return async (req, res) => {
    const r = await found(ctx, req, res, 'unsubscribe');
    if (!r) return;
    const { token } = r;
    const oneClick = isOneClick(req);
    // RFC 8058: the one-click POST carries no cookie and no form token; the signed link is the authority.
    if (!oneClick && !ctx.csrf.check('unsubscribe', token, formField(req, 'csrf'))) return staleForm(ctx, res);
    const now = ctx.clock();
    if (r.target.email) await unsubscribe(ctx.db, r.target.email, oneClick ? 'one-click' : 'page', now, ids(r.target));
    if (oneClick) return void res.status(200).set('Cache-Control', 'no-store').type('text/plain').send('Unsubscribed.\n');
    const fields = personalFields(r.target, null, ctx.shop, now);
    page(ctx, res, 200, 'unsubscribed', { title: `Unsubscribed — ${ctx.shop.name}`, f: fields, email: maskEmail(r.target.email) });
  };
}

/** `List-Unsubscribe=One-Click`, form-encoded or (RFC 8058 allows it) multipart. */
function isOneClick(req: Request): boolean {
  if (formField(req, 'List-Unsubscribe') === 'One-Click') return true;
  return typeof req.body === 'string' && /name="?List-Unsubscribe"?\r?\n(?:[^\r\n]+\r?\n)*\r?\nOne-Click\r?\n/.test(req.body);
}
