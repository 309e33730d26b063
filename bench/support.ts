/** Shared by the benches: the result line, peak RSS, and running one phase in a fresh process. */
import { spawnSync } from 'node:child_process';

export function report(name: string, pass: boolean, markdown: string): void {
  process.stdout.write(JSON.stringify({ name, pass, markdown }) + '\n');
}

export const peakRssMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

/** Runs `node <file> <args>` and returns the JSON it prints last: a phase measured in its own process. */
export function phase<T>(file: string, args: string[]): T {
  const child = spawnSync(process.execPath, [file, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 1024 * 1024 });
  const last = child.stdout.trim().split('\n').pop() ?? '';
  if (child.status !== 0) throw new Error(`${file} ${args.join(' ')} exited ${child.status}: ${last}`);
  return JSON.parse(last) as T;
}

export const fmt = (n: number): string => Math.round(n).toLocaleString('en');
