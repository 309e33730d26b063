/** The app as `rekindle serve` builds it, on 127.0.0.1 and a free port, for the demo's simulated customers. */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createApp } from '../web/app';
import type { Services } from '../wiring';

export interface LoopbackApp {
  base: string;
  close(): Promise<void>;
}

/** Every simulated customer comes from 127.0.0.1: the per-address rate limits would turn most away. */
const UNLIMITED = { pages: 1e9, actions: 1e9, pixels: 1e9 };

export async function listenOnLoopback(services: Services): Promise<LoopbackApp> {
  const server: Server = await new Promise((resolve, reject) => {
    const s = createApp(services, { publicDeps: { limits: UNLIMITED } }).listen(0, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
