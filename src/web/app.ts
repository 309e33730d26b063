/** The express app: health check, the JSON API, webhooks, the customer's pages; errors mapped in one place. */
import express, { Express } from 'express';
import type { Services } from '../wiring';
import { perAddress, perKey } from './apiLimits';
import { authenticate } from './auth';
import { consoleRoutes } from './console';
import { errorHandler, sendError } from './errors';
import { apiRoutes } from './routes/api';
import { checkoutRoutes } from './routes/checkout';
import { PublicDeps, publicRoutes } from './routes/public';
import { requestLog } from './requestLog';
import { webhookRoutes } from './routes/webhooks';
import { reportRoutes } from './routes/reports';
import { privacyRoutes } from './routes/privacy';
import { securityHeaders } from './securityHeaders';

/** `publicDeps` lets tests and benchmarks set the public routes' rate limits or signer. */
export function createApp(services: Services, options: { publicDeps?: PublicDeps } = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(securityHeaders());
  // The route only (see logPaths): link tokens and customers cut out of the path, no query
  // string, no body (bodies carry customers' emails).
  app.use(requestLog(services.logger));
  // The customer's pages first: they are the hot path (issue 16), and their router answers its own
  // paths only (/w, /r, /c, /o, /u, the stylesheet), so every other request passes through it.
  app.use(publicRoutes(services, options.publicDeps));
  app.get('/healthz', async (_req, res) => {
    await services.db.reader.query('SELECT 1');
    res.json({ status: 'ok' });
  });
  // Rate limits and the key are checked before any body is read; each route then reads its own.
  const limits = services.config.rateLimits;
  app.use('/api', perAddress(limits.perAddress), authenticate(services.apiKeys), perKey(limits.perKey));
  app.use('/api', checkoutRoutes(services));
  app.use('/api', apiRoutes(services));
  app.use('/api', reportRoutes(services));
  app.use('/api', privacyRoutes(services));
  app.use('/webhooks', perAddress(limits.perAddress), webhookRoutes(services));
  app.use('/console', consoleRoutes(services));
  app.use((_req, res) => sendError(res, 404, 'not_found', 'no such route'));
  app.use(errorHandler(services.logger));
  return app;
}
