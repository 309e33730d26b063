/**
 * Long commands show how far they are on a terminal, and nowhere else: `score` and `campaign
 * launch` run under a real pseudo-terminal (util-linux `script`, in Debian's essential set) with
 * stdout redirected to a file, which must hold the one JSON document and nothing more.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CLI, rekindle } from '../support/cli';
import { lapsedCustomers, openShop, Shop } from '../support/campaignShop';

const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

describe('progress on a terminal', () => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await openShop({ customers: lapsedCustomers(30) });
    await shop.release();
  });
  afterAll(() => shop?.dispose());

  /** Runs the built CLI with stderr on a pseudo-terminal and stdout into `out`; returns what the terminal showed. */
  function onTerminal(args: string[], out: string): { status: number | null; terminal: string; stdout: string } {
    const command = `${[process.execPath, CLI, ...args].map(quote).join(' ')} > ${quote(out)}`;
    const child = spawnSync('script', ['-qec', command, '/dev/null'], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000, env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...shop.env },
    });
    return { status: child.status, terminal: child.stdout, stdout: readFileSync(out, 'utf8') };
  }

  it('score draws its phases on the terminal and keeps --json stdout clean', () => {
    const r = onTerminal(['score', '--json'], path.join(shop.dir, 'scores.json'));
    expect(r.status).toBe(0);
    expect(r.terminal).toContain('score: reading orders');
    expect(r.terminal).toContain('score: scoring 30 customers');
    expect(r.terminal).toContain('score: storing scores  0 / 30 (0%)');
    expect(r.terminal).toMatch(/score: done in \d+\.\d s\r?\n/);
    expect(JSON.parse(r.stdout)).toMatchObject({ customers: 30 });
  });

  it('campaign launch draws its phases on the terminal and keeps --json stdout clean', () => {
    const r = onTerminal(['campaign', 'launch', 'nostalgia-winback', '--now', '2025-06-02T08:00:00Z', '--json'], path.join(shop.dir, 'launch.json'));
    expect(r.status).toBe(0);
    for (const phase of ['loading the audience', 'scoring 30 customers', 'planning budgets and offers', 'enrolling customers  0 / 30 (0%)', 'scheduling the first emails']) {
      expect(r.terminal).toContain(`launch nostalgia-winback: ${phase}`);
    }
    expect(r.terminal).toMatch(/launch nostalgia-winback: done in \d+\.\d s/);
    expect(JSON.parse(r.stdout)).toMatchObject({ runId: 1, audience: 30 });
  });

  it('draws nothing when stderr is not a terminal', () => {
    const r = rekindle(['score', '--csv'], shop.env);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')[0]).toMatch(/^customerId,email,/);
  });
});
