/**
 * The preview's plan is kept between visits (the console shows it on every one), so this checks
 * each thing it depends on changes it: the shop's day (the audience rule counts days), the
 * campaign file's content, and the orders in the database.
 */
import { writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DAY_MS, lapsedCustomers, openShop, Shop, step, winback } from '../../support/campaignShop';

const LATE = 'late@example.com';

describe('a kept preview', () => {
  let shop: Shop;
  beforeEach(async () => {
    shop = await openShop({
      // 119 days before launch (2025-06-02): one day short of the rule's 120.
      customers: [...lapsedCustomers(6), { email: LATE, firstName: 'Lena', orderDays: ['2024-01-05', '2025-02-03'] }],
      campaigns: { lapsed: winback([step('1-we-miss-you')], { audience: { lastOrderAtLeastDaysAgo: 120 } }) },
    });
  });
  afterEach(async () => shop.dispose());

  const preview = () => shop.services.campaigns().preview('lapsed');

  it('is computed again on a new day, after a change to the campaign file, and after new orders', async () => {
    expect((await preview()).audience).toBe(6);
    expect((await preview()).audience).toBe(6);

    shop.clock.advance(DAY_MS);
    expect((await preview()).audience).toBe(7);

    const file = path.join(shop.dir, 'campaigns', 'lapsed.json');
    const definition = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...definition, audience: { lastOrderAtLeastDaysAgo: 121 } }));
    expect((await preview()).audience).toBe(6);

    await shop.addOrders([{ email: 'c1@example.com', day: '2025-06-01' }]);
    expect((await preview()).audience).toBe(5);
  });

  it('shows the send times of the minute it is asked at, not of the first visit', async () => {
    const first = await preview();
    shop.clock.advance(60 * 60 * 1000);
    const later = await preview();
    expect(Date.parse(later.steps[0].sendAt as string) - Date.parse(first.steps[0].sendAt as string)).toBe(60 * 60 * 1000);
  });
});
