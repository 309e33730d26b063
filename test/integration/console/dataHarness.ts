/**
 * The data pages (model, customers, incidents, import) served on loopback with a signed-in
 * marketer stood in, until the console's sign-in is on this branch: the route tables, the
 * renderer and the views are the real ones.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { InputError, NotFoundError } from '../../../src/domain/errors';
import type { Services } from '../../../src/wiring';
import { consoleAssets, consoleContext, mountRoutes } from '../../../src/web/console/index';
import { customersRoutes } from '../../../src/web/console/customers';
import { importRoutes } from '../../../src/web/console/import';
import { incidentsRoutes } from '../../../src/web/console/incidents';
import { modelRoutes } from '../../../src/web/console/model';

export async function serveDataPages(services: Services): Promise<{ url: (path: string) => string; close: () => Promise<void> }> {
  const ctx = consoleContext(services);
  const app = express();
  const router = express.Router();
  router.use(consoleAssets(ctx));
  router.use((_req, res, next) => {
    res.locals.staff = { id: 1, email: 'marketer@shop.example', name: 'Mara Keting', role: 'marketer' };
    res.locals.csrfToken = 'test-token';
    next();
  });
  mountRoutes(router, ctx, [modelRoutes, customersRoutes, incidentsRoutes, importRoutes]);
  app.use('/console', router);
  // The console's own error pages come with the sign-in; until then, the statuses they use.
  app.use(((error, _req, res, _next) => {
    const status = error instanceof NotFoundError ? 404 : error instanceof InputError ? 400 : 500;
    if (status === 500) console.error(error);
    res.status(status).type('text').send(String(error?.message));
  }) as express.ErrorRequestHandler);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}/console${path}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
