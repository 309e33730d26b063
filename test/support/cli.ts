import { spawnSync } from 'node:child_process';
import path from 'node:path';

export const CLI = path.resolve(__dirname, '../../dist/src/cli/main.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
  json: () => any;
}

/** Runs the built CLI (npm test builds first) as a user would, with its own environment. */
export function rekindle(args: string[], env: Record<string, string> = {}, cwd?: string): CliResult {
  const child = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    cwd,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    timeout: 120_000,
    // `score --json` on the CDNOW sample is over the 1 MB default since it has intervals.
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr, json: () => JSON.parse(child.stdout) };
}
