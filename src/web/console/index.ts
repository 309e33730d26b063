/**
 * The console under /console: its assets, sign-in, then every page behind the session. Each
 * section's routes live in their own module and are mounted here, in one place.
 */
import path from 'node:path';
import { RequestHandler, Router } from 'express';
import type { Services } from '../../wiring';
import { ConsoleRenderer } from './render';
import { requireRole, StaffRole } from './staff';

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
