/**
 * Issue 15's sending target on PostgreSQL: 4 `rekindle worker` processes (the built CLI) send one
 * step of a campaign to 100,000 customers into the loopback SMTP sink at >= 1,500 emails/s
 * combined, every email arriving exactly once; in the same run one worker alone on a fresh
 * launch gives the single-worker rate, and the ratio says how the workers scale. CPU is read for
 * every side (the workers, the sink, the PostgreSQL backends); the ceiling is bare nodemailer
 * with the same bytes, connections and messages in flight as one worker.
 *
 * Phases: seed (import, model, launch: once, into a template database; not timed), ceiling,
 * then each fleet on its own copy of the template. BENCH_SEND_CUSTOMERS makes a smaller shop
 * (reported, never counted as meeting the target), BENCH_WORKERS another fleet size.
 */
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { backendPids, BENCH_POSTGRES_URL, dropDatabase, freshDatabase, processCpuSeconds } from './postgres';
import { ask, ceiling, CUSTOMERS, Paths, seed, SEND_AT, sink, TUNING } from './sendShop';
import { fmt, phase, report } from './support';

const TARGET = 1_500;
const WORKERS = Number(process.env.BENCH_WORKERS ?? 4);
const TEMPLATE = 'rekindle_bench_send_seeded';
const FLEET = 'rekindle_bench_send_fleet';
const CLI = path.join(__dirname, '..', 'src', 'cli', 'main.js');

interface Fleet {
  workers: number;
  seconds: number;
  sent: number;
  /** Sends `sent` per worker id. */
  perWorker: number[];
  workerCpu: number[];
  serverCpu: number;
  sinkCpu: number;
  arrived: number;
  /** Message-IDs that arrived more than once; sends `sent` whose Message-ID never arrived. */
  twice: number;
  sentNotArrived: number;
}

