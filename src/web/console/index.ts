/**
 * The console under /console: its assets, sign-in, then every page behind the session. Each
 * section's routes live in their own module and are mounted here, in one place.
 */
import path from 'node:path';
import { Router } from 'express';
import type { Services } from '../../wiring';
import { ConsoleRenderer } from './render';

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
