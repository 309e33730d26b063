/** The express app: public health check, the JSON API, webhooks; errors mapped in one place. */
import express, { Express } from 'express';
import helmet from 'helmet';
import pinoHttp from 'pino-http';
import type { Services } from '../wiring';
import { errorHandler, sendError } from './errors';
import { apiRoutes } from './routes/api';
import { webhookRoutes } from './routes/webhooks';

export function createApp(services: Services): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(helmet());
  app.use(
    pinoHttp({
      logger: services.logger,
      // The path only: query strings may carry tokens, and bodies carry customers' emails.
      serializers: { req: (req) => ({ method: req.method, path: String(req.url).split('?')[0] }), res: (res) => ({ status: res.statusCode }) },
    }),
  );
  app.get('/healthz', async (_req, res) => {
    await services.db.reader.query('SELECT 1');
    res.json({ status: 'ok' });
  });
  app.use('/api', apiRoutes(services));
  app.use('/webhooks', webhookRoutes(services));
  app.use((_req, res) => sendError(res, 404, 'not_found', 'no such route'));
  app.use(errorHandler(services.logger));
  return app;
}
