/**
 * The welcome-back page and what is done from it: redeem (a POST: mail scanners follow every
 * link in an email, so a GET never issues a code) and "how can we make it right?".
 */
import type { Request, RequestHandler, Response } from 'express';
import { cleanFeedback, saveFeedback } from '../../customer/feedback';
import type { Viewed } from '../../customer/landingViews';
import { LinkTarget, sendRowId } from '../../customer/linkTarget';
import { InputError } from '../../domain/errors';
import { epochSeconds, LINK_ROUTES } from '../../links/tokens';
import type { IncidentWords } from '../../campaigns/runInfo';
import { check, found, Found, ids, incidentOf, mint, notFound, page, problem, PublicContext, resolve, sendPage, targetOf, testLink, YEAR_SECONDS } from './context';
import { endedModel, landingModel, personalFields } from './models';
import { validUntil } from './renderedPages';

export function showLanding(ctx: PublicContext): RequestHandler {
  return async (req, res) => {
    const r = await viewed(ctx, req, res);
    if (!r) return;
    if (r.kind === 'expired') return ended(ctx, res, r);
    const now = ctx.clock();
    const incident = r.incident !== undefined ? r.incident : await incidentOf(ctx, r.target);
    // The run's definition is frozen at launch and named by its run id, which the state holds.
    const state = JSON.stringify([{ ...r.target, campaign: undefined }, incident]);
    const kept = ctx.landings.get(r.token, state, now.getTime());
    if (kept) return sendPage(res, 200, kept);
    const body = Buffer.from(renderLanding(ctx, r, incident, now));
    const t = r.target;
    ctx.landings.set(r.token, state, validUntil(now.getTime(), [t.offerExpiresAt, t.code?.expiresAt, r.payload.expiresAt * 1000]), body);
    sendPage(res, 200, body);
  };
}

/**
 * The landing link's target, and on a GET of a live link a view recorded for it in the same
 * statement (landingViews.ts). A view is a tracking counter, the only thing a GET writes; a HEAD
 * (link checkers) is not a view, nor is a visit to an ended offer's page.
 */
function viewed(ctx: PublicContext, req: Request, res: Response): Promise<(Found & { incident?: IncidentWords | null }) | null> {
  if (req.method !== 'GET') return found(ctx, req, res, 'landing');
  return found<Viewed | { target: LinkTarget }>(ctx, req, res, 'landing', (c) => (c.kind === 'ok' ? ctx.views.record(c.payload.sendId, ctx.clock()) : targetOf(ctx, c)));
}

function renderLanding(ctx: PublicContext, r: Found, incident: IncidentWords | null, now: Date): string {
  const fields = personalFields(r.target, incident, ctx.shop, now);
  const { sendId } = r.target;
  const redeem = mint(ctx, sendId, 'redeem', r.payload.expiresAt);
  const video = r.target.campaign.spokesperson.videoUrl ? `${mint(ctx, sendId, 'click', r.payload.expiresAt).path}?to=video` : null;
  const links = {
    redeem: { action: redeem.path, csrf: ctx.csrf.token('redeem', redeem.token) },
    feedback: feedbackForm(ctx, r.token),
    unsubscribe: mint(ctx, sendId, 'unsubscribe', r.payload.expiresAt + 5 * YEAR_SECONDS).path,
    video,
  };
  return ctx.pages.render('landing', landingModel(r.target, fields, links, ctx.shop, now));
}

/** 410: the offer (and its link) ran out; writing to the shop and unsubscribing still work. */
export async function ended(ctx: PublicContext, res: Response, r: Found): Promise<void> {
  const now = ctx.clock();
  const fields = personalFields(r.target, await incidentOf(ctx, r.target), ctx.shop, now);
  const landing = mint(ctx, r.target.sendId, 'landing', r.payload.expiresAt);
  const unsubscribe = mint(ctx, r.target.sendId, 'unsubscribe', epochSeconds(now) + 30 * 86_400);
  const forms = { feedback: feedbackForm(ctx, landing.token), unsubscribe: { action: unsubscribe.path, csrf: ctx.csrf.token('unsubscribe', unsubscribe.token) } };
  page(ctx, res, 410, 'ended', endedModel(r.target, fields, new Date(r.payload.expiresAt * 1000), forms, ctx.shop));
}

/** The hot path reads nothing before its one conditional INSERT: the token and the form token are checked in memory. */
export function redeem(ctx: PublicContext): RequestHandler {
  return async (req, res) => {
    const token = String(req.params.token);
    const c = check(ctx, token, 'redeem');
    if (c.kind === 'bad') return notFound(ctx, res);
    if (c.kind === 'test') return testLink(ctx, res);
    if (c.kind === 'expired') return endedOrNotFound(ctx, res, token);
    if (!ctx.csrf.check('redeem', token, formField(req, 'csrf'))) return staleForm(ctx, res);
    const sendId = sendRowId(c.payload.sendId);
    if (sendId === null) return notFound(ctx, res);
    const outcome = await ctx.issuer.issue(sendId, ctx.clock());
    if (outcome.status === 'unknown') return notFound(ctx, res);
    if (outcome.status === 'ended') return endedOrNotFound(ctx, res, token);
    // Post/redirect/get: a reload shows the page (and the same code) instead of posting again. No
    // body: res.redirect() would negotiate and render one that no browser shows.
    res.status(303).set('Location', `${mint(ctx, sendId, 'landing', c.payload.expiresAt).path}#your-code`).end();
  };
}

async function endedOrNotFound(ctx: PublicContext, res: Response, redeemToken: string): Promise<void> {
  const r = await resolve(ctx, redeemToken, 'redeem');
  return r.kind === 'ok' || r.kind === 'expired' ? ended(ctx, res, r) : notFound(ctx, res);
}

export function feedback(ctx: PublicContext): RequestHandler {
  return async (req, res) => {
    const r = await found(ctx, req, res, 'landing');
    if (!r) return;
    const token = r.token;
    if (!ctx.csrf.check('feedback', token, formField(req, 'csrf'))) return staleForm(ctx, res);
    const t = r.target;
    let message: string;
    try {
      message = cleanFeedback(formField(req, 'message'));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return page(ctx, res, 400, 'feedback', { title: `How can we make it right? — ${ctx.shop.name}`, error: error.problem, message: formField(req, 'message'), feedback: feedbackForm(ctx, token) });
    }
    await saveFeedback(ctx.db, { ...ids(t), incidentId: t.incidentId }, message, ctx.clock());
    const fields = personalFields(t, null, ctx.shop, ctx.clock());
    const back = r.kind === 'ok' ? `${ctx.base}${LINK_ROUTES.landing}/${token}` : null;
    page(ctx, res, 200, 'thanks', { title: `Thank you — ${ctx.shop.name}`, f: fields, back });
  };
}

const feedbackForm = (ctx: PublicContext, landingToken: string) => ({ action: `${ctx.base}${LINK_ROUTES.landing}/${landingToken}/feedback`, csrf: ctx.csrf.token('feedback', landingToken) });

export function formField(req: Request, name: string): unknown {
  const body = req.body as Record<string, unknown> | undefined;
  return body && typeof body === 'object' ? body[name] : undefined;
}

export function staleForm(ctx: PublicContext, res: Response): void {
  problem(ctx, res, 403, 'This form has gone stale', 'Nothing has changed. Please go back, reload the page, and press the button again.');
}
