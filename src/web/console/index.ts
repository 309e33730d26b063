/**
 * The console under /console: its assets, sign-in, then every page behind the session. Each
 * section's routes live in their own module and are mounted here, in one place.
 */
import path from 'node:path';
import { ErrorRequestHandler, RequestHandler, Router } from 'express';
import helmet from 'helmet';
import { ConflictError, ForbiddenError as DomainForbidden, InputError, NotFoundError } from '../../domain/errors';
import type { Services } from '../../wiring';
import { closeIfUnread } from '../errors';
import { loggablePath } from '../logPaths';
import { customersRoutes } from './customers';
import { feedbackRoutes } from './feedback';
import { importRoutes } from './import';
import { incidentsRoutes } from './incidents';
import { modelRoutes } from './model';
import { keysRoutes } from './keys';
import { outboxRoutes } from './outbox';
import { overviewRoutes } from './overview';
import { campaignsRoutes } from './campaigns';
import { ConsoleRenderer } from './render';
import { requireCsrf, requireSession } from './session';
import { signInRoutes } from './signIn';
import { ForbiddenError, requireRole, StaffRole } from './staff';
import { usersRoutes } from './users';

export interface ConsoleContext {
  services: Services;
  views: ConsoleRenderer;
}

export function consoleContext(services: Services, viewsDir = path.join(services.config.viewsDir, 'console')): ConsoleContext {
  const base = new URL(services.config.publicUrl).pathname.replace(/\/+$/, '');
  return { services, views: new ConsoleRenderer(viewsDir, base) };
}

/** The assets: long-cached under their content hash, readable before sign-in (the sign-in page uses the stylesheet). */
export function consoleAssets(ctx: ConsoleContext): Router {
  const router = Router();
  for (const a of Object.values(ctx.views.assets)) {
    router.get(a.path, (_req, res) => {
      res.set({ 'Cache-Control': 'public, max-age=31536000, immutable', 'Content-Type': a.type }).send(a.body);
    });
  }
  return router;
}

/**
 * One console route. Every page module exports a table of these; `mountRoutes` applies the
 * roles, so a route cannot forget them, and the role test walks the same tables, so it cannot
 * forget a route.
 */
export interface ConsoleRoute {
  method: 'get' | 'post';
  /** Under /console, express syntax: `/campaigns/:name`. */
  path: string;
  /** Who may use it besides owners (owners pass everywhere): `['marketer']`, or `[]` for owners only. */
  roles: readonly StaffRole[];
  /** Body parsers and handler(s), in order. */
  handlers: (ctx: ConsoleContext) => RequestHandler[];
}

export function mountRoutes(router: Router, ctx: ConsoleContext, tables: readonly (readonly ConsoleRoute[])[]): void {
  for (const route of tables.flat()) router[route.method](route.path, requireRole(...route.roles), ...route.handlers(ctx));
}

/** Every route table the console mounts, in order; the role test walks this same list. */
export const CONSOLE_TABLES: readonly (readonly ConsoleRoute[])[] = [
  overviewRoutes,
  usersRoutes,
  keysRoutes,
  outboxRoutes,
  campaignsRoutes,
  modelRoutes,
  customersRoutes,
  incidentsRoutes,
  importRoutes,
  feedbackRoutes,
];

/**
 * The console's own CSP, replacing the app's: scripts and styles from us only (Chart.js is
 * served by us), no inline script, frames only from us (the outbox shows emails in one), and no
 * upgrade-insecure-requests, so `http://localhost` works while testing.
 */
const consoleHeaders: RequestHandler[] = [
  helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'"], imgSrc: ["'self'", 'data:'], frameSrc: ["'self'"],
      objectSrc: ["'none'"], formAction: ["'self'"], baseUri: ["'none'"], frameAncestors: ["'self'"],
    },
  }),
  helmet.referrerPolicy({ policy: 'same-origin' }),
  (_req, res, next) => {
    res.set({ 'X-Robots-Tag': 'noindex', 'Cache-Control': 'no-store' });
    next();
  },
];

/** The whole console, mounted by the app at `/console`: assets, sign-in, then every page behind the session and its CSRF check. */
export function consoleRoutes(services: Services, tables: readonly (readonly ConsoleRoute[])[] = CONSOLE_TABLES): Router {
  const ctx = consoleContext(services);
  const router = Router();
  router.use(consoleAssets(ctx));
  router.use(consoleHeaders);
  router.use(signInRoutes(ctx));
  router.use(requireSession(ctx), requireCsrf(ctx));
  mountRoutes(router, ctx, tables);
  router.use((_req, res) => {
    ctx.views.page(res, 'error', { title: 'Page not found', section: '', message: 'There is no console page at this address. It may have moved, or the link was cut short.' }, 404);
  });
  router.use(consoleErrors(ctx));
  return router;
}

/** Errors under /console become pages in the layout (or the bare layout before sign-in), never the API's JSON. */
function consoleErrors(ctx: ConsoleContext): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    closeIfUnread(req, res);
    const show = (status: number, title: string, message: string, view = 'error') =>
      res.locals.staff ? ctx.views.page(res, view, { title, section: '', message }, status) : ctx.views.bare(res, view, { title, message }, status);
    if (error instanceof ForbiddenError || error instanceof DomainForbidden) return show(403, 'Not for your role', error.message, 'forbidden');
    if (error instanceof NotFoundError) return show(404, 'Not found', error.message);
    if (error instanceof InputError) return show(400, 'That did not work', error.message);
    if (error instanceof ConflictError) return show(409, 'That did not work', error.message);
    const status = typeof error?.status === 'number' ? error.status : 500;
    if (status === 413) return show(413, 'Too large', 'That was larger than this page accepts.');
    if (status >= 400 && status < 500) return show(400, 'We could not read that', 'Go back, reload the page and try again.');
    ctx.services.logger.error({ err: error, path: loggablePath(req.originalUrl) }, 'a console page failed');
    show(500, 'Something went wrong', 'Something went wrong on our side; it has been logged. Try again in a minute.');
  };
}
