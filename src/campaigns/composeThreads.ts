/**
 * Composing an email (filling the template, signing its links, building the MIME bytes) is about
 * half of what a send costs the dispatcher's thread, which also drives the database and the SMTP
 * pool. On a big pass that work moves to worker threads running the same Composer, built from the
 * same config and signing key, so a second core does it: measured in bench/send.bench.ts.
 *
 * Only the compiled build has a worker script to start; running from TypeScript sources (the
 * tests), `start` returns null and the dispatcher composes in its own thread, as it always can.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Config } from '../config';
import type { OutgoingMessage } from '../mail/message';
import { dataDirOf } from '../wiring';
import type { RunInfo } from './runInfo';
import type { SendContext } from './sendContext';

export interface ThreadSetup {
  config: Config;
  viewsDir: string;
  /** Where wiring keeps a generated signing key, so the thread finds the same one. */
  dataDir: string;
  /** The dispatcher's signing key id: a thread that derives another refuses to start. */
  keyId: string;
}

export type ToThread =
  | { type: 'run'; run: RunInfo }
  | { type: 'batch' }
  | { type: 'compose'; id: number; ctx: SendContext; runId: number; now: number };

export type FromThread = { id: number; message: OutgoingMessage } | { id: number; error: string };

const WORKER_SCRIPT = path.join(__dirname, 'composeWorker.js');

export class ComposeThreads {
  private readonly pending = new Map<number, { resolve: (m: OutgoingMessage) => void; reject: (e: Error) => void }>();
  private readonly postedRuns = new Set<number>();
  private failure: Error | null = null;
  private nextId = 0;

  private constructor(private readonly workers: Worker[]) {
    for (const worker of workers) {
      worker.on('message', (reply: FromThread) => this.settle(reply));
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => this.fail(new Error(`a compose thread stopped (exit code ${code})`)));
      // Kept between passes: idle, the threads must not keep a process alive that has nothing else to do.
      worker.unref();
    }
  }

  static start(setup: Omit<ThreadSetup, 'dataDir'>, threads: number): ComposeThreads | null {
    if (threads < 1 || !existsSync(WORKER_SCRIPT)) return null;
    const workerData: ThreadSetup = { ...setup, dataDir: dataDirOf(setup.config) };
    return new ComposeThreads(Array.from({ length: threads }, () => new Worker(WORKER_SCRIPT, { workerData })));
  }

  /** Once a thread has failed, every compose fails: the dispatcher starts new ones. */
  get failed(): boolean {
    return this.failure !== null;
  }

  /** Runs are posted again in each pass: their definition, templates and incident words may have changed since the last. */
  newPass(): void {
    this.postedRuns.clear();
  }

  /** Template files are looked up again for each batch, as the in-thread composer does. */
  newBatch(): void {
    for (const worker of this.workers) this.post(worker, { type: 'batch' });
  }

  compose(ctx: SendContext, run: RunInfo, now: Date): Promise<OutgoingMessage> {
    if (this.failure) return Promise.reject(this.failure);
    if (!this.postedRuns.has(run.id)) {
      // A run is posted once per pass (see newPass), ahead of its sends.
      for (const worker of this.workers) this.post(worker, { type: 'run', run });
      this.postedRuns.add(run.id);
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (!this.pending.size) for (const worker of this.workers) worker.ref();
      this.pending.set(id, { resolve, reject });
      this.post(this.workers[id % this.workers.length], { type: 'compose', id, ctx, runId: run.id, now: now.getTime() });
    });
  }

  async close(): Promise<void> {
    this.failure ??= new Error('the compose threads were closed');
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private post(worker: Worker, message: ToThread): void {
    worker.postMessage(message);
  }

  private settle(reply: FromThread): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (!this.pending.size) for (const worker of this.workers) worker.unref();
    if ('error' in reply) return waiting.reject(new Error(reply.error));
    // The bytes arrive as a plain Uint8Array: the same memory, seen as a Buffer again.
    const raw = reply.message.raw as Uint8Array;
    waiting.resolve({ ...reply.message, raw: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength) });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(this.failure);
    this.pending.clear();
    for (const worker of this.workers) worker.unref();
  }
}
