/**
 * The compose threads (src/campaigns/composeThreads.ts) only exist in the build, so this test
 * loads the built modules: for real sends, a thread must produce byte for byte the message the
 * dispatcher's own composer produces (signed links, Message-ID, boundaries and all), and a
 * template error must come back as an error, not hang.
 */
import path from 'node:path';
import pino from 'pino';
import { lapsedCustomers, openShop, Shop } from '../../support/campaignShop';

const DIST = path.resolve(__dirname, '../../../dist/src');
const { parseSettings } = require(`${DIST}/config`) as typeof import('../../../src/config');
const { wire } = require(`${DIST}/wiring`) as typeof import('../../../src/wiring');
const { ComposeThreads } = require(`${DIST}/campaigns/composeThreads`) as typeof import('../../../src/campaigns/composeThreads');
const { SendStore } = require(`${DIST}/campaigns/sendStore`) as typeof import('../../../src/campaigns/sendStore');
const { loadRuns } = require(`${DIST}/campaigns/runInfo`) as typeof import('../../../src/campaigns/runInfo');
const { loadContexts } = require(`${DIST}/campaigns/sendContext`) as typeof import('../../../src/campaigns/sendContext');

describe('compose threads', () => {
  let shop: Shop;
  let services: Awaited<ReturnType<typeof wire>>;
  let threads: ReturnType<typeof ComposeThreads.start>;
  const now = new Date('2025-06-02T08:05:00.000Z');

  beforeAll(async () => {
    shop = await openShop({ customers: lapsedCustomers(12) });
    await shop.services.campaigns().launch('nostalgia-winback', {});
    await shop.release();
    services = await wire(parseSettings(shop.env), { clock: () => now, logger: pino({ level: 'silent' }) });
  });
  afterAll(async () => {
    await threads?.close();
    await services?.close();
    await shop?.dispose();
  });

  it('build exactly the bytes the dispatcher\'s own composer builds', async () => {
    const due = await new SendStore(services.db).due(now, 100);
    expect(due.length).toBeGreaterThan(5);
    const runs = await loadRuns(services.db, [due[0].runId], services.config.viewsDir);
    const run = runs.get(due[0].runId)!;
    const contexts = [...(await loadContexts(services.db, due, new Date(0))).values()];
    threads = ComposeThreads.start(services.composer().threadSetup(), 2);
    expect(threads).not.toBeNull();
    threads!.newBatch();
    const fromThreads = await Promise.all(contexts.map((ctx) => threads!.compose(ctx, run, now)));
    const inThread = await Promise.all(contexts.map((ctx) => services.composer().compose(ctx, run, now)));
    expect(fromThreads.map((m) => m.messageId)).toEqual(inThread.map((m) => m.messageId));
    fromThreads.forEach((m, i) => {
      expect(Buffer.isBuffer(m.raw)).toBe(true);
      expect(m.raw.equals(inThread[i].raw)).toBe(true);
      expect(m.envelope).toEqual(inThread[i].envelope);
    });
  });

  it('reports a send it cannot compose as an error', async () => {
    const due = await new SendStore(services.db).due(now, 1);
    const runs = await loadRuns(services.db, [due[0].runId], services.config.viewsDir);
    const [ctx] = (await loadContexts(services.db, due, new Date(0))).values();
    const broken = { ...runs.get(due[0].runId)!, id: 999, templateFiles: ['/nowhere/missing.mjml'] };
    await expect(threads!.compose({ ...ctx, send: { ...ctx.send, runId: 999 } }, broken, now)).rejects.toThrow(/missing\.mjml/);
  });
});
