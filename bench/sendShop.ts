/**
 * The shop the send benches share: 100,000 lapsed customers enrolled in one step of the shipped
 * win-back campaign (seed), the real messages for a bare-nodemailer ceiling, and the loopback
 * SMTP sink that runs in a process of its own.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
import { peakRssMb } from './support';

export const CUSTOMERS = Number(process.env.BENCH_SEND_CUSTOMERS ?? 100_000);
export const LAUNCH_AT = '2025-06-02T08:00:00.000Z';
export const SEND_AT = '2025-06-02T08:05:00.000Z';
export const CAMPAIGN = 'bench-one-step';
/** Tuned on a 2-core box (see the report): more connections or messages in flight only add contention. */
export const TUNING = {
  connections: Number(process.env.BENCH_SMTP_CONNECTIONS ?? 4),
  batchSize: Number(process.env.BENCH_BATCH ?? 500),
  concurrency: Number(process.env.BENCH_CONCURRENCY ?? 16),
  composeThreads: Number(process.env.BENCH_COMPOSE_THREADS ?? 1),
};
export const ROOT = path.resolve(__dirname, '..', '..');

export const seconds = (since: bigint): number => Number(process.hrtime.bigint() - since) / 1e9;
export const cpuSeconds = (used: NodeJS.CpuUsage): number => (used.user + used.system) / 1e6;

export interface Paths {
  /** DATABASE_URL */
  database: string;
  campaigns: string;
  outbox: string;
}

export async function open(paths: Paths, clockAt: string, smtpPort?: number): Promise<Services> {
  const config = parseSettings({
    DATABASE_URL: paths.database, OUTBOX_DIR: paths.outbox, CAMPAIGNS_DIR: paths.campaigns, SHOP_NAME: 'Bean There', SHOP_CURRENCY: 'EUR',
    SHOP_TIMEZONE: 'Europe/Berlin', PUBLIC_URL: 'https://rekindle.beanthere.example', MAIL_FROM: 'hello@beanthere.example',
    SECRET_KEY: 'bench-signing-key-0123456789abcdef0123456789', SMTP_MAX_CONNECTIONS: TUNING.connections,
    ...(smtpPort ? { SMTP_URL: `smtp://127.0.0.1:${smtpPort}` } : {}),
  });
  return wire(config, { clock: () => new Date(clockAt), logger: pino({ level: 'silent' }) });
}

/** The shipped win-back campaign cut to its first step, for everyone lapsed, nobody held out. */
export function writeCampaign(dir: string): void {
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

export async function seed(paths: Paths) {
  const started = process.hrtime.bigint();
  writeCampaign(paths.campaigns);
  const s = await open(paths, LAUNCH_AT);
  await importOrders(s.db, orders(), { source: 'bench', file: 'bench', now: s.clock, bulk: true });
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

/** 500 real messages for the first sends, composed once (not timed), then sent round-robin. */
export async function sampleMessages(paths: Paths): Promise<OutgoingMessage[]> {
  const s = await open(paths, SEND_AT);
  const due = await new SendStore(s.db).due(new Date(SEND_AT), 500);
  const runs = await loadRuns(s.db, [...new Set(due.map((d) => d.runId))], s.config.viewsDir);
  const contexts = await loadContexts(s.db, due, new Date(0));
  const messages = await Promise.all([...contexts.values()].map((ctx) => s.composer().compose(ctx, runs.get(ctx.send.runId)!, new Date(SEND_AT))));
  await s.close();
  return messages;
}

/** Bare nodemailer: the same pool, the same bytes, as many in flight as the dispatcher keeps. */
export async function ceiling(paths: Paths, port: number) {
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

/**
 * The sink: accepts everything, keeps nothing but counts, answers `count` over IPC. With `ids`
 * it also keeps each message's Message-ID, to tell what arrived twice (`ids` over IPC).
 */
export function sink(keepIds = false): void {
  let count = 0;
  let bytes = 0;
  let cpu = process.cpuUsage();
  let ids = new Map<string, number>();
  const server = new SMTPServer({
    secure: false, logger: false, disabledCommands: ['STARTTLS'], authOptional: true,
    onData(stream, _session, callback) {
      let first = true;
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        // The headers are the first few hundred bytes of the message.
        if (keepIds && first) {
          const id = /^Message-ID:\s*(<[^>]+>)/im.exec(chunk.toString('latin1', 0, 4096))?.[1] ?? '(none)';
          ids.set(id, (ids.get(id) ?? 0) + 1);
        }
        first = false;
      });
      stream.on('end', () => {
        count++;
        callback();
      });
    },
  });
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.server.address() as { port: number }).port }));
  process.on('message', (m) => {
    if (m === 'count') process.send?.({ count, bytes, cpu: cpuSeconds(process.cpuUsage(cpu)) });
    if (m === 'ids') process.send?.({ ids: [...ids.keys()], twice: [...ids.values()].filter((n) => n > 1).length });
    if (m === 'reset') {
      count = bytes = 0;
      ids = new Map();
      cpu = process.cpuUsage();
      process.send?.({ count });
    }
  });
}

export function ask<T>(child: ChildProcess, message: string): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (reply) => resolve(reply as T));
    if (message) child.send(message);
  });
}

