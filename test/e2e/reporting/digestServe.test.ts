/** `rekindle serve` sends the week's digest once: started on a Monday morning, and again after a restart. */
import { ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { CLI } from '../../support/cli';
import { lapsedCustomers, openShop, Shop, TWO_STEPS } from '../../support/campaignShop';

const started: ChildProcess[] = [];

/** Starts serve and resolves with the digest job's first logged result. */
function serveUntilDigest(shop: Shop, now: string): Promise<{ child: ChildProcess; result: any }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--now', now], {
    env: { PATH: process.env.PATH ?? '', ...shop.env, DIGEST_TO: 'owner@beanthere.example', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (chunk) => {
      err += chunk;
      for (const line of err.split('\n')) {
        if (!line.includes('"job":"digest"')) continue;
        const entry = JSON.parse(line);
        resolve({ child, result: entry.result ?? entry.err });
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

describe('serve and the weekly digest', () => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await openShop({ customers: lapsedCustomers(8), campaigns: { measured: TWO_STEPS } });
    await shop.services.campaigns().launch('measured', {});
    await shop.release();
  });
  afterAll(async () => {
    // A failed expectation must not leave a server running.
    for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
    await shop?.dispose();
  });

  it('sends it when started on Monday after 08:00 shop time, and not again when restarted', async () => {
    const first = await serveUntilDigest(shop, '2025-06-09T06:30:00Z');
    await stop(first.child);
    expect(first.result).toMatchObject({ status: 'sent', week: '2025-06-09' });
    const folder = path.join(shop.dir, 'outbox', 'owner-digests');
    expect(readdirSync(folder)).toEqual(['week-2025-06-09.eml']);

    const again = await serveUntilDigest(shop, '2025-06-09T07:10:00Z');
    await stop(again.child);
    expect(again.result).toMatchObject({ status: 'already-sent', week: '2025-06-09' });
    expect(readdirSync(folder)).toEqual(['week-2025-06-09.eml']);
  }, 60_000);
});
