/**
 * The app as `rekindle serve` builds it, with the customer's routes mounted the way
 * src/web/app.ts is asked to mount them: the checkout API before the rest of /api (its own small
 * body limit), the public routes at `/`, then everything createApp serves.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import helmet from 'helmet';
import { createApp } from '../../src/web/app';
import { errorHandler } from '../../src/web/errors';
import { checkoutRoutes } from '../../src/web/routes/checkout';
import { publicRoutes, PublicDeps } from '../../src/web/routes/public';
import type { Services } from '../../src/wiring';

export function customerApp(services: Services, deps: PublicDeps = {}): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(helmet());
  app.use('/api', checkoutRoutes(services));
  app.use(publicRoutes(services, deps));
  app.use(createApp(services));
  app.use(errorHandler(services.logger));
  return app;
}

export interface Listening {
  url: (path: string) => string;
  close: () => Promise<void>;
}

export async function listenCustomer(services: Services, deps: PublicDeps = {}, port = 0): Promise<Listening> {
  const server: Server = await new Promise((resolve) => {
    const s = customerApp(services, deps).listen(port, '127.0.0.1', () => resolve(s));
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: (path) => `http://127.0.0.1:${bound}${path}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

