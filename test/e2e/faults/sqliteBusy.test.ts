/**
 * Fault: SQLite busy: another process holds the database's write lock (BEGIN IMMEDIATE through
 * plain sqlite3) while `rekindle dispatch` is sending. Guarantee, counted in the outbox and the
 * sends table: held for less than the busy timeout (10 s), dispatch waits and finishes, exit 0;
 * held for longer, it exits 1 with one line saying the database is locked (never a raw SQLITE_BUSY
 * stack trace), and a rerun past the claim lease finishes the step. Either way every treated
 * customer has exactly one email and its send is recorded `sent`: none lost, none twice.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import sqlite3 from 'sqlite3';
import { queryShop, readOutbox, runRekindle, startRekindle } from '../../support/campaignCli';
import { lapsedCustomers, openShop, Shop } from '../../support/campaignShop';

const CUSTOMERS = 300;
/** Emails written before the lock is taken: well into the step, well before its end. */
const LOCK_AFTER = 40;
/** The busy timeout src/db/dataSource.ts sets. */
const BUSY_TIMEOUT_MS = 10_000;

/** stderr without the JSON log lines (the reconciling warnings): what a person reads. */
const said = (stderr: string) => stderr.split('\n').filter((line) => line && !line.startsWith('{'));

/** Takes the write lock of the shop's database from a connection of its own, as another process would. */
async function holdWriteLock(file: string): Promise<{ release: () => Promise<void> }> {
  const db = new sqlite3.Database(file);
  db.configure('busyTimeout', 5000); // waits for a write the dispatcher has under way, then holds the lock
  await new Promise<void>((resolve, reject) => db.exec('BEGIN IMMEDIATE', (error) => (error ? reject(error) : resolve())));
  return {
    release: () => new Promise<void>((resolve, reject) => db.exec('COMMIT', (error) => db.close(() => (error ? reject(error) : resolve())))),
  };
}

describe('SQLite busy during dispatch', () => {
  let shop: Shop | undefined;
  afterEach(async () => shop?.dispose());

  /** Dispatches with the write lock taken away for `holdMs` mid-step; the first dispatch's result. */
  async function dispatchWithLockHeld(holdMs: number) {
    shop = await openShop({ customers: lapsedCustomers(CUSTOMERS) });
    const { treated } = await shop.services.campaigns().launch('nostalgia-winback', {});
    await shop.release();
    const outbox = path.join(shop.env.OUTBOX_DIR, 'nostalgia-winback');
    const written = () => (existsSync(outbox) ? readdirSync(outbox).filter((f) => f.endsWith('.eml')).length : 0);

    const child = startRekindle(['dispatch', '--now', '2025-06-02T08:05:00Z', '--json'], shop.env);
    let exited = false;
    void child.done.then(() => (exited = true));
    while (!exited && written() < LOCK_AFTER) await new Promise((resolve) => setTimeout(resolve, 2));
    expect(exited).toBe(false);
    const lock = await holdWriteLock(shop.env.DATABASE_URL.slice('sqlite:'.length));
    const atLock = written();
    await new Promise((resolve) => setTimeout(resolve, holdMs));
    await lock.release();
    const result = await child.done;
    expect(atLock).toBeLessThan(treated);
    return { result, treated, where: `lock held ${holdMs} ms from ${atLock} emails: exit ${result.status}, stderr ${result.stderr}` };
  }

  async function expectEachOnce(treated: number, where: string) {
    const emails = await readOutbox(shop as Shop);
    const perCustomer = new Map<string, number>();
    for (const m of emails) perCustomer.set(m.to, (perCustomer.get(m.to) ?? 0) + 1);
    expect({ where, customers: perCustomer.size, twice: [...perCustomer].filter(([, n]) => n > 1) }).toEqual({ where, customers: treated, twice: [] });
    const rows = await queryShop<{ status: string; message_id: string | null }>(shop as Shop, 'SELECT status, message_id FROM sends WHERE step = 1');
    expect({ where, statuses: [...new Set(rows.map((r) => r.status))], sends: rows.length }).toEqual({ where, statuses: ['sent'], sends: treated });
    const arrived = new Set(emails.map((m) => m.parsed.messageId));
    expect(rows.filter((r) => !arrived.has(r.message_id ?? undefined))).toEqual([]);
  }

  it('held for less than the busy timeout: dispatch waits and finishes, each customer once', async () => {
    const { result, treated, where } = await dispatchWithLockHeld(2000);
    expect({ where, status: result.status, said: said(result.stderr) }).toEqual({ where, status: 0, said: [] });
    expect(result.json()).toMatchObject({ sent: treated, paused: [] });
    await expectEachOnce(treated, where);
  }, 90_000);

  it('held for longer: one line saying the database is locked, exit 1, and a rerun finishes, each customer once', async () => {
    const { result, treated, where } = await dispatchWithLockHeld(BUSY_TIMEOUT_MS + 2000);
    expect({ where, status: result.status, said: said(result.stderr) }).toEqual({ where, status: 1, said: [expect.stringMatching(/^rekindle: the database is locked: .*busy timeout .*run the command again$/)] });
    // Past the 2-minute claim lease, so the claims the first one left are taken over and reconciled.
    const rerun = await runRekindle(['dispatch', '--now', '2025-06-02T08:09:00Z', '--json'], (shop as Shop).env);
    expect({ where, status: rerun.status, said: said(rerun.stderr) }).toEqual({ where, status: 0, said: [] });
    await expectEachOnce(treated, where);
  }, 90_000);
});
