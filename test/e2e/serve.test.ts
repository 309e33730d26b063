import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLI, rekindle } from '../support/cli';
import { testDatabaseUrlSync } from '../support/testDatabase';

function env(extra: Record<string, string> = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rekindle-serve-'));
  return { PATH: process.env.PATH ?? '', DATABASE_URL: testDatabaseUrlSync(dir, 'db.sqlite'), LOG_LEVEL: 'warn', ...extra };
}

describe('rekindle serve', () => {
  it('starts on the given port, answers /healthz, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--no-scheduler'], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += chunk;
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
    const response = await fetch(`${url}/healthz`);
    expect(await response.json()).toEqual({ status: 'ok' });
    expect(response.headers.get('x-powered-by')).toBeNull();
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses to start in production without a SECRET_KEY, naming the variable', () => {
    const result = rekindle(['serve', '--port', '0'], env({ REKINDLE_ENV: 'production' }));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^rekindle: SECRET_KEY: missing; `serve` in production needs a secret of at least 32 characters/);
  });
});
