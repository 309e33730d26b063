/**
 * Emails sent after the offer ended — a dispatcher that was not running for days — never promise
 * it nor state its end date as still to come, and the last email's "Yes, keep in touch" opens the
 * welcome page (which says the offer ended) rather than a 410.
 */
import { readOutbox } from '../../support/campaignCli';
import { DAY_MS, lapsedCustomers, openShop, Shop, step, winback } from '../../support/campaignShop';
import { listen } from '../../support/http';
import type { ParsedMessage } from '../../support/smtpSink';

describe('after the offer has ended', () => {
  let shop: Shop;
  let emails: ParsedMessage[];
  let http: Awaited<ReturnType<typeof listen>>;
  const launchedAt = new Date('2025-06-02T08:00:00.000Z');
  const day = (n: number) => new Date(launchedAt.getTime() + n * DAY_MS).toISOString();

  beforeAll(async () => {
    shop = await openShop({
      customers: lapsedCustomers(4),
      campaigns: {
        'short-offer': winback(
          [step('2-a-thank-you'), { ...step('3-before-it-ends', '7d'), audience: 'offer' } as ReturnType<typeof step>, step('4-should-we-stop', '7d')],
          { offers: { zeroValue: 'nostalgia-only', expiresAfterDays: 10, ladder: [{ id: 'pct-10', kind: 'percent_off', label: '10% off your next order', percent: 10, maxDiscount: '15.00', pRedeem: 0.3 }] } },
        ),
      },
    });
    shop.clock.set(launchedAt.toISOString());
    expect(await shop.services.campaigns().launch('short-offer', {})).toMatchObject({ treated: 4 });
    await shop.dispatch();
    // The reminder was due on day 7; nothing dispatched until day 13, after the offer ended on day 10.
    shop.clock.set(day(13));
    expect(await shop.dispatch()).toMatchObject({ sent: 4 });
    shop.clock.set(day(30));
    expect(await shop.dispatch()).toMatchObject({ sent: 4 });
    emails = await readOutbox(shop);
    http = await listen(shop.services);
  });
  afterAll(async () => {
    await http?.close();
    await shop?.dispose();
  });

  const ofStep = (n: number) => emails.filter((m) => m.header('x-rekindle-step') === String(n));

  it('a reminder sent late neither promises the offer nor gives its past end date as to come', () => {
    expect(ofStep(2)).toHaveLength(4);
    for (const m of ofStep(2)) {
      const text = m.parsed.text as string;
      expect(text).not.toMatch(/ends (today|tomorrow|in \d+ days)/);
      expect(text).not.toContain('12 June 2025');
      expect(text).not.toContain('10% off');
      expect(text).toContain('the door is still open');
    }
  });

  it('the last email\'s "Yes, keep in touch" opens the welcome page, which says the offer ended', async () => {
    expect(ofStep(3)).toHaveLength(4);
    for (const m of ofStep(3)) {
      const href = /<a href="([^"]+)"[^>]*>\s*Yes, keep in touch/.exec(m.parsed.html as string)?.[1];
      expect(href).toBeDefined();
      const url = new URL((href as string).replace(/&amp;/g, '&'));
      const response = await fetch(http.url(url.pathname + url.search));
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('This offer ended on 12 June 2025');
    }
  });
});
