/**
 * Landing views recorded with their link targets read, one statement per group of concurrent
 * views (src/customer/landingViews.ts, issue 16): the read's own trip to the driver's thread
 * pool was most of a repeated page's server CPU.
 */
import { incidentWords } from '../../../src/campaigns/runInfo';
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
    views = new LandingViews(s.db, targets);
  });
  afterAll(() => s.dispose());

  const recorded = (sendId: number) => s.db.reader.query("SELECT customer_id, run_id, send_id, at, data FROM events WHERE type = 'landing' AND send_id = $1 ORDER BY id", [sendId]);

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
    expect(got.map((v) => v?.target)).toEqual([...expected, expected[0]]);
    expect(got[0]?.target.code).toEqual({ code: expect.stringMatching(/^WELCOME-/), expiresAt: expect.any(String), redeemedAt: null });
    expect(got[25]?.target).toMatchObject({ incidentId, treatment: 'make-good', firstName: null, offer: null });
    expect(got[25]?.incident).toEqual(await incidentWords(s.db, incidentId));
    expect(got[0]?.incident).toBeNull();
    for (const o of offers) {
      expect(await recorded(o.sendId)).toEqual(Array.from({ length: o === issued ? 2 : 1 }, () => ({ customer_id: o.customerId, run_id: o.runId, send_id: o.sendId, at: NOW.toISOString(), data: null })));
    }
  });

  it('returns null and records nothing for a send that does not exist or a send id that cannot name one', async () => {
    const [offer] = await seedOffers(s.db, 1);
    const [missing, malformed, there] = await Promise.all([views.record(String(offer.sendId + 500), NOW), views.record('12abc', NOW), views.record(String(offer.sendId), NOW)]);
    expect(missing).toBeNull();
    expect(malformed).toBeNull();
    expect(there?.target.sendId).toBe(offer.sendId);
    expect(await recorded(offer.sendId + 500)).toEqual([]);
    expect(await recorded(offer.sendId)).toHaveLength(1);
  });

  it('reads the target as it is when the view is written: a code issued after an earlier view is on the next one', async () => {
    const [offer] = await seedOffers(s.db, 1);
    expect((await views.record(String(offer.sendId), NOW))?.target.code).toBeNull();
    await new CodeIssuer(s.db).issue(offer.sendId, NOW);
    expect((await views.record(String(offer.sendId), NOW))?.target.code?.code).toMatch(/^WELCOME-/);
  });

  it('reads an incident\'s words with the view, updates newest last and the resolution, without reading them again through TypeORM', async () => {
    const incidentId = await anIncident(s.db, { title: 'Broken grinders' });
    const [offer] = await seedOffers(s.db, 1, { incidentId, treatment: 'make-good', rung: null });
    const post = (kind: string, message: string) => s.db.write((tx) => tx.query('INSERT INTO incident_updates (incident_id, kind, message, at) VALUES ($1, $2, $3, $4)', [incidentId, kind, message, NOW.toISOString()]));
    await post('update', 'The first batch is fixed.');
    await post('update', 'The second batch is fixed.');
    const reader = s.db.reader as unknown as { query: (...args: unknown[]) => unknown };
    const query = reader.query;
    let reads = 0;
    reader.query = (...args: unknown[]) => {
      reads++;
      return query.apply(s.db.reader, args);
    };
    let first;
    try {
      first = await views.record(String(offer.sendId), NOW);
    } finally {
      reader.query = query;
    }
    expect(reads).toBe(0);
    expect(first?.incident).toEqual(await incidentWords(s.db, incidentId));
    expect(first?.incident).toMatchObject({ title: 'Broken grinders', update: 'The second batch is fixed.', updates: ['The first batch is fixed.', 'The second batch is fixed.'], whatChanged: null });
    await post('resolution', 'Every grinder is replaced.');
    const second = await views.record(String(offer.sendId), NOW);
    expect(second?.incident).toEqual(await incidentWords(s.db, incidentId));
    expect(second?.incident?.whatChanged).toBe('Every grinder is replaced.');
  });
});
