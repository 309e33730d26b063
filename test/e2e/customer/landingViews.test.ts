/**
 * A landing page's view is recorded and its link target read in one statement per group of
 * concurrent views (src/customer/landingViews.ts, issue 16). Each page must still be its own
 * customer's, each view its own send's, committed before the page is sent, and nothing the
 * page shows may be older than the request, whoever changed it.
 */
import { seedOffers, tokensFor } from '../../support/campaignFixtures';
import type { Listening } from '../../support/customerApp';
import { withCustomerServer } from '../../support/customerServer';
import { databaseUrlOf, queryDatabase } from '../../support/testDatabase';
import type { TestServices } from '../../support/services';
import { formTo, postForm } from './pageForms';

describe('landing views, recorded with the read of their link targets', () => {
  let s: TestServices;
  let http: Listening;
  withCustomerServer({ SHOP_NAME: 'Bean There' }, { limits: { pages: 10_000, actions: 1000 } }, (env) => ({ s, http } = env));

  const page = async (p: string) => {
    const response = await fetch(http.url(p), { redirect: 'manual' });
    expect(response.status).toBe(200);
    return response.text();
  };
  const views = (sendId: number) => s.db.reader.query("SELECT customer_id, run_id, send_id FROM events WHERE type = 'landing' AND send_id = $1", [sendId]);

  it('serves 30 concurrent first-time and repeated views each its own page and view', async () => {
    const offers = await seedOffers(s.db, 30);
    await s.db.write((tx) => tx.query(`UPDATE customers SET first_name = 'Reader' || id WHERE id IN (${offers.map((o) => o.customerId).join(', ')})`));
    const paths = offers.map((o) => `/w/${tokensFor(s.signer(), o.sendId).landing}`);
    for (const round of [1, 2]) {
      const pages = await Promise.all(paths.map(page));
      offers.forEach((o, i) => {
        expect(pages[i]).toContain(`Reader${o.customerId}`);
        for (const other of [offers[(i + 1) % offers.length], offers[(i + 7) % offers.length]]) expect(pages[i]).not.toContain(`Reader${other.customerId}<`);
      });
      for (const o of offers) expect(await views(o.sendId)).toEqual(Array.from({ length: round }, () => ({ customer_id: o.customerId, run_id: o.runId, send_id: o.sendId })));
    }
  });

  it('records no view and answers 404 for a signed link whose send does not exist, and still serves its neighbours', async () => {
    const [offer] = await seedOffers(s.db, 1);
    const missing = offer.sendId + 1000;
    const [gone, there] = await Promise.all([fetch(http.url(`/w/${tokensFor(s.signer(), missing).landing}`)), fetch(http.url(`/w/${tokensFor(s.signer(), offer.sendId).landing}`))]);
    expect(gone.status).toBe(404);
    expect(there.status).toBe(200);
    expect(await views(missing)).toEqual([]);
    expect(await views(offer.sendId)).toHaveLength(1);
  });

  it('shows what another process changed (a new name, a code issued and redeemed) on the next view', async () => {
    const [offer] = await seedOffers(s.db, 1, { firstName: 'Maria' });
    const landing = `/w/${tokensFor(s.signer(), offer.sendId).landing}`;
    const before = await page(landing);
    expect(before).toContain('Maria');
    const form = formTo(before, '/r/');
    expect((await postForm(http.url(form.action), form.fields)).status).toBe(303);
    const [{ code }] = await s.db.reader.query('SELECT code FROM codes WHERE enrolment_id = $1', [offer.enrolmentId]);
    expect(await page(landing)).toContain(code);
    // Another connection to the same database, as `rekindle import` in another process would be.
    const other = (sql: string, params: unknown[]) => queryDatabase(databaseUrlOf(s), sql, params, true);
    await other('UPDATE customers SET first_name = $1 WHERE id = $2', ['Mariella', offer.customerId]);
    await other('UPDATE codes SET redeemed_at = $1 WHERE enrolment_id = $2', ['2025-06-20T09:00:00.000Z', offer.enrolmentId]);
    const after = await page(landing);
    expect(after).toContain('Mariella');
    expect(after).toContain('You used it on 20 June 2025');
  });
});
