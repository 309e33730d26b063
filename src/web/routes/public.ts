/**
 * The customer's side, mounted at `/`: the links in every email (landing page, click, open
 * pixel, unsubscribe) and the forms on those pages. No login: each request carries a signed
 * link token, the only customer data ever in a URL. Middleware is attached to these paths only,
 * so mounting at `/` leaves /api, /webhooks and /healthz untouched.
 */
import express, { ErrorRequestHandler, RequestHandler, Router } from 'express';
import path from 'node:path';
import { CodeIssuer } from '../../customer/codes';
import { TrackingLog } from '../../customer/events';
import { LandingViews } from '../../customer/landingViews';
import { LinkTargets } from '../../customer/linkTarget';
import { LINK_ROUTES, LinkSigner, SigningKeys } from '../../links/tokens';
import type { Services } from '../../wiring';
import { notFound, PublicContext, problem } from '../customer/context';
import { loggablePath } from '../logPaths';
import { createCsrf } from '../customer/csrf';
import { feedback, redeem, showLanding } from '../customer/landing';
import { limiters, PublicLimits } from '../customer/limits';
import { PageRenderer } from '../customer/pages';
import { RenderedPages } from '../customer/renderedPages';
import { click, openPixel } from '../customer/tracking';
import { confirmUnsubscribe, doUnsubscribe } from '../customer/unsubscribing';

export interface PublicDeps {
  /** Verifies and mints link tokens; default: the services' signer (SECRET_KEY + PREVIOUS_SECRET_KEYS). */
  signer?: LinkSigner;
  /** Keys for the forms' CSRF tokens; default: the same secrets as the links. */
  keys?: SigningKeys;
  /** Per-address rate limits; see DEFAULT_LIMITS. */
  limits?: Partial<PublicLimits>;
  /** Templates and stylesheet; default: VIEWS_DIR/pages. */
  pagesDir?: string;
}

/** `/w/:token` and the like: every route is mounted from the table the emails' links are built from. */
const at = (purpose: keyof typeof LINK_ROUTES, tail = '') => `${LINK_ROUTES[purpose]}/:token${tail}`;
/** Every path this router answers; the app's 404 answers the rest. */
const PATHS = [at('landing'), at('landing', '/feedback'), at('redeem'), at('click'), at('open'), at('unsubscribe')];
/** `/w`, `/c`, `/u`, `/o`, `/r`. */
const PREFIXES = Object.values(LINK_ROUTES);

export function publicRoutes(services: Services, deps: PublicDeps = {}): Router {
  const ctx = contextOf(services, deps);
  const router = Router();
  const limit = limiters(deps.limits ?? {}, (_req, res) => problem(ctx, res, 429, 'Please slow down a little', 'We had a lot of requests from your connection. Please wait a minute and try again.'));
  const form = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 20 });
  // RFC 8058 lets a mail client send the one-click body as multipart/form-data.
  const multipart = express.text({ type: 'multipart/form-data', limit: '8kb' });

  router.get(ctx.pages.stylesheet.path, (_req, res) => {
    res.set({ 'Cache-Control': 'public, max-age=31536000, immutable', 'Content-Type': 'text/css; charset=utf-8' }).send(ctx.pages.stylesheet.body);
  });
  router.use(PREFIXES, pageHeaders());
  router.get(at('landing'), limit.pages, showLanding(ctx));
  router.post(at('landing', '/feedback'), limit.actions, form, feedback(ctx));
  router.post(at('redeem'), limit.actions, form, redeem(ctx));
  router.get(at('click'), limit.pages, click(ctx));
  router.get(at('open'), limit.pixels, openPixel(ctx));
  router.get(at('unsubscribe'), limit.pages, confirmUnsubscribe(ctx));
  router.post(at('unsubscribe'), limit.actions, form, multipart, doUnsubscribe(ctx));
  // A link cut off before its token still gets a page that says what to do.
  router.get(PREFIXES, (_req, res) => notFound(ctx, res));
  router.all(PATHS, (req, res) => {
    const under = (purpose: keyof typeof LINK_ROUTES) => req.path.startsWith(`${LINK_ROUTES[purpose]}/`);
    const allow = under('redeem') || req.path.endsWith('/feedback') ? 'POST' : under('unsubscribe') ? 'GET, HEAD, POST' : 'GET, HEAD';
    res.set('Allow', allow);
    problem(ctx, res, 405, 'This link does not work that way', 'Please open the link from the email, or use the buttons on the page.');
  });
  router.use(PREFIXES, pageErrors(ctx));
  return router;
}

function contextOf(services: Services, deps: PublicDeps): PublicContext {
  const config = services.config;
  const publicUrl = new URL(config.publicUrl);
  const shop = { name: config.shop.name, postalAddress: config.postalAddress, timeZone: config.shop.timeZone };
  const base = publicUrl.pathname.replace(/\/+$/, '');
  const targets = new LinkTargets(services.db);
  const tracking = new TrackingLog(services.db);
  return {
    db: services.db,
    clock: services.clock,
    logger: services.logger,
    signer: deps.signer ?? services.signer(),
    csrf: createCsrf(deps.keys ?? { current: services.secret().key, previous: config.previousSecretKeys }),
    pages: new PageRenderer(deps.pagesDir ?? path.join(config.viewsDir, 'pages'), { ...shop, home: `${publicUrl.origin}/` }, base),
    landings: new RenderedPages(),
    targets,
    tracking,
    views: new LandingViews(services.db, targets),
    issuer: new CodeIssuer(services.db),
    shop,
    shopHome: `${publicUrl.origin}/`,
    base,
  };
}

/**
 * A strict CSP of our own, replacing the app's: no scripts at all, styles and images from us
 * only, forms posting only to us. The token is in the path: never hand it to the video host or
 * the shop in a Referer. The app has set helmet's other security headers already. Fixed
 * values, set by one middleware: three (helmet's two and ours) cost three trips through the router.
 */
const PAGE_HEADERS: readonly (readonly [string, string])[] = [
  ['Content-Security-Policy', "default-src 'none';style-src 'self';img-src 'self';form-action 'self';base-uri 'none';frame-ancestors 'none'"],
  ['Referrer-Policy', 'no-referrer'],
  ['X-Robots-Tag', 'noindex'],
];

function pageHeaders(): RequestHandler {
  return (_req, res, next) => {
    for (const [name, value] of PAGE_HEADERS) res.setHeader(name, value);
    next();
  };
}

/** Errors on these paths become pages, not the API's JSON; the log gets the route, never the token. */
function pageErrors(ctx: PublicContext): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    const status = typeof error?.status === 'number' ? error.status : 500;
    if (status === 413) return problem(ctx, res, 413, 'That was more than we can take', 'Please shorten your message to a few thousand characters and send it again.');
    if (status >= 400 && status < 500) return problem(ctx, res, 400, 'We could not read that', 'Please go back, reload the page and try again.');
    ctx.logger.error({ err: { name: error?.name, message: error?.message }, route: loggablePath(req.originalUrl) }, 'a public page failed');
    problem(ctx, res, 500, 'Something went wrong on our side', 'It is our mistake, not yours, and it has been logged. Please try again in a few minutes.');
  };
}
