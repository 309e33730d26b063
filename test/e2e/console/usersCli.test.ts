/** `rekindle users create|list|disable` through the built CLI on a real SQLite file. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLI } from '../../support/cli';
import { testDatabaseUrlSync } from '../../support/testDatabase';

describe('rekindle users', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rekindle-users-'));
  const env = { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', DATABASE_URL: testDatabaseUrlSync(dir, 'shop.sqlite'), PUBLIC_URL: 'https://shop.example/rekindle' };
  const run = (args: string[], input?: string) => {
    const child = spawnSync(process.execPath, [CLI, 'users', ...args], { encoding: 'utf8', cwd: dir, env, input, timeout: 60_000 });
    return { status: child.status, stdout: child.stdout, stderr: child.stderr, json: () => JSON.parse(child.stdout) };
  };

  it('creates an owner with the password from stdin, and says where to sign in', () => {
    const created = run(['create', '--email', 'Olga@Shop.example', '--role', 'owner', '--name', 'Olga Berg', '--password-stdin'], 'a long enough password\n');
    expect(created.stderr).toBe('');
    expect(created.status).toBe(0);
    expect(created.stdout).toBe('created owner olga@shop.example (Olga Berg); they sign in at https://shop.example/rekindle/console\n');
  });

  it('prints JSON with --json, and lists users without their passwords', () => {
    const created = run(['create', '--email', 'maria@shop.example', '--role', 'marketer', '--password-stdin', '--json'], 'another good password');
    expect(created.status).toBe(0);
    expect(created.json()).toMatchObject({ email: 'maria@shop.example', role: 'marketer', name: null, disabledAt: null });
    const list = run(['list', '--json']);
    expect(list.status).toBe(0);
    expect(list.json().map((u: { email: string; role: string }) => [u.email, u.role])).toEqual([['maria@shop.example', 'marketer'], ['olga@shop.example', 'owner']]);
    expect(list.stdout).not.toMatch(/scrypt|password/i);
    expect(run(['list']).stdout).toMatch(/^maria@shop\.example {2}marketer {2}active\nolga@shop\.example {2}owner {5}active {2}Olga Berg\n$/);
  });

  it('refuses a second user with the same email in other letters (exit 1)', () => {
    const again = run(['create', '--email', 'OLGA@shop.example', '--role', 'marketer', '--password-stdin'], 'a long enough password');
    expect(again.status).toBe(1);
    expect(again.stderr).toBe('rekindle: a staff user with email olga@shop.example exists already\n');
  });

  it('refuses short and empty passwords with a clear message, and creates nobody', () => {
    const short = run(['create', '--email', 'kim@shop.example', '--role', 'marketer', '--password-stdin'], 'hunter2\n');
    expect(short.status).toBe(1);
    expect(short.stderr).toBe('rekindle: password: is 7 characters long; use at least 12 (a few words make a good one)\n');
    const empty = run(['create', '--email', 'kim@shop.example', '--role', 'marketer', '--password-stdin'], '\n');
    expect(empty.status).toBe(1);
    expect(empty.stderr).toBe('rekindle: password: is empty; choose a password of at least 12 characters\n');
    expect(run(['list', '--json']).json()).toHaveLength(2);
  });

  it('without a terminal or --password-stdin, says how to give the password (exit 1)', () => {
    const result = run(['create', '--email', 'kim@shop.example', '--role', 'marketer'], '');
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('rekindle: password: no terminal to ask for it; pipe it in with --password-stdin\n');
  });

  it('is a usage error (exit 2) without a role or with one that does not exist', () => {
    expect(run(['create', '--email', 'kim@shop.example', '--password-stdin'], 'a long enough password').status).toBe(2);
    expect(run(['create', '--email', 'kim@shop.example', '--role', 'admin', '--password-stdin'], 'a long enough password').status).toBe(2);
  });

  it('disables a user (their sessions end), and refuses an unknown email (exit 1)', () => {
    const disabled = run(['disable', '--email', 'Maria@shop.example', '--json']);
    expect(disabled.status).toBe(0);
    expect(disabled.json()).toMatchObject({ email: 'maria@shop.example', disabledAt: expect.any(String), sessionsEnded: 0 });
    expect(run(['list']).stdout).toMatch(/^maria@shop\.example {2}marketer {2}disabled \d{4}-/);
    const unknown = run(['disable', '--email', 'nobody@shop.example']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toBe('rekindle: no staff user with email nobody@shop.example; `rekindle users list` shows them\n');
  });

  it('asks for the password twice on a terminal, without echoing it (util-linux `script` gives it a terminal)', async () => {
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} users create --email tty@shop.example --role marketer`;
    const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: dir, env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const typed = (question: string) => new Promise<void>((resolve) => {
      const check = () => (output.includes(question) ? resolve() : setTimeout(check, 50));
      check();
    });
    // Typed once each prompt is shown, as a person would: raw mode is on by then, so nothing echoes.
    await typed('Password (at least 12 characters): ');
    child.stdin.write('typed at a terminal\r');
    await typed('The same password again: ');
    child.stdin.write('typed at a terminal\r');
    const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.stdin.end();
    expect(status).toBe(0);
    expect(output).toContain('created marketer tty@shop.example');
    expect(output).not.toContain('typed at a terminal');
    expect(run(['list', '--json']).json().map((u: { email: string }) => u.email)).toContain('tty@shop.example');
  });
});
