/**
 * What every public handler shares: verifying a link and finding what it points at, minting the
 * page's own links for the same send, and answering with a page.
 */
import type { Request, Response } from 'express';
import { incidentWords, IncidentWords } from '../../campaigns/runInfo';
import type { Clock } from '../../clock';
import type { Database } from '../../db/database';
import type { CodeIssuer } from '../../customer/codes';
import type { TrackingLog } from '../../customer/events';
import type { LandingViews } from '../../customer/landingViews';
import { isTestSend, LinkTarget, LinkTargets } from '../../customer/linkTarget';
import { LINK_ROUTES, LinkPurpose, LinkSigner, TokenPayload } from '../../links/tokens';
import type { Logger } from '../../logger';
import type { Csrf } from './csrf';
import type { Shop } from './models';
import type { PageName, PageRenderer } from './pages';
import type { RenderedPages } from './renderedPages';

export interface PublicContext {
  db: Database;
  clock: Clock;
  logger: Logger;
  signer: LinkSigner;
  csrf: Csrf;
  pages: PageRenderer;
  /** Landing pages as last rendered, per link token. */
  landings: RenderedPages;
  targets: LinkTargets;
  tracking: TrackingLog;
  /** Landing views recorded with their link targets read (landingViews.ts). */
  views: LandingViews;
  issuer: CodeIssuer;
  shop: Shop;
  /** Where `to=shop` leads: the shop's home page, PUBLIC_URL's origin. */
  shopHome: string;
  /** PUBLIC_URL's path ('' or '/rekindle'), so links work behind a path prefix. */
  base: string;
}

export type Checked = { kind: 'ok' | 'expired'; token: string; payload: TokenPayload } | { kind: 'test' } | { kind: 'bad' };
export type Resolved = (Extract<Checked, { payload: unknown }> & { target: LinkTarget }) | { kind: 'test' } | { kind: 'bad' };

/** The signature and expiry alone, without the database. Tampered, truncated, foreign-purpose and unknown-key tokens are all `bad`: none says anything trustworthy. */
export function check(ctx: PublicContext, token: string, purpose: LinkPurpose): Checked {
  const verified = ctx.signer.verify(token, ctx.clock(), purpose);
  if (verified.status === 'tampered' || verified.status === 'unknown-key') return { kind: 'bad' };
  if (isTestSend(verified.payload.sendId)) return { kind: 'test' };
  return { kind: verified.status, token, payload: verified.payload };
}

/**
 * Reads what a checked link points at: its target (null when the send no longer exists) and
 * anything read with it, as the landing page's view does (landingViews.ts).
 */
export type TargetLoader<T extends { target: LinkTarget }> = (checked: Extract<Checked, { payload: unknown }>) => Promise<T | null>;

/** The default loader: the link's target alone. */
export async function targetOf(ctx: PublicContext, checked: Extract<Checked, { payload: unknown }>): Promise<{ target: LinkTarget } | null> {
  const target = await ctx.targets.load(checked.payload.sendId);
  return target && { target };
}

/** A checked token and what it points at; a token whose send no longer exists is `bad` too. */
export async function resolve<T extends { target: LinkTarget } = { target: LinkTarget }>(ctx: PublicContext, token: string, purpose: LinkPurpose, load?: TargetLoader<T>): Promise<Resolved & Partial<T>> {
  const checked = check(ctx, token, purpose);
  if (checked.kind === 'bad' || checked.kind === 'test') return checked;
  const loaded = load ? await load(checked) : await targetOf(ctx, checked);
  return loaded ? { ...checked, ...loaded } : { kind: 'bad' };
}

export type Found = Extract<Resolved, { target: unknown }>;

/** The link's target, or null once a bad link has had its 404 page and a test email's link its note. */
export async function found<T extends { target: LinkTarget } = { target: LinkTarget }>(ctx: PublicContext, req: Request, res: Response, purpose: LinkPurpose, load?: TargetLoader<T>): Promise<(Found & T) | null> {
  const r = await resolve(ctx, String(req.params.token), purpose, load);
  if (r.kind === 'bad') notFound(ctx, res);
  else if (r.kind === 'test') testLink(ctx, res);
  else return r as Found & T;
  return null;
}

const MAX_EPOCH = 0xffffffff;
export const YEAR_SECONDS = 365 * 86_400;

/** A signed link for the same send, as a path under the public routes (pages never need the host). */
export function mint(ctx: PublicContext, sendId: number, purpose: LinkPurpose, expiresAt: number): { token: string; path: string } {
  const token = ctx.signer.sign({ sendId: String(sendId), purpose, expiresAt: Math.min(expiresAt, MAX_EPOCH) });
  return { token, path: `${ctx.base}${LINK_ROUTES[purpose]}/${token}` };
}

export async function incidentOf(ctx: PublicContext, target: LinkTarget): Promise<IncidentWords | null> {
  return target.incidentId === null ? null : incidentWords(ctx.db, target.incidentId);
}

export function page(ctx: PublicContext, res: Response, status: number, name: PageName, model: Record<string, unknown>): void {
  sendPage(res, status, Buffer.from(ctx.pages.render(name, model)));
}

/**
 * end(), not send(): a personal, uncacheable page gains nothing from an ETag, which costs a hash
 * per response; and plain setHeader, as express's set() looks the content type up again each time.
 */
export function sendPage(res: Response, status: number, body: Buffer): void {
  res.statusCode = status;
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Content-Length', body.length);
  res.end(body);
}

export function notFound(ctx: PublicContext, res: Response): void {
  page(ctx, res, 404, 'not-found', { title: `Link not found — ${ctx.shop.name}` });
}

export function testLink(ctx: PublicContext, res: Response): void {
  page(ctx, res, 200, 'test-link', { title: `A test email — ${ctx.shop.name}` });
}

export function problem(ctx: PublicContext, res: Response, status: number, heading: string, message: string): void {
  page(ctx, res, status, 'problem', { title: `${heading} — ${ctx.shop.name}`, heading, message });
}

export const ids = (t: LinkTarget) => ({ customerId: t.customerId, runId: t.runId, sendId: t.sendId });
