/**
 * GET /api/customers/:id/advice over real HTTP. The router is mounted here on a small app with
 * the real auth and error handler, exactly as src/web/routes/api.ts mounts it under /api.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { fitModels } from '../../../src/scoring/fitService';
import { adviceRoutes } from '../../../src/web/routes/advice';
import { errorHandler } from '../../../src/web/errors';
import type { TestServices } from '../../support/services';
import { cdnowShop } from '../../integration/scoring/cdnowShop';

describe('the offer advisor API', () => {
  let s: TestServices;
  let server: Server;
  let base: string;
  const keys: Record<string, string> = {};

  const get = async (path: string, role?: string) => {
    const response = await fetch(base + path, { headers: role ? { authorization: `Bearer ${keys[role]}` } : {} });
    return { status: response.status, body: (await response.json()) as any };
  };

  beforeAll(async () => {
    s = await cdnowShop();
    const app = express();
    app.use('/api', adviceRoutes(s));
    app.use(errorHandler(s.logger));
    server = await new Promise((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const role of ['owner', 'marketer', 'checkout'] as const) keys[role] = (await s.apiKeys.create(role)).key;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await s.dispose();
  });

  it('answers 409 with what to run before any model is fitted', async () => {
    expect(await get('/api/customers/1234/advice', 'marketer')).toEqual({
      status: 409,
      body: { error: { code: 'conflict', message: expect.stringContaining('run `rekindle fit` first') } },
    });
  });

  it('gives marketers and owners the advice; 401 without a key, 403 for checkout', async () => {
    await fitModels(s, { calibrationEnd: '1997-09-30' });
    const advice = await get('/api/customers/cdnow-1234%40example.com/advice', 'marketer');
    expect(advice.status).toBe(200);
    expect(advice.body).toMatchObject({ currency: 'USD', asOf: '1997-09-30', steps: { boundBy: 'value' }, offer: { id: 'credit' }, treatment: 'offer' });
    expect(advice.body.sentences.length).toBeGreaterThan(3);
    // Money is a decimal string in the shop currency, as everywhere in our JSON; probabilities and counts stay numbers.
    const { statistics, steps, inputs } = advice.body;
    for (const field of ['expectedSpend', 'clvAsIs', 'clvIfWon', 'valueOfWinBack']) {
      expect(statistics[field]).toMatch(/^-?\d+\.\d{2}$/);
      expect(statistics[field]).toBe(steps[field]);
    }
    expect(inputs.monetary).toMatch(/^\d+\.\d{2}$/);
    expect([typeof statistics.pAlive, typeof statistics.expectedPurchases, typeof inputs.x]).toEqual(['number', 'number', 'number']);
    expect((await get('/api/customers/1234/advice', 'owner')).body.steps).toEqual(advice.body.steps);
    expect((await get('/api/customers/1234/advice')).status).toBe(401);
    expect((await get('/api/customers/1234/advice', 'checkout')).status).toBe(403);
  });

  it('404 for an unknown customer, 400 for a bad asOf', async () => {
    expect(await get('/api/customers/99999/advice', 'marketer')).toEqual({
      status: 404,
      body: { error: { code: 'not_found', message: expect.stringContaining('no customer has the email, shop customer id or id "99999"') } },
    });
    expect(await get('/api/customers/1234/advice?asOf=1997-13-01', 'marketer')).toEqual({
      status: 400,
      body: { error: { code: 'invalid_input', field: 'as-of', message: 'as-of: "1997-13-01" is not a calendar day like 1997-09-30' } },
    });
    expect((await get('/api/customers/1234/advice?asOf=1998-06-30', 'marketer')).body.asOf).toBe('1998-06-30');
  });
});