const dbUrl = (name: string): string => {
  const url = new URL(BENCH_POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
};

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Node's own flags for each worker, to profile them: BENCH_WORKER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'. */
const NODE_ARGS = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** `workers` worker processes on a fresh copy of the seeded shop, until every send is settled. */
async function fleet(workers: number, paths: Paths, sinkProcess: ReturnType<typeof fork>, sinkPort: number): Promise<Fleet> {
  const url = await freshDatabase(FLEET, TEMPLATE);
  await ask(sinkProcess, 'reset');
  const env = {
    PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', DATABASE_URL: url, OUTBOX_DIR: paths.outbox, CAMPAIGNS_DIR: paths.campaigns, SHOP_NAME: 'Bean There',
    SHOP_CURRENCY: 'EUR', SHOP_TIMEZONE: 'Europe/Berlin', PUBLIC_URL: 'https://rekindle.beanthere.example', MAIL_FROM: 'hello@beanthere.example',
    SECRET_KEY: 'bench-signing-key-0123456789abcdef0123456789', SMTP_MAX_CONNECTIONS: String(TUNING.connections), SMTP_URL: `smtp://127.0.0.1:${sinkPort}`,
  };
  const started = process.hrtime.bigint();
  const children = Array.from({ length: workers }, () => spawn(process.execPath, [...NODE_ARGS, CLI, 'worker', '--now', SEND_AT, '--poll', '0.2'], { env, stdio: ['ignore', 'ignore', 'inherit'] }));
  const exited = children.map((c) => new Promise<number | null>((resolve) => c.on('close', resolve)));
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (;;) {
      const [{ n }] = (await client.query("SELECT count(*)::int AS n FROM sends WHERE status IN ('scheduled', 'retry', 'sending')")).rows;
      if (n === 0) break;
      if (children.some((c) => c.exitCode !== null)) throw new Error('a worker exited before the sends were settled');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const workerCpu = children.map((c) => processCpuSeconds(c.pid as number));
    const serverCpu = (await backendPids(FLEET)).reduce((sum, pid) => sum + processCpuSeconds(pid), 0);
    const arrivedCount = await ask<{ count: number; cpu: number }>(sinkProcess, 'count');
    for (const c of children) c.kill('SIGTERM');
    const codes = await Promise.all(exited);
    if (codes.some((code) => code !== 0)) throw new Error(`workers exited with ${codes.join(', ')}`);
    const { ids, twice } = await ask<{ ids: string[]; twice: number }>(sinkProcess, 'ids');
    const arrived = new Set(ids);
    const sent: { message_id: string; worker: string }[] = (await client.query("SELECT message_id, split_part(claimed_by, '/', 1) AS worker FROM sends WHERE status = 'sent'")).rows;
    const perWorker = new Map<string, number>();
    for (const s of sent) perWorker.set(s.worker, (perWorker.get(s.worker) ?? 0) + 1);
    return {
      workers, seconds, sent: sent.length, perWorker: [...perWorker.values()].sort((a, b) => b - a), workerCpu, serverCpu, sinkCpu: arrivedCount.cpu,
      arrived: arrivedCount.count, twice, sentNotArrived: sent.filter((s) => !arrived.has(s.message_id)).length,
    };
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await client.end();
  }
}

async function main(): Promise<void> {
  const [mode, dir, port] = process.argv.slice(2);
  const shop = (folder: string) => ({ database: dbUrl(TEMPLATE), campaigns: path.join(folder, 'campaigns'), outbox: path.join(folder, 'outbox') });
  if (mode === 'sink') return sink(true);
  if (mode === 'seed') return void console.log(JSON.stringify(await seed(shop(dir))));
  if (mode === 'ceiling') return void console.log(JSON.stringify(await ceiling(shop(dir), Number(port))));

  const work = mkdtempSync(path.join(os.tmpdir(), 'rekindle-bench-send-workers-'));
  const sinkProcess = fork(__filename, ['sink'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    const { port: sinkPort } = await ask<{ port: number }>(sinkProcess, '');
    await freshDatabase(TEMPLATE);
    const seeded = phase<{ treated: number; seconds: number }>(__filename, ['seed', work]);
    process.stderr.write(`seeded: ${JSON.stringify(seeded)}\n`);
    // A template must have no connections while it is copied: the seed's process has exited.
    const bare = phase<{ sent: number; seconds: number; cpu: number; bytes: number }>(__filename, ['ceiling', work, String(sinkPort)]);
    const bareSink = await ask<{ count: number; cpu: number }>(sinkProcess, 'count');
    process.stderr.write(`ceiling: ${JSON.stringify(bare)}\n`);
    const one = await fleet(1, shop(work), sinkProcess, sinkPort);
    process.stderr.write(`1 worker: ${JSON.stringify(one)}\n`);
    const many = await fleet(WORKERS, shop(work), sinkProcess, sinkPort);
    process.stderr.write(`${WORKERS} workers: ${JSON.stringify(many)}\n`);
    const rate = (r: { sent: number; seconds: number }) => r.sent / r.seconds;
    const exactlyOnce = (f: Fleet) => f.sent === CUSTOMERS && f.arrived === CUSTOMERS && f.twice === 0 && f.sentNotArrived === 0;
    // A smaller run (BENCH_SEND_CUSTOMERS) is reported, never counted as meeting the target.
    const pass = CUSTOMERS === 100_000 && rate(many) >= TARGET && exactlyOnce(one) && exactlyOnce(many);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const row = (label: string, f: Fleet, target: string) =>
      `| ${label} | ${fmt(rate(f))} | ${f.seconds.toFixed(1)} | ${sum(f.workerCpu).toFixed(1)} (${f.workerCpu.map((c) => c.toFixed(1)).join(' + ')}) | ${f.serverCpu.toFixed(1)} | ${f.sinkCpu.toFixed(1)} | ${(((sum(f.workerCpu) + f.serverCpu + f.sinkCpu) / f.sent) * 1000).toFixed(2)} | ${fmt(f.arrived)}, ${f.twice} twice | ${target} |`;
    report('sendWorkers', pass, [
      `## Send on PostgreSQL: ${WORKERS} workers, one campaign step to ${fmt(CUSTOMERS)} customers`,
      '',
      `${fmt(seeded.treated)} customers enrolled on a local PostgreSQL (seeding took ${seeded.seconds.toFixed(1)} s, not timed); each phase works on a fresh copy of that database.`,
      `Workers are \`rekindle worker --now ${SEND_AT} --poll 0.2\` processes of the built CLI (default dispatch: batch 500, 16 in flight, composing in the sending thread), each with ${TUNING.connections} pooled SMTP connections,`,
      'sending into `smtp-server` in its own process, which keeps every Message-ID. A phase is timed from starting the workers to every send settled in the database (start-up included).',
      '',
      '| phase | emails/s | seconds | CPU s, workers | CPU s, PostgreSQL | CPU s, sink | CPU ms per email, all | arrived at the sink | target |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---|',
      `| bare nodemailer, same bytes (ceiling, one process) | ${fmt(rate(bare))} | ${bare.seconds.toFixed(1)} | ${bare.cpu.toFixed(1)} | — | ${bareSink.cpu.toFixed(1)} | ${(((bare.cpu + bareSink.cpu) / bare.sent) * 1000).toFixed(2)} | ${fmt(bareSink.count)} | — |`,
      row('1 worker', one, '—'),
      row(`${WORKERS} workers`, many, `≥ ${fmt(TARGET)}/s combined`),
      '',
      `${WORKERS} workers / 1 worker: **${(rate(many) / rate(one)).toFixed(2)}**. Sends \`sent\` per worker in the ${WORKERS}-worker run: ${many.perWorker.map(fmt).join(', ')}.`,
      `Exactly once: every send \`sent\` (${fmt(one.sent)} and ${fmt(many.sent)}), each Message-ID arrived once (${one.twice} and ${many.twice} twice), none recorded \`sent\` missing at the sink (${one.sentNotArrived} and ${many.sentNotArrived}).`,
      `Load average when the run ended: ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores, which the workers, the sink and PostgreSQL share with anything else running.`,
    ].join('\n'));
  } finally {
    sinkProcess.kill();
    await dropDatabase(FLEET).catch(() => undefined);
    await dropDatabase(TEMPLATE).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
