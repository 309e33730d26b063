/**
 * `rekindle backup FILE` through the built CLI on a real SQLite shop: a consistent copy taken
 * while another connection holds an open write (the copy has what was committed, not what was
 * not), usable as the database itself, and never written over an existing file.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Database as Sqlite } from 'sqlite3';
import { rekindle } from '../support/cli';

const header = 'order_id,customer_id,email,ordered_at,amount,currency\n';

function exec(db: Sqlite, sql: string): Promise<void> {
  return new Promise((resolve, reject) => db.exec(sql, (error) => (error ? reject(error) : resolve())));
}

describe('rekindle backup', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rekindle-backup-'));
  const env = { DATABASE_URL: `sqlite:${path.join(dir, 'shop.sqlite')}`, SHOP_CURRENCY: 'EUR', OUTBOX_DIR: path.join(dir, 'outbox') };
  const orders = path.join(dir, 'orders.csv');
  writeFileSync(orders, header + ['A1,k1,ann@example.com,2025-01-01T10:00:00Z,10.00,EUR', 'A2,k2,bob@example.com,2025-02-01T10:00:00Z,20.00,EUR'].join('\n') + '\n');

  it('copies what is committed while another process is writing, and the copy is a working database', async () => {
    expect(rekindle(['import', 'orders', orders, '--format', 'generic', '--json'], env).status).toBe(0);
    const other = new Sqlite(path.join(dir, 'shop.sqlite'));
    try {
      await exec(other, 'PRAGMA busy_timeout = 10000');
      await exec(other, "BEGIN IMMEDIATE; UPDATE customers SET first_name = 'Uncommitted' WHERE email = 'ann@example.com'");
      const backup = rekindle(['backup', path.join(dir, 'backups', 'monday.sqlite'), '--json'], env);
      expect(backup.stderr).toBe('');
      expect(backup.status).toBe(0);
      expect(backup.json()).toMatchObject({ file: path.join(dir, 'backups', 'monday.sqlite'), bytes: expect.any(Number), tookMs: expect.any(Number) });
      await exec(other, 'COMMIT');
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
    const restored = { ...env, DATABASE_URL: `sqlite:${path.join(dir, 'backups', 'monday.sqlite')}` };
    expect(rekindle(['stats', '--json'], restored).json()).toMatchObject({ customers: 2, orders: 2, netRevenue: { EUR: '30.00' } });
    const names = rekindle(['customer', 'export', 'ann@example.com', '--json'], restored).json().customers.map((c: any) => c.customer.firstName);
    expect(names).toEqual([null]);
  });

  it('never writes over an existing file, and says which', () => {
    const again = rekindle(['backup', path.join(dir, 'backups', 'monday.sqlite')], env);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain(`${path.join(dir, 'backups', 'monday.sqlite')} already exists: name a new file`);
  });
});
