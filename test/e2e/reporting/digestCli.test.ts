/** `rekindle digest --to ADDRESS [--now ISO]` through the built CLI, into the outbox. */
import { readdirSync, readFileSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import path from 'node:path';
import { rekindle } from '../../support/cli';
import { lapsedCustomers, openShop, Shop, TWO_STEPS } from '../../support/campaignShop';

describe('rekindle digest', () => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await openShop({ customers: lapsedCustomers(12), campaigns: { measured: { ...TWO_STEPS, with: { ...TWO_STEPS.with, holdout: 0.25 } } } });
    await shop.services.campaigns().launch('measured', {});
    await shop.dispatch();
    await shop.release();
  });
  afterAll(async () => shop?.dispose());

  it('sends the digest on demand to the address given, into the outbox, each time it is asked', async () => {
    const run = rekindle(['digest', '--to', 'owner@beanthere.example', '--now', '2025-06-05T09:00:00Z'], shop.env);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const folder = path.join(shop.dir, 'outbox', 'owner-digests');
    const files = readdirSync(folder).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^on-demand-20250605T090000Z-[a-z0-9]+\.eml$/);
    expect(run.stdout).toContain(path.join(folder, files[0]));
    const mail = await simpleParser(readFileSync(path.join(folder, files[0])));
    expect(mail.to).toMatchObject({ text: 'owner@beanthere.example' });
    expect(mail.subject).toBe('Bean There: your Rekindle week of 2 June 2025 (1 campaign, 0 feedback messages)');
    expect(mail.text).toContain('measured, run 1 (active');
    expect(mail.html).toContain('measured, run 1 (active');

    // Twice is twice: on demand means every time it is asked for.
    expect(rekindle(['digest', '--to', 'owner@beanthere.example', '--now', '2025-06-05T09:00:00Z'], shop.env).status).toBe(0);
    expect(readdirSync(folder).filter((f) => f.endsWith('.eml'))).toHaveLength(2);
  });

  it('refuses an address that is not one, and a missing --to', () => {
    const bad = rekindle(['digest', '--to', 'owner-at-shop'], shop.env);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^rekindle: --to: "owner-at-shop" is not an email address/);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(rekindle(['digest'], shop.env).status).toBe(2);
  });
});
