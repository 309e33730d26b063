/** The app as `rekindle serve` builds it, with the public routes' options a test chooses. */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { createApp } from '../../src/web/app';
import type { PublicDeps } from '../../src/web/routes/public';
import type { Services } from '../../src/wiring';

export function customerApp(services: Services, deps: PublicDeps = {}): express.Express {
  return createApp(services, { publicDeps: deps });
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

