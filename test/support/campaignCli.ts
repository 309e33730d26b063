/**
 * The built CLI working on a campaign shop (see campaignShop.ts): as a child process that does
 * not block this one (an SMTP sink living here must keep answering), and what it left behind,
 * read straight from the outbox and the database (SQLite file or PostgreSQL).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AddressObject, simpleParser } from 'mailparser';
import { CLI, CliResult } from './cli';
import { ParsedMessage, parsedMessage } from './smtpSink';
import { queryDatabase } from './testDatabase';

interface ShopFiles {
  env: Record<string, string>;
}

/** Starts `rekindle ARGS`; `kill` sends SIGKILL (or the signal given), `done` settles when it has exited. */
export function startRekindle(args: string[], env: Record<string, string>): { kill: (signal?: NodeJS.Signals) => void; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (status) => resolve({ status, stdout, stderr, json: () => JSON.parse(stdout) })),
  );
  return { kill: (signal = 'SIGKILL') => void child.kill(signal), done };
}

export const runRekindle = (args: string[], env: Record<string, string>): Promise<CliResult> => startRekindle(args, env).done;

/** Every email in the shop's outbox, parsed (hidden temp files of an interrupted write are not emails). */
export async function readOutbox(shop: ShopFiles): Promise<ParsedMessage[]> {
  const root = shop.env.OUTBOX_DIR;
  if (!existsSync(root)) return [];
  const files = readdirSync(root).flatMap((campaign) => readdirSync(path.join(root, campaign)).filter((f) => f.endsWith('.eml')).map((f) => path.join(root, campaign, f)));
  return Promise.all(files.map(async (file) => {
    const raw = readFileSync(file);
    const parsed = await simpleParser(raw);
    return parsedMessage((parsed.to as AddressObject).value[0].address as string, raw, parsed);
  }));
}

/**
 * Rows straight from the shop's database, for checking what a CLI child left behind (or, with
 * `write`, for a change the product makes elsewhere, like an unsubscribe from the public page).
 * Parameters in the shop's dialect: `dialectFor(shop.env.DATABASE_URL).param(0)`.
 */
export function queryShop<T = Record<string, unknown>>(shop: ShopFiles, sql: string, params: unknown[] = [], write = false): Promise<T[]> {
  return queryDatabase<T>(shop.env.DATABASE_URL, sql, params, write);
}
