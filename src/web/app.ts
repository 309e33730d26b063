/** The express app: health check, the JSON API, webhooks, the customer's pages; errors mapped in one place. */
import express, { Express } from 'express';
import helmet from 'helmet';
import pinoHttp from 'pino-http';
import type { Services } from '../wiring';
import { errorHandler, sendError } from './errors';
import { apiRoutes } from './routes/api';
import { checkoutRoutes } from './routes/checkout';
import { PublicDeps, publicRoutes, redactLinkPath } from './routes/public';
import { webhookRoutes } from './routes/webhooks';
import { reportRoutes } from './routes/reports';

/** `publicDeps` lets tests and benchmarks set the public routes' rate limits or signer. */
export function createApp(services: Services, options: { publicDeps?: PublicDeps } = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(helmet());
  app.use(
    pinoHttp({
      logger: services.logger,
      // The path only, with link tokens cut out: tokens are bearer credentials, query strings
      // may carry them, and bodies carry customers' emails.
      serializers: { req: (req) => ({ method: req.method, path: redactLinkPath(String(req.url).split('?')[0]) }), res: (res) => ({ status: res.statusCode }) },
    }),
  );
  app.get('/healthz', async (_req, res) => {
    await services.db.reader.query('SELECT 1');
    res.json({ status: 'ok' });
  });
  // Checkout first: its own small JSON body limit must read the body before the API's larger one.
  app.use('/api', checkoutRoutes(services));
  app.use('/api', apiRoutes(services));
  app.use('/api', reportRoutes(services));
  app.use('/webhooks', webhookRoutes(services));
  app.use(publicRoutes(services, options.publicDeps));
  app.use((_req, res) => sendError(res, 404, 'not_found', 'no such route'));
  app.use(errorHandler(services.logger));
  return app;
}
