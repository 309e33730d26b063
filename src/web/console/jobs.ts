/**
 * Long work started from the console (an import, a model check) runs in the background as a
 * job, so the page that started it can show a progress bar fed by the server: its state as
 * JSON, and as Server-Sent Events while it runs. Jobs live in memory for the life of the
 * process: what they did is in the database (import batches), how far they came is news.
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { NotFoundError, RekindleError } from '../../domain/errors';

export type JobState = 'running' | 'done' | 'failed';

export interface JobStatus {
  id: string;
  kind: string;
  /** What it is working on, in words ("importing orders.csv"). */
  label: string;
  state: JobState;
  /** The current phase, as src/progress.ts reports it. */
  phase: string;
  done?: number;
  total?: number;
  /** 0..1 when known: the progress bar's value. */
  fraction?: number;
  startedAt: string;
  finishedAt?: string;
  /** A failed job's message: an InputError's exactly as the CLI prints it. */
  error?: string;
}

export interface Job<R = unknown> extends JobStatus {
  result?: R;
}

/** What a job's work is told to report: a phase, and how far into it. */
export type JobProgress = (phase: string, done?: number, total?: number, fraction?: number) => void;

type Listener = (status: JobStatus) => void;

const KEPT = 50;

export class JobBoard {
  private readonly jobs = new Map<string, Job>();
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(private readonly now: () => Date) {}

  /** Starts `work` now and returns its job at once; the work's end (or error) is recorded on it. */
  start<R>(kind: string, label: string, work: (progress: JobProgress) => Promise<R>): Job<R> {
    const job: Job<R> = { id: randomUUID(), kind, label, state: 'running', phase: 'starting', startedAt: this.now().toISOString() };
    this.jobs.set(job.id, job);
    this.forgetOld();
    const progress: JobProgress = (phase, done, total, fraction) => {
      Object.assign(job, { phase, done, total, fraction: fraction ?? (total ? Math.min(1, (done ?? 0) / total) : undefined) });
      this.tell(job);
    };
    // After the caller has the id: a job that fails at once still has a page to show it on.
    setImmediate(() => {
      work(progress).then(
        (result) => this.finish(job, { state: 'done', phase: 'done', fraction: 1, result }),
        (error: unknown) => this.finish(job, { state: 'failed', phase: 'failed', error: messageOf(error) }),
      );
    });
    return job;
  }

  get(id: string, kind?: string): Job {
    const job = this.jobs.get(id);
    if (!job || (kind !== undefined && job.kind !== kind)) throw new NotFoundError('no such job: it may have finished before the server restarted; the page it came from shows what was written');
    return job;
  }

  /** Newest first. */
  recent(kind: string): Job[] {
    return [...this.jobs.values()].filter((j) => j.kind === kind).reverse();
  }

  running(kind: string): Job | undefined {
    return this.recent(kind).find((j) => j.state === 'running');
  }

  /** Calls `listener` on every change until the job ends; returns the unsubscribe. */
  follow(id: string, listener: Listener): () => void {
    let set = this.listeners.get(id);
    if (!set) this.listeners.set(id, (set = new Set()));
    set.add(listener);
    return () => set?.delete(listener);
  }

  private finish(job: Job, end: Partial<Job>): void {
    Object.assign(job, end, { finishedAt: this.now().toISOString() });
    this.tell(job);
    this.listeners.delete(job.id);
  }

  private tell(job: Job): void {
    for (const listener of this.listeners.get(job.id) ?? []) listener(statusOf(job));
  }

  private forgetOld(): void {
    const finished = [...this.jobs.values()].filter((j) => j.state !== 'running');
    for (const job of finished.slice(0, Math.max(0, this.jobs.size - KEPT))) this.jobs.delete(job.id);
  }
}

/** A person reads the message of our own errors; anything else is a bug, said so without its stack. */
function messageOf(error: unknown): string {
  if (error instanceof RekindleError) return error.message;
  return `unexpected error: ${(error as Error)?.message ?? String(error)}`;
}

export function statusOf(job: Job): JobStatus {
  const { result: _result, ...status } = job;
  return status;
}

/**
 * The job's status as Server-Sent Events: one `data:` line of JSON now and at each change (at
 * most every 200 ms), the last one when it ends, then the stream closes.
 */
export function jobEvents(board: JobBoard): RequestHandler {
  return (req, res) => {
    const job = board.get(String(req.params.jobId));
    res.set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    const send = (status: JobStatus) => res.write(`data: ${JSON.stringify(status)}\n\n`);
    send(statusOf(job));
    if (job.state !== 'running') return void res.end();
    let last = 0;
    let pending: NodeJS.Timeout | undefined;
    const stop = board.follow(job.id, (status) => {
      if (status.state !== 'running') {
        clearTimeout(pending);
        stop();
        send(status);
        return void res.end();
      }
      if (pending) return;
      pending = setTimeout(() => {
        pending = undefined;
        last = Date.now();
        if (job.state === 'running') send(statusOf(job));
      }, Math.max(0, 200 - (Date.now() - last)));
    });
    res.on('close', () => {
      clearTimeout(pending);
      stop();
    });
  };
}

/** The same status as one JSON document, for a poller. */
export function jobJson(board: JobBoard): RequestHandler {
  return (req, res) => {
    res.set('Cache-Control', 'no-store').json(statusOf(board.get(String(req.params.jobId))));
  };
}

const boards = new WeakMap<object, JobBoard>();

/** One board per running app (keyed by its services), so every console page sees the same jobs. */
export function jobBoardOf(services: { clock: () => Date }): JobBoard {
  let board = boards.get(services);
  if (!board) boards.set(services, (board = new JobBoard(services.clock)));
  return board;
}
