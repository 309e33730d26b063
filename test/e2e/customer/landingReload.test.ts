/**
 * The landing page is rendered once per link and state and served again while nothing it shows
 * has changed (src/web/customer/renderedPages.ts). Each test loads a page, changes one thing the
 * page depends on, and loads it again: the second page must show the change.
 */
import { aDefinition, anIncident, anOffer, NOW, tokensFor } from '../../support/campaignFixtures';
import type { Listening } from '../../support/customerApp';
import { withCustomerServer } from '../../support/customerServer';
import type { TestServices } from '../../support/services';
import { formTo, postForm } from './pageForms';

describe('reloading the welcome-back page', () => {
  let s: TestServices;
  let http: Listening;
  let now = NOW;
  withCustomerServer({ SHOP_NAME: 'Bean There' }, { limits: { actions: 1000 } }, (env) => ({ s, http } = env), () => now);
  beforeEach(() => {
    now = NOW;
  });

  const page = async (path: string) => {
    const response = await fetch(http.url(path), { redirect: 'manual' });
    expect(response.status).toBe(200);
    return response.text();
  };
  const at = (iso: string) => {
    now = new Date(iso);
  };
  const LATER_LINK = new Date('2025-09-01T00:00:00Z');

  it('shows the code, and no button, once the offer is redeemed; every view is still recorded', async () => {
    const offer = await anOffer(s.db);
    const landing = `/w/${tokensFor(s.signer(), offer.sendId).landing}`;
    const first = await page(landing);
    expect(await page(landing)).toBe(first);
    const form = formTo(first, '/r/');
    expect((await postForm(http.url(form.action), form.fields)).status).toBe(303);
    const [{ code }] = await s.db.reader.query('SELECT code FROM codes WHERE enrolment_id = $1', [offer.enrolmentId]);
    const after = await page(landing);
    expect(after).toContain(code);
    expect(after).not.toContain('Show my code');
    expect(await s.db.reader.query("SELECT CAST(COUNT(*) AS INTEGER) AS n FROM events WHERE type = 'landing' AND send_id = $1", [offer.sendId])).toEqual([{ n: 3 }]);
  });

  it('shows the offer as ended from the instant it expires, while the link itself still works', async () => {
    const offer = await anOffer(s.db, { offerExpiresAt: new Date('2025-07-11T10:00:07.500Z') });
    const landing = `/w/${tokensFor(s.signer(), offer.sendId, LATER_LINK).landing}`;
    at('2025-07-11T10:00:07.000Z');
    expect(await page(landing)).toContain('Show my code');
    at('2025-07-11T10:00:07.500Z');
    const ended = await page(landing);
    expect(ended).not.toContain('Show my code');
    expect(ended).toContain('This offer ended on 11 July 2025');
  });

  it('stops showing an issued code when the code expires', async () => {
    const offer = await anOffer(s.db);
    const landing = `/w/${tokensFor(s.signer(), offer.sendId, LATER_LINK).landing}`;
    const form = formTo(await page(landing), '/r/');
    expect((await postForm(http.url(form.action), form.fields)).status).toBe(303);
    const [{ code, expires_at: expiresAt }] = await s.db.reader.query('SELECT code, expires_at FROM codes WHERE enrolment_id = $1', [offer.enrolmentId]);
    at(new Date(Date.parse(expiresAt) - 1).toISOString());
    expect(await page(landing)).toContain(code);
    at(expiresAt);
    expect(await page(landing)).not.toContain(code);
  });

  it('counts the days left from the shop\'s own midnight', async () => {
    const offer = await anOffer(s.db);
    const landing = `/w/${tokensFor(s.signer(), offer.sendId).landing}`;
    // Europe/Berlin is UTC+2 in June: its midnight is 22:00 UTC.
    at('2025-06-20T21:59:00Z');
    expect(await page(landing)).toContain('(in 21 days)');
    at('2025-06-20T22:00:00Z');
    expect(await page(landing)).toContain('(in 20 days)');
  });

  it('tells the incident\'s latest update as soon as it is posted', async () => {
    const incidentId = await anIncident(s.db);
    const offer = await anOffer(s.db, { incidentId, definition: aDefinition({ name: 'incident-apology', kind: 'incident', holdout: 0, audience: { incidentAffected: true } }) });
    const landing = `/w/${tokensFor(s.signer(), offer.sendId).landing}`;
    const update = 'The second courier now carries every order from Berlin.';
    expect(await page(landing)).not.toContain(update);
    await s.db.write((tx) => tx.query('INSERT INTO incident_updates (incident_id, kind, message, at) VALUES ($1, $2, $3, $4)', [incidentId, 'update', update, NOW.toISOString()]));
    expect(await page(landing)).toContain(update);
  });

  it('greets by the name the customer now has', async () => {
    const offer = await anOffer(s.db, { firstName: 'maria' });
    const landing = `/w/${tokensFor(s.signer(), offer.sendId).landing}`;
    expect(await page(landing)).toContain('Welcome back, Maria');
    await s.db.write((tx) => tx.query('UPDATE customers SET first_name = $1 WHERE id = $2', ['Marta', offer.customerId]));
    expect(await page(landing)).toContain('Welcome back, Marta');
  });
});
