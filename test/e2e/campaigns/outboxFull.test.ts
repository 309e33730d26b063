/**
 * An outbox that fills up or cannot be written, through the built CLI: the run pauses with the
 * reason, the batch stops at the first such error instead of trying every send, no temporary
 * file is left behind (not on a retry either), and `dispatch` exits 1 with one line saying which
 * run paused and why. A 300 KB tmpfs is the full disk; a read-only tmpfs the unwritable one.
 * Mounting needs root: without it the full-disk case is skipped (saying so) and an outbox whose
 * parent is a regular file still covers the unwritable path.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmdirSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rekindle } from '../../support/cli';
import { queryShop } from '../../support/campaignCli';
import { lapsedCustomers, openShop, Shop } from '../../support/campaignShop';

const T0 = '2025-06-02T08:00:00Z';
const DISPATCH_AT = '2025-06-02T08:05:00Z';
/** The dispatcher's default concurrency: at most this many sends were on their way when the first failed. */
const IN_FLIGHT = 16;
/** Four to six runs of the built CLI each: slow on a busy machine. */
const TIMEOUT_MS = 90_000;

const mount = (...args: string[]) => spawnSync('mount', args, { encoding: 'utf8' });

/** Whether this sandbox lets us mount a tmpfs (root, and a kernel that allows it); why not, if not. */
const mountable: string | null = (() => {
  if (process.getuid?.() !== 0) return 'not root';
  const probe = mkdtempSync(path.join(os.tmpdir(), 'rekindle-mount-'));
  const result = mount('-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe);
  if (result.status === 0) spawnSync('umount', [probe]);
  rmdirSync(probe);
  return result.status === 0 ? null : `mount failed: ${result.stderr.trim()}`;
})();
const whenMountable = mountable === null ? it : it.skip;
const skipped = mountable === null ? '' : ` (skipped: cannot mount a tmpfs here, ${mountable})`;

describe('dispatch into an outbox that is full or cannot be written', () => {
  let shop: Shop;
  let mounted: string | null = null;
  afterEach(async () => {
    if (mounted) spawnSync('umount', [mounted]);
    mounted = null;
    await shop?.dispose();
  });

  async function launched(outboxDir?: string): Promise<number> {
    shop = await openShop({ customers: lapsedCustomers(80), settings: outboxDir ? { OUTBOX_DIR: outboxDir } : {} });
    await shop.release();
    return rekindle(['campaign', 'launch', 'nostalgia-winback', '--now', T0, '--json'], shop.env).json().runId;
  }

  function mountOutbox(options: string): string {
    const dir = path.join(shop.dir, 'outbox');
    mkdirSync(dir, { recursive: true });
    const result = mount('-t', 'tmpfs', '-o', options, 'tmpfs', dir);
    if (result.status !== 0) throw new Error(`mount ${options}: ${result.stderr}`);
    mounted = dir;
    return dir;
  }

  /**
   * Takes whatever space the outbox still has. The sends that failed mid-write removed their
   * temporary files, which frees a few pages: without this, whether one more email fits on the
   * retry depends on how far those writes got. The name has no dot, so `filesIn` skips it.
   */
  function fillUp(dir: string) {
    const fd = openSync(path.join(dir, 'filler'), 'w');
    const page = Buffer.alloc(4096, 0x2e);
    try {
      for (;;) writeSync(fd, page);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
    } finally {
      closeSync(fd);
    }
  }

  /** Files under the outbox: emails (`ID.eml`) and hidden temporary ones; folder names have no dot. */
  const filesIn = (dir: string) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => path.basename(f).includes('.'));
  const step1 = () => queryShop<{ status: string; attempts: number; claimed_by: string | null }>(shop, 'SELECT status, attempts, claimed_by FROM sends WHERE step = 1');

  /** stderr without the JSON log lines (the logger's `run paused` error): what a person reads. */
  const said = (stderr: string) => stderr.trimEnd().split('\n').filter((line) => !line.startsWith('{'));

  /** Exit 1, one stderr line naming the run and the reason, the summary still on stdout. */
  function expectPaused(result: ReturnType<typeof rekindle>, runId: number, reason: RegExp) {
    expect(result.status).toBe(1);
    expect(said(result.stderr)).toEqual([expect.stringMatching(new RegExp(`^rekindle: run ${runId} \\(nostalgia-winback\\) paused: ${reason.source}`))]);
    const summary = result.json();
    expect(summary.paused).toEqual([{ runId, campaign: 'nostalgia-winback', reason: expect.stringMatching(reason) }]);
    return summary;
  }

  whenMountable(`a full outbox: pauses at the first ENOSPC, leaves no temporary files, exits 1${skipped}`, async () => {
    const runId = await launched();
    const outbox = mountOutbox('size=300k');
    const first = expectPaused(rekindle(['dispatch', '--now', DISPATCH_AT, '--json'], shop.env), runId, /the outbox cannot be written \(ENOSPC\)/);
    const files = () => filesIn(outbox);
    expect(first.sent).toBeGreaterThan(0);
    expect(files().filter((f) => !f.endsWith('.eml'))).toEqual([]); // no temporary file left behind
    expect(files()).toHaveLength(first.sent);

    const rows = await step1();
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(first.sent);
    expect(rows.filter((r) => r.status === 'sending')).toEqual([]);
    // The batch stopped at the first failure: only the sends already on their way were tried.
    expect(rows.filter((r) => r.status !== 'sent' && r.attempts > 0).length).toBeLessThanOrEqual(IN_FLIGHT);

    // Resumed before anyone freed space: the same answer, and still no debris.
    fillUp(outbox);
    expect(rekindle(['campaign', 'resume', String(runId)], shop.env).status).toBe(0);
    const second = expectPaused(rekindle(['dispatch', '--now', DISPATCH_AT, '--json'], shop.env), runId, /the outbox cannot be written \(ENOSPC\)/);
    expect(second.sent).toBe(0);
    expect(files().filter((f) => !f.endsWith('.eml'))).toEqual([]);
  }, TIMEOUT_MS);

  whenMountable(`a read-only outbox: pauses at the first EROFS and exits 1 with the reason${skipped}`, async () => {
    const runId = await launched();
    const outbox = mountOutbox('size=300k');
    mkdirSync(path.join(outbox, 'nostalgia-winback')); // so the first write that fails is the email's own
    expect(mount('-o', 'remount,ro', outbox).status).toBe(0);
    const summary = expectPaused(rekindle(['dispatch', '--now', DISPATCH_AT, '--json'], shop.env), runId, /the outbox cannot be written \(EROFS\)/);
    expect(summary.sent).toBe(0);
    const rows = await step1();
    expect(rows.filter((r) => r.status === 'sending')).toEqual([]);
    expect(rows.filter((r) => r.attempts > 0).length).toBeLessThanOrEqual(IN_FLIGHT);
  }, TIMEOUT_MS);

  it('an outbox path under a regular file: pauses at the first error and exits 1 with the reason, in text too', async () => {
    const parent = mkdtempSync(path.join(os.tmpdir(), 'rekindle-blocked-'));
    writeFileSync(path.join(parent, 'file'), 'a file where a folder should be');
    const runId = await launched(path.join(parent, 'file', 'outbox'));
    const result = rekindle(['dispatch', '--now', DISPATCH_AT], shop.env);
    expect(result.status).toBe(1);
    expect(said(result.stderr)).toEqual([expect.stringMatching(new RegExp(`^rekindle: run ${runId} \\(nostalgia-winback\\) paused: the outbox cannot be written \\(ENOTDIR\\)`))]);
    expect(result.stdout).toMatch(/^sent 0,/);
    const rows = await step1();
    expect(rows.filter((r) => r.status === 'sending')).toEqual([]);
    expect(rows.filter((r) => r.attempts > 0).length).toBeLessThanOrEqual(IN_FLIGHT);
  }, TIMEOUT_MS);
});
