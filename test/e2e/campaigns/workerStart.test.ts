/**
 * `rekindle worker` loads what sending needs and nothing else: every worker process (and there
 * may be many) paid about a second of CPU to load the console, the importer, express and MJML it
 * never used. Node's own module tracing (NODE_DEBUG=module) lists every file the process loaded
 * by the time it says it started; MJML may load later, on a first compile, if a small pass
 * composes in this thread.
 */
import { spawn } from 'node:child_process';
import { CLI, rekindle } from '../../support/cli';
import { lapsedCustomers, openShop, Shop } from '../../support/campaignShop';

/** Runs `rekindle worker` until it says it started, then kills it; the files it had loaded by then. */
async function loadedByWorker(env: Record<string, string>): Promise<string[]> {
  const child = spawn(process.execPath, [CLI, 'worker', '--poll', '60'], { env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env, NODE_DEBUG: 'module' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let loadedAtStart: string | null = null;
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    if (loadedAtStart === null && d.toString().includes('started')) {
      loadedAtStart = stderr;
      // Not SIGTERM: how a worker stops is workers.test.ts's; under NODE_DEBUG a SQLite worker sometimes dies of it.
      child.kill('SIGKILL');
    }
  });
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const said = stderr.split('\n').filter((line) => !line.startsWith('MODULE ')).join('\n');
  if (loadedAtStart === null) throw new Error(`the worker exited with ${status} before it started, saying: ${said.slice(-2000)}`);
  return [...(loadedAtStart as string).matchAll(/MODULE \d+: load "([^"]+)"/g)].map((m) => m[1]);
}

describe('rekindle worker', () => {
  let shop: Shop;

  beforeAll(async () => {
    shop = await openShop({ customers: lapsedCustomers(3) });
    await shop.release();
  });
  afterAll(() => shop?.dispose());

  it('starts without loading the console, the importer, the scoring models, express or MJML', async () => {
    const loaded = await loadedByWorker(shop.env);
    // It did load what it needs: the check would pass vacuously on an empty trace.
    expect(loaded.some((f) => f.endsWith('/src/campaigns/dispatcher.js'))).toBe(true);
    expect(loaded.some((f) => f.includes('/node_modules/nodemailer/'))).toBe(true);
    const unneeded = loaded.filter((f) =>
      /\/src\/(web|import|reporting|feedback|scheduler)\//.test(f) ||
      // The counted-order rule is shared with scoring; the models are not.
      (/\/src\/scoring\//.test(f) && !f.endsWith('/src/scoring/purchaseLog.js')) ||
      /\/node_modules\/(express|mjml|mjml-core|juice|cheerio)\//.test(f),
    );
    expect(unneeded).toEqual([]);
  });

  it('takes --compose-threads, a whole number (0 by default: a fleet of workers composes in its sending threads)', () => {
    const wrong = rekindle(['worker', '--compose-threads', 'two'], shop.env);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(/--compose-threads.*"two" is not a whole number/);
  });
});
