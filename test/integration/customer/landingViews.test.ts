/**
 * Landing views recorded with their link targets read, one statement per group of concurrent
 * views (src/customer/landingViews.ts, issue 16): the read's own trip to the driver's thread
 * pool was most of a repeated page's server CPU.
 */
import { TrackingLog } from '../../../src/customer/events';
import { LandingViews } from '../../../src/customer/landingViews';
import { LinkTargets } from '../../../src/customer/linkTarget';
import { CodeIssuer } from '../../../src/customer/codes';
import { anIncident, NOW, seedOffers } from '../../support/campaignFixtures';
import { testServices, TestServices } from '../../support/services';

describe('landing views', () => {
  let s: TestServices;
  let targets: LinkTargets;
  let views: LandingViews;

  beforeAll(async () => {
    s = await testServices({}, () => NOW);
    targets = new LinkTargets(s.db);
    views = new LandingViews(s.db, targets, new TrackingLog(s.db));
  });
  afterAll(() => s.dispose());

  const recorded = (sendId: number) => s.db.reader.query("SELECT customer_id, run_id, send_id, at, data FROM events WHERE type = 'landing' AND send_id = ? ORDER BY id", [sendId]);

  it('answers 30 concurrent views of different sends (and one send twice) each with its own target, as load() reads it, in two statements', async () => {
    const incidentId = await anIncident(s.db, { title: 'Late parcels' });
    const offers = [...(await seedOffers(s.db, 20)), ...(await seedOffers(s.db, 10, { incidentId, treatment: 'make-good', rung: null, firstName: null }))];
    const [issued] = offers;
    await new CodeIssuer(s.db).issue(issued.sendId, NOW);
    // Loaded first, so the runs' definitions are already kept and every trip below is a view's.
    const expected = await Promise.all(offers.map((o) => targets.load(String(o.sendId))));
    const sendIds = [...offers.map((o) => o.sendId), issued.sendId];
    const hot = s.db.hot as unknown as Record<'rows' | 'writeRows' | 'writeOne', (...args: unknown[]) => unknown>;
    const saved = { rows: hot.rows, writeRows: hot.writeRows, writeOne: hot.writeOne };
    let trips = 0;
    for (const name of ['rows', 'writeRows', 'writeOne'] as const) {
      hot[name] = (...args: unknown[]) => {
        trips++;
        return saved[name].apply(s.db.hot, args);
      };
    }
    let got;
    try {
      got = await Promise.all(sendIds.map((id) => views.record(String(id), NOW)));
    } finally {
      Object.assign(hot, saved);
    }
    // The first view finds the queue idle and goes alone; the other 30 wait and go together. A read
    // and a write per view were 31 reads and two grouped writes.
    expect(trips).toBe(2);
    expect(got).toEqual([...expected, expected[0]]);
    expect(got[0]?.code).toEqual({ code: expect.stringMatching(/^WELCOME-/), expiresAt: expect.any(String), redeemedAt: null });
    expect(got[25]).toMatchObject({ incidentId, treatment: 'make-good', firstName: null, offer: null });
    for (const o of offers) {
      expect(await recorded(o.sendId)).toEqual(Array.from({ length: o === issued ? 2 : 1 }, () => ({ customer_id: o.customerId, run_id: o.runId, send_id: o.sendId, at: NOW.toISOString(), data: null })));
    }
  });

  it('returns null and records nothing for a send that does not exist or a send id that cannot name one', async () => {
    const [offer] = await seedOffers(s.db, 1);
    const [missing, malformed, there] = await Promise.all([views.record(String(offer.sendId + 500), NOW), views.record('12abc', NOW), views.record(String(offer.sendId), NOW)]);
    expect(missing).toBeNull();
    expect(malformed).toBeNull();
    expect(there?.sendId).toBe(offer.sendId);
    expect(await recorded(offer.sendId + 500)).toEqual([]);
    expect(await recorded(offer.sendId)).toHaveLength(1);
  });

  it('reads the target as it is when the view is written: a code issued after an earlier view is on the next one', async () => {
    const [offer] = await seedOffers(s.db, 1);
    expect((await views.record(String(offer.sendId), NOW))?.code).toBeNull();
    await new CodeIssuer(s.db).issue(offer.sendId, NOW);
    expect((await views.record(String(offer.sendId), NOW))?.code?.code).toMatch(/^WELCOME-/);
  });
});
