import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rekindle } from '../support/cli';
import { testDatabaseUrlSync } from '../support/testDatabase';

const SAMPLES = path.resolve(__dirname, '../../samples');
const SHOPIFY = path.resolve(__dirname, '../fixtures/shopify/orders_export_sample.csv');

function freshShop(extra: Record<string, string> = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rekindle-cli-'));
  const env = { DATABASE_URL: testDatabaseUrlSync(dir, 'shop.sqlite'), SHOP_TIMEZONE: 'Europe/Berlin', ...extra };
  return { dir, run: (...args: string[]) => rekindle(args, env, dir) };
}

describe('rekindle CLI', () => {
  it('imports the CDNOW sample, prints one JSON document, and re-importing changes nothing', () => {
    const shop = freshShop({ SHOP_CURRENCY: 'USD' });
    const first = shop.run('import', 'orders', path.join(SAMPLES, 'cdnow/CDNOW_sample.txt'), '--format', 'cdnow', '--json');
    expect(first.status).toBe(0);
    expect(first.json()).toMatchObject({ rows: 6919, orders: { inserted: 6919, updated: 0, unchanged: 0 }, customers: { inserted: 2357, updated: 0 } });
    const again = shop.run('import', 'orders', path.join(SAMPLES, 'cdnow/CDNOW_sample.txt'), '--format', 'cdnow', '--json');
    expect(again.json()).toMatchObject({ orders: { inserted: 0, updated: 0, unchanged: 6919 }, customers: { inserted: 0, updated: 0 } });
    const stats = shop.run('stats', '--json');
    expect(stats.status).toBe(0);
    expect(stats.json()).toMatchObject({ customers: 2357, orders: 6919, excludedOrders: 0, firstOrderAt: expect.stringMatching(/^1996-12-31T23:00|^1997-01-01/) });
    expect(Object.keys(stats.json().netRevenue)).toEqual(['USD']);
  });

  it('imports the Shopify export with the counts its README states', () => {
    const shop = freshShop({ SHOP_CURRENCY: 'EUR' });
    const result = shop.run('import', 'orders', SHOPIFY, '--format', 'shopify', '--json');
    expect(result.status).toBe(0);
    expect(result.json()).toMatchObject({ rows: 228, orders: { inserted: 143 }, customers: { inserted: 41 }, excluded: { cancelled: 3 } });
    expect(shop.run('stats', '--json').json()).toMatchObject({ customers: 41, orders: 143, excludedOrders: 3, netRevenue: { EUR: '29921.83' } });
  });

  it('a bad row exits 1 with FILE:LINE: column: problem on stderr and writes nothing', () => {
    const shop = freshShop();
    const file = path.join(shop.dir, 'orders.csv');
    writeFileSync(file, [
      'order_id,customer_id,email,ordered_at,amount,currency',
      '1,c1,a@example.com,2025-01-02T10:00:00Z,10.00,EUR',
      '2,c2,b@example.com,2025-01-03T10:00:00Z,"12,50",EUR',
    ].join('\n'));
    const result = shop.run('import', 'orders', file, '--json');
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim()).toMatch(new RegExp(`^rekindle: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: amount: .*use a dot`));
    expect(shop.run('stats', '--json').json()).toMatchObject({ customers: 0, orders: 0 });
  });

  it('says "no such file", and names the format of a file imported with the wrong --format', () => {
    const shop = freshShop();
    const missing = shop.run('import', 'orders', 'nope.csv');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe('rekindle: nope.csv: no such file\n');
    const shopify = shop.run('import', 'orders', SHOPIFY, '--json');
    expect(shopify.status).toBe(1);
    expect(shopify.stdout).toBe('');
    expect(shopify.stderr).toBe(`rekindle: ${SHOPIFY}:1: this looks like a Shopify orders export, not a generic orders file: import it with --format shopify\n`);
  });

  it('--dry-run reports the counts and writes nothing', () => {
    const shop = freshShop();
    const result = shop.run('import', 'orders', path.join(SAMPLES, 'cdnow/CDNOW_sample.txt'), '--format', 'cdnow', '--dry-run', '--json');
    expect(result.json()).toMatchObject({ dryRun: true, orders: { inserted: 6919 } });
    expect(shop.run('stats', '--json').json()).toMatchObject({ orders: 0 });
  });

  it('usage errors exit 2; --help exits 0', () => {
    const shop = freshShop();
    expect(shop.run('import', 'orders', 'x.csv', '--format', 'excel').status).toBe(2);
    expect(shop.run('no-such-command').status).toBe(2);
    const help = shop.run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/import[\s\S]*stats[\s\S]*keys[\s\S]*serve/);
  });

  it('an invalid setting stops the program naming the variable', () => {
    const shop = freshShop({ SHOP_TIMEZONE: 'Nowhere/Land' });
    const result = shop.run('stats');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^rekindle: SHOP_TIMEZONE: "Nowhere\/Land" is not allowed; expected an IANA time zone/);
  });

  it('creates API keys printed once and lists them without secrets', () => {
    const shop = freshShop();
    const created = shop.run('keys', 'create', '--role', 'checkout', '--json');
    expect(created.status).toBe(0);
    expect(created.json()).toEqual({ id: expect.stringMatching(/^[a-f0-9]{16}$/), role: 'checkout', key: expect.stringMatching(/^rk_[a-f0-9]{16}_[\w-]{43}$/) });
    const listed = shop.run('keys', 'list', '--json');
    expect(listed.stdout).not.toContain(created.json().key);
    expect(listed.json()).toEqual([expect.objectContaining({ id: created.json().id, role: 'checkout', revokedAt: null })]);
    expect(shop.run('keys', 'create', '--role', 'admin').status).toBe(2);
  });
});
