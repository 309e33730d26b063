/**
 * A `worker` or `serve` process runs pass after pass with one dispatcher: its compose threads
 * (only in the build, so this test loads the built modules) start once, at the first pass with
 * a full batch, and serve the later passes, until the services close. Starting them again every
 * pass cost about a CPU second each time (the thread loads the composer and MJML).
 */
import path from 'node:path';
import pino from 'pino';
import { lapsedCustomers, openShop, Shop } from '../../support/campaignShop';

const DIST = path.resolve(__dirname, '../../../dist/src');
const { parseSettings } = require(`${DIST}/config`) as typeof import('../../../src/config');
const { wire } = require(`${DIST}/wiring`) as typeof import('../../../src/wiring');
const { ComposeThreads } = require(`${DIST}/campaigns/composeThreads`) as typeof import('../../../src/campaigns/composeThreads');

describe('compose threads across passes', () => {
  let shop: Shop;
  const now = new Date('2025-06-02T08:05:00.000Z');

  beforeAll(async () => {
    shop = await openShop({ customers: lapsedCustomers(20) });
    await shop.services.campaigns().launch('nostalgia-winback', {});
    await shop.release();
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await shop?.dispose();
  });

  it('are started by the first full pass, kept by the next one, and ended when the services close', async () => {
    const started = jest.spyOn(ComposeThreads, 'start');
    const services = await wire(parseSettings(shop.env), { clock: () => now, logger: pino({ level: 'silent' }) });
    const dispatcher = services.dispatcher({ batchSize: 4, concurrency: 2 });
    // The first pass is stopped after its first batch, as a SIGTERM would: the second finds the rest due.
    const stopping = new AbortController();
    const first = await dispatcher.dispatchOnce({ signal: stopping.signal, onProgress: (settled) => settled > 0 && stopping.abort() });
    const second = await dispatcher.dispatchOnce();
    expect(first.sent).toBeGreaterThan(0);
    expect(second.sent).toBeGreaterThanOrEqual(4);
    expect(second.released + (await dispatcher.dispatchOnce()).sent).toBe(0);
    expect(started).toHaveBeenCalledTimes(1);
    const threads = started.mock.results[0].value as NonNullable<ReturnType<typeof ComposeThreads.start>>;
    expect(threads).not.toBeNull();
    const closed = jest.spyOn(threads, 'close');
    await services.close();
    expect(closed).toHaveBeenCalledTimes(1);
    // Closed, they compose nothing more.
    expect(threads.failed).toBe(true);
  });
});
