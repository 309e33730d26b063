/**
 * `dispatch` on a terminal shows how far it has got on stderr, as `import` does; never on stdout,
 * so `--json` stays one clean document. The terminal is a real pseudo-terminal from script(1).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CLI, rekindle } from '../../support/cli';
import { lapsedCustomers, openShop, Shop } from '../../support/campaignShop';

describe('dispatch progress', () => {
  let shop: Shop;
  afterEach(() => shop?.dispose());

  it('shows a progress line on a terminal\'s stderr, and keeps --json stdout clean', async () => {
    shop = await openShop({ customers: lapsedCustomers(60) });
    await shop.release();
    const treated = rekindle(['campaign', 'launch', 'nostalgia-winback', '--now', '2025-06-02T08:00:00Z', '--json'], shop.env).json().treated;
    const out = path.join(shop.dir, 'summary.json');
    // stdout to a file, stderr to the pseudo-terminal script(1) records.
    const command = `'${process.execPath}' '${CLI}' dispatch --now 2025-06-02T08:05:00Z --json > '${out}'`;
    const terminal = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...shop.env }, timeout: 60_000 });
    expect(terminal.status).toBe(0);
    expect(terminal.stdout).toMatch(new RegExp(`\\rdispatching  [\\d,]+ sends  [\\d,]+/s`));
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ sent: treated });

    // Not a terminal: no progress at all.
    const piped = rekindle(['dispatch', '--now', '2025-06-02T08:06:00Z'], shop.env);
    expect(piped.stderr).toBe('');
  }, 60_000);
});
