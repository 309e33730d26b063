/** Every response carries the security headers helmet's defaults set, worked out once at start-up (src/web/securityHeaders.ts). */
import type { AddressInfo } from 'node:net';
import express from 'express';
import helmet from 'helmet';
import { anOffer, tokensFor } from '../support/campaignFixtures';
import type { Listening } from '../support/customerApp';
import { withCustomerServer } from '../support/customerServer';
import type { TestServices } from '../support/services';

/** What helmet() itself sends, from a plain express app with nothing else. */
async function helmetsOwn(): Promise<Map<string, string>> {
  const app = express();
  app.use(helmet());
  app.get('/', (_req, res) => res.status(204).end());
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const transport = new Set(['date', 'connection', 'keep-alive']);
    return new Map([...response.headers].filter(([name]) => !transport.has(name)));
  } finally {
    server.close();
  }
}

describe('security headers', () => {
  let s: TestServices;
  let http: Listening;
  withCustomerServer({}, {}, (env) => ({ s, http } = env));

  it('are helmet\'s own on the API\'s responses, and on the customer\'s pages but for the pages\' stricter CSP and referrer policy', async () => {
    const expected = await helmetsOwn();
    expect(expected.size).toBeGreaterThanOrEqual(10);
    const health = await fetch(http.url('/healthz'));
    for (const [name, value] of expected) expect([name, health.headers.get(name)]).toEqual([name, value]);
    expect(health.headers.get('x-powered-by')).toBeNull();
    const offer = await anOffer(s.db);
    for (const path of [`/w/${tokensFor(s.signer(), offer.sendId).landing}`, '/w/not-a-token', '/api/customers']) {
      const response = await fetch(http.url(path));
      for (const [name, value] of expected) {
        if (path.startsWith('/w/') && (name === 'content-security-policy' || name === 'referrer-policy')) continue;
        expect([path, name, response.headers.get(name)]).toEqual([path, name, value]);
      }
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
  });
});
