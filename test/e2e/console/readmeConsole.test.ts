/**
 * The README's "The console" steps on the demo's data, run as written: its sh block is read out
 * of README.md and run through the built CLI in a fresh folder (the password through
 * `--password-stdin`, as the README says a script should), then the console is opened at the
 * addresses its comments give, signed in as the user just created.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CLI } from '../../support/cli';
import { signIn } from '../../support/console';
import { readmeCommands, shellWords } from '../../support/readme';
import { defaultDatabaseEnv } from '../../support/testDatabase';

const PASSWORD = 'a long password for the readme';

/** A port nothing listens on now: the README's 3000 may be taken on the machine running the tests. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe("the README's console steps on the demo's data", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rekindle-readme-console-'));
  let server: ChildProcess | undefined;
  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server?.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the user, serves the console and shows the demo run and its emails', async () => {
    const lines = readmeCommands('The console');
    const commands = lines.map((l) => shellWords(l)).filter((c) => c.words.length);
    const urls = lines.flatMap((l) => l.match(/http:\/\/localhost:3000\/\S+/g) ?? []);
    expect(commands.map((c) => c.words.slice(0, 5).join(' '))).toEqual(Array(3).fill('npm run -s rekindle --'));
    expect(commands.map((c) => c.words.slice(5, 7).join(' '))).toEqual(['demo', 'users create', 'serve --no-scheduler']);
    expect(urls).toEqual(['http://localhost:3000/console', 'http://localhost:3000/console/campaigns/nostalgia-winback/runs/1/outbox']);

    const port = await freePort();
    const env = { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', PORT: String(port), ...defaultDatabaseEnv(dir) };
    let email = '';
    for (const { words } of commands) {
      const args = words.slice(5);
      if (args[0] === 'serve') {
        // In the same folder as the commands before it: the default database is ./data there.
        server = spawn(process.execPath, [CLI, ...args], { cwd: dir, env, stdio: 'ignore' });
        continue;
      }
      if (args[0] === 'users') {
        email = args[args.indexOf('--email') + 1];
        args.push('--password-stdin');
      }
      const run = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, env, input: `${PASSWORD}\n`, encoding: 'utf8', timeout: 300_000 });
      expect({ args, status: run.status, stderr: run.status === 0 ? '' : run.stderr }).toEqual({ args, status: 0, stderr: '' });
    }
    expect(server).toBeDefined();
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      if ((await fetch(`${base}/healthz`).catch(() => null))?.ok) break;
      if (i > 600) throw new Error('serve did not answer within a minute');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const owner = await signIn(base, email, PASSWORD);
    for (const url of urls) {
      const page = await owner.get(new URL(url).pathname);
      expect({ url, status: page.status }).toEqual({ url, status: 200 });
    }
    const outbox = await owner.get('/console/campaigns/nostalgia-winback/runs/1/outbox');
    expect(outbox.text).toMatch(/sent/);
    expect(outbox.text).toContain('/console/campaigns/nostalgia-winback/runs/1/outbox/');
  }, 600_000);
});
