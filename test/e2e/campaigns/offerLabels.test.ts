/**
 * Money in an offer's words is always in the shop's currency: a campaign file writes
 * "{amount}", the email reads "€10.00"; a label that types an amount itself is refused on load.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { rekindle } from '../../support/cli';
import { lapsedCustomers, openShop, Shop } from '../../support/campaignShop';

const SHIPPED = path.resolve(__dirname, '../../../campaigns/nostalgia-winback.yaml');
const shippedOffers = () => (parse(readFileSync(SHIPPED, 'utf8')) as { offers: { ladder: { id: string; label: string }[] } }).offers;

describe('offer labels', () => {
  let shop: Shop;
  beforeAll(async () => {
    const offers = shippedOffers();
    // The shipped campaign with only its credit rung, so every customer with an offer gets it.
    shop = await openShop({ customers: lapsedCustomers(10), campaigns: { 'credit-only': { with: { offers: { ...offers, ladder: offers.ladder.filter((r) => r.id === 'credit-10') } } } } });
    await shop.release();
  });
  afterAll(() => shop?.dispose());

  it('shows the shipped credit in the shop\'s currency, in the email and its preview', () => {
    const preview = rekindle(['campaign', 'preview', 'credit-only', '--now', '2025-06-02T08:00:00Z', '--json'], shop.env).json();
    const thankYou = preview.steps[1].sample.text as string;
    expect(thankYou).toContain('A €10.00 credit on your next order');
    expect(thankYou).not.toMatch(/A 10\.00 credit|\{amount\}/);
  });

  it('refuses a label that types an amount without the shop\'s currency, naming the field', () => {
    const file = path.join(shop.dir, 'campaigns', 'nostalgia-winback.yaml');
    writeFileSync(file, readFileSync(SHIPPED, 'utf8').replace('label: "A {amount} credit on your next order"', 'label: A 10.00 credit on your next order'));
    const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('A 10.00 credit')) + 1;
    const result = rekindle(['campaign', 'validate', file], shop.env);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `rekindle: ${file}:${line}: offers.ladder[3].label: "A 10.00 credit on your next order" writes an amount itself; write {amount} where the amount goes, and every email and page shows it in the shop's currency (SHOP_CURRENCY)\n`,
    );
  });
});
