/**
 * Issue 5's sending target: one step of a campaign to 100,000 customers, each email the real
 * personalised MJML-based HTML (~20 KB), through the real dispatcher (send rows claimed and
 * recorded in a fresh SQLite file, the next step scheduled) into a loopback SMTP sink running in
 * a separate process: >= 1,000 emails/s end to end, peak RSS <= 400 MB. The ceiling is bare
 * nodemailer (one pooled transport, same connections, same message bytes, same sink) with no
 * database and no rendering; the ratio says what the engine costs on top of the wire.
 *
 * Phases, each in its own process: seed (import, model, launch; not timed), ceiling, send.
 */
import { ChildProcess, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { parse } from 'yaml';
import { loadRuns } from '../src/campaigns/runInfo';
import { loadContexts } from '../src/campaigns/sendContext';
import { SendStore } from '../src/campaigns/sendStore';
import { parseSettings } from '../src/config';
import { importOrders } from '../src/import/importer';
import type { OrderRecord } from '../src/import/records';
import type { OutgoingMessage } from '../src/mail/message';
import { saveModel } from '../src/scoring/modelStore';
import { Services, wire } from '../src/wiring';
import { fmt, peakRssMb, phase, report } from './support';

const CUSTOMERS = 100_000;
const TARGET = 1_000;
const RSS_LIMIT_MB = 400;
const LAUNCH_AT = '2025-06-02T08:00:00.000Z';
const SEND_AT = '2025-06-02T08:05:00.000Z';
const CAMPAIGN = 'bench-one-step';
/** Tuned on a 2-core box (see the report): more connections or messages in flight only add contention. */
const TUNING = {
  connections: Number(process.env.BENCH_SMTP_CONNECTIONS ?? 4),
  batchSize: Number(process.env.BENCH_BATCH ?? 500),
  concurrency: Number(process.env.BENCH_CONCURRENCY ?? 16),
  composeThreads: Number(process.env.BENCH_COMPOSE_THREADS ?? 1),
};
const ROOT = path.resolve(__dirname, '..', '..');

const seconds = (since: bigint): number => Number(process.hrtime.bigint() - since) / 1e9;
const cpuSeconds = (used: NodeJS.CpuUsage): number => (used.user + used.system) / 1e6;

interface Paths {
  db: string;
  campaigns: string;
  outbox: string;
}

async function open(paths: Paths, clockAt: string, smtpPort?: number): Promise<Services> {
  const config = parseSettings({
    DATABASE_URL: `sqlite:${paths.db}`, OUTBOX_DIR: paths.outbox, CAMPAIGNS_DIR: paths.campaigns, SHOP_NAME: 'Bean There', SHOP_CURRENCY: 'EUR',
    SHOP_TIMEZONE: 'Europe/Berlin', PUBLIC_URL: 'https://rekindle.beanthere.example', MAIL_FROM: 'hello@beanthere.example',
    SECRET_KEY: 'bench-signing-key-0123456789abcdef0123456789', SMTP_MAX_CONNECTIONS: TUNING.connections,
    ...(smtpPort ? { SMTP_URL: `smtp://127.0.0.1:${smtpPort}` } : {}),
  });
  return wire(config, { clock: () => new Date(clockAt), logger: pino({ level: 'silent' }) });
}

/** The shipped win-back campaign cut to its first step, for everyone lapsed, nobody held out. */
function writeCampaign(dir: string): void {
  const shipped = parse(readFileSync(path.join(ROOT, 'campaigns', 'nostalgia-winback.yaml'), 'utf8')) as { steps: unknown[] };
  mkdirSync(dir, { recursive: true });
  const campaign = { ...shipped, name: CAMPAIGN, holdout: 0, audience: { lastOrderAtLeastDaysAgo: 120 }, frequencyCap: undefined, steps: shipped.steps.slice(0, 1) };
  writeFileSync(path.join(dir, `${CAMPAIGN}.json`), JSON.stringify(campaign));
}

const NAMES = ['Maria', 'Jonas', 'Aïcha', 'Liam', 'Sofia', 'Ngozi', 'Mateo', 'Chloé', 'Kenji', ''];
const PRODUCTS = ['Ethiopia Yirgacheffe', 'Colombia Huila', 'Hario V60 starter kit', 'Decaf Swiss water', 'Kenya AA', 'Guatemala Antigua'];

/** Two orders per customer in 2023-2024: a known, lapsed history for everyone. */
function* orders(): Iterable<OrderRecord> {
  for (let i = 0; i < CUSTOMERS; i++) {
    for (const [k, month] of [[0, 3 + (i % 6)], [1, 9 + (i % 3)]]) {
      const day = `${2023 + k}-${String(month).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
      yield {
        orderId: `B${i}-${k}`, customer: { externalId: `C${i}`, email: `c${i}@bench.example`, firstName: NAMES[i % NAMES.length] || undefined },
        orderedAt: `${day}T12:00:00.000Z`, orderedDay: day, currency: 'EUR', amountMinor: 2000 + (i % 9000), refundedMinor: 0, status: 'kept',
        items: [PRODUCTS[i % 6], PRODUCTS[(i + k + 2) % 6]], line: 2 * i + k + 2,
      };
    }
  }
}

async function seed(paths: Paths) {
  const started = process.hrtime.bigint();
  writeCampaign(paths.campaigns);
  const s = await open(paths, LAUNCH_AT);
  await importOrders(s.db, orders(), { source: 'bench', file: 'bench', now: s.clock });
  const fit = { logLikelihood: 0, converged: true, hitBound: false, iterations: 0, starts: 1, agreeingStarts: 1, customers: 2357 };
  // The parameters published for CDNOW: a plausible model without timing a fit here.
  await saveModel(s.db, {
    fittedAt: LAUNCH_AT, calibrationEnd: '2024-12-31', timeUnit: 'week', currency: 'EUR', warnings: [], customers: 2357, repeatCustomers: 1000, dataFrom: '2023-01-01',
    bgnbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426, ...fit }, gammaGamma: { p: 6.25, q: 3.74, gamma: 15.44, ...fit },
  });
  const launched = await s.campaigns().launch(CAMPAIGN, {});
  await s.close();
  return { treated: launched.treated, seconds: seconds(started) };
}

/** The real dispatcher, one pass: everything due is sent and recorded. */
async function send(paths: Paths, port: number) {
  const s = await open(paths, SEND_AT, port);
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const summary = await s.dispatcher({ batchSize: TUNING.batchSize, concurrency: TUNING.concurrency, composeThreads: TUNING.composeThreads }).dispatchOnce();
  const elapsed = seconds(started);
  const used = process.cpuUsage(cpu);
  const [{ recorded }] = await s.db.reader.query("SELECT COUNT(*) AS recorded FROM sends WHERE status = 'sent'");
  await s.close();
  return { sent: summary.sent, recorded: Number(recorded), failed: summary.failed + summary.retried, seconds: elapsed, cpu: cpuSeconds(used), rss: peakRssMb() };
}

/** 500 real messages for the first sends, composed once (not timed), then sent round-robin. */
async function sampleMessages(paths: Paths): Promise<OutgoingMessage[]> {
  const s = await open(paths, SEND_AT);
  const due = await new SendStore(s.db).due(new Date(SEND_AT), 500);
  const runs = await loadRuns(s.db, [...new Set(due.map((d) => d.runId))], s.config.viewsDir);
  const contexts = await loadContexts(s.db, due, new Date(0));
  const messages = await Promise.all([...contexts.values()].map((ctx) => s.composer().compose(ctx, runs.get(ctx.send.runId)!, new Date(SEND_AT))));
  await s.close();
  return messages;
}

/** Bare nodemailer: the same pool, the same bytes, as many in flight as the dispatcher keeps. */
async function ceiling(paths: Paths, port: number) {
  const messages = await sampleMessages(paths);
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, pool: true, maxConnections: TUNING.connections, maxMessages: Infinity });
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < CUSTOMERS) {
      const m = messages[next++ % messages.length];
      await transport.sendMail({ envelope: m.envelope, raw: m.raw }).catch(() => failed++);
    }
  };
  await Promise.all(Array.from({ length: TUNING.concurrency }, worker));
  const elapsed = seconds(started);
  const used = process.cpuUsage(cpu);
  transport.close();
  return { sent: CUSTOMERS - failed, failed, seconds: elapsed, cpu: cpuSeconds(used), rss: peakRssMb(), bytes: messages[0].raw.length };
}

/** The sink: accepts everything, keeps nothing but counts, answers `count` over IPC. */
function sink(): void {
  let count = 0;
  let bytes = 0;
  let cpu = process.cpuUsage();
  const server = new SMTPServer({
    secure: false, logger: false, disabledCommands: ['STARTTLS'], authOptional: true,
    onData(stream, _session, callback) {
      stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
      stream.on('end', () => {
        count++;
        callback();
      });
    },
  });
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.server.address() as { port: number }).port }));
  process.on('message', (m) => {
    if (m === 'count') process.send?.({ count, bytes, cpu: cpuSeconds(process.cpuUsage(cpu)) });
    if (m === 'reset') {
      count = bytes = 0;
      cpu = process.cpuUsage();
      process.send?.({ count });
    }
  });
}

function ask<T>(child: ChildProcess, message: string): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (reply) => resolve(reply as T));
    if (message) child.send(message);
  });
}

async function main(): Promise<void> {
  const [mode, dir, port] = process.argv.slice(2);
  const paths = dir ? { db: path.join(dir, 'bench.sqlite'), campaigns: path.join(dir, 'campaigns'), outbox: path.join(dir, 'outbox') } : undefined;
  if (mode === 'sink') return sink();
  if (mode === 'seed') return void console.log(JSON.stringify(await seed(paths!)));
  if (mode === 'send') return void console.log(JSON.stringify(await send(paths!, Number(port))));
  if (mode === 'ceiling') return void console.log(JSON.stringify(await ceiling(paths!, Number(port))));

  const work = mkdtempSync(path.join(os.tmpdir(), 'rekindle-bench-send-'));
  const sinkProcess = fork(__filename, ['sink'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    const { port: sinkPort } = await ask<{ port: number }>(sinkProcess, '');
    const seeded = phase<{ treated: number; seconds: number }>(__filename, ['seed', work]);
    process.stderr.write(`seeded: ${JSON.stringify(seeded)}\n`);
    type Run = { sent: number; failed: number; seconds: number; cpu: number; rss: number };
    type Arrived = { count: number; bytes: number; cpu: number };
    const bare = phase<Run & { bytes: number }>(__filename, ['ceiling', work, String(sinkPort)]);
    process.stderr.write(`ceiling: ${JSON.stringify(bare)}\n`);
    const bareArrived = await ask<Arrived>(sinkProcess, 'count');
    await ask(sinkProcess, 'reset');
    const engine = phase<Run & { recorded: number }>(__filename, ['send', work, String(sinkPort)]);
    const arrived = await ask<Arrived>(sinkProcess, 'count');
    const rate = (r: Run) => r.sent / r.seconds;
    const pass = rate(engine) >= TARGET && engine.rss <= RSS_LIMIT_MB && engine.sent === CUSTOMERS && engine.recorded === CUSTOMERS && arrived.count === CUSTOMERS && engine.failed === 0;
    report('send', pass, [
      '## Send: one campaign step to 100,000 customers through a loopback SMTP sink',
      '',
      `${fmt(seeded.treated)} customers enrolled (seeding, scoring and launch took ${seeded.seconds.toFixed(1)} s, not timed). Each email is the shipped`,
      `"we miss you" step, personalised and signed per customer: ${fmt(bare.bytes)} bytes on the wire. The sink is \`smtp-server\` in its own`,
      `process (accept and discard). Dispatcher: batch ${TUNING.batchSize}, ${TUNING.concurrency} in flight; pooled transport with ${TUNING.connections} connections (SMTP_MAX_CONNECTIONS).`,
      '',
      '| phase | emails/s | seconds | CPU s, sender | CPU s, sink | peak RSS, sender | arrived at the sink | target |',
      '|---|---:|---:|---:|---:|---:|---:|---|',
      `| bare nodemailer, same bytes (ceiling) | ${fmt(rate(bare))} | ${bare.seconds.toFixed(1)} | ${bare.cpu.toFixed(1)} | ${bareArrived.cpu.toFixed(1)} | ${bare.rss} MB | ${fmt(bareArrived.count)} | — |`,
      `| dispatcher: render, claim, send, record | ${fmt(rate(engine))} | ${engine.seconds.toFixed(1)} | ${engine.cpu.toFixed(1)} | ${arrived.cpu.toFixed(1)} | ${engine.rss} MB | ${fmt(arrived.count)} | ≥ ${fmt(TARGET)}/s, ≤ ${RSS_LIMIT_MB} MB |`,
      '',
      `Dispatcher / ceiling: ${(rate(engine) / rate(bare)).toFixed(2)}. Sends recorded \`sent\`: ${fmt(engine.recorded)}; failed or retried: ${engine.failed}.`,
      `Compose threads: ${TUNING.composeThreads} (sender CPU includes them). Load average when the run ended: ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores (the sink and the sender share them with anything else running).`,
      '',
      'Where the time goes (`node --cpu-prof` on 20,000 of these sends, one thread): about half of the',
      "dispatcher's CPU is composing — filling the template and signing four links per email (src/mail/render,",
      'src/links), and above all building the MIME bytes with nodemailer\'s MailComposer in src/mail/message.ts',
      '(~0.2 ms an email, a fifth of the whole); a third is nodemailer\'s SMTP client, as in the ceiling; under a',
      'tenth is the SQLite bookkeeping (claims and outcomes are written 50 at a time while sending goes on).',
      'So the dispatcher composes on a worker thread (`composeThreads`), which puts the second core to work.',
      'Tried on this box: 2-8 pooled connections and 16-64 emails in flight change little; more only add memory.',
    ].join('\n'));
  } finally {
    sinkProcess.kill();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
