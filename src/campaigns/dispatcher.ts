/**
 * The sending engine: reconcile what a crash left half-done, then, batch by batch, decide each
 * due send (exit, suppress, defer or send), claim the ones to send, send them, and record each
 * outcome together with the next step. Exactly one email per customer per step: the send row
 * exists before the SMTP call, the claim is a conditional update, and a send that may have left
 * is never sent again without evidence that it did not.
 */
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import type { Logger } from '../logger';
import type { ForgottenAddresses } from '../privacy/forgottenAddresses';
import type { Mailer, SendOutcome } from '../mail/transport';
import type { Composer, TemplateBatch } from './composer';
import { ClaimAhead } from './claimAhead';
import { RefusalRow } from './refusalRow';
import { ComposeThreads } from './composeThreads';
import { decideSend } from './sendDecision';
import { loadContexts, SendContext } from './sendContext';
import { DueSend, Move, outcomeMove, SendStore } from './sendStore';
import { loadRuns, RunInfo } from './runInfo';
import { newRowsAfter, recordSent, scheduleNext, writeRowsAfter } from './rowsAfter';
import { takeOverAbandoned } from './takeover';
import { continuesSequence, TRANSITIONS } from '../domain/sendStatus';

export interface DispatchOptions {
  batchSize: number;
  /** Messages in flight at once (the SMTP pool's connections do the rest). */
  concurrency: number;
  /**
   * How long a claim holds unless renewed; a working dispatcher renews its claims every quarter
   * of it, so a claim whose lease ran out was left by a dead worker and is taken over.
   */
  leaseMs: number;
  /** Worker threads that compose emails when a pass starts with a full batch; 0: compose in this thread. */
  composeThreads: number;
}

/** Sends per claiming, and outcomes per recording, transaction while a batch is sending. */
const SENDS_PER_WRITE = 50;
/** Sends stamped as handed to the mailer per statement: a dead worker leaves at most about this many handed and not yet started. */
const SENDS_PER_HAND = 8;

export const DEFAULT_DISPATCH: DispatchOptions = { batchSize: 500, concurrency: 16, leaseMs: 120_000, composeThreads: 1 };

/** How a caller steers one pass. */
export interface PassControl {
  /** Aborted when the process is stopping: sends on their way finish and are recorded, no new one starts, the claimed rest is released. */
  signal?: AbortSignal;
  /** Called as outcomes are recorded, with how many sends this pass has settled so far. */
  onProgress?: (settled: number) => void;
}

export interface DispatchSummary {
  sent: number;
  failed: number;
  retried: number;
  suppressed: number;
  exited: number;
  deferred: number;
  /** The connection went after the whole message was written, before the server's reply: `uncertain`, never sent again. */
  uncertain: number;
  reconciled: { sent: number; resend: number; uncertain: number };
  paused: { runId: number; campaign: string; reason: string }[];
  /** Claimed but never tried, and given back: the batch stopped at a fatal error, or the process is stopping. */
  released: number;
}

export interface DispatcherDeps {
  db: Database;
  mailer: Mailer;
  composer: Composer;
  clock: Clock;
  logger: Logger;
  worker: string;
  timeZone: string;
  viewsDir: string;
  /** Addresses erased on request: never mailed, whichever customer row they turn up on again. */
  forgotten: ForgottenAddresses;
  options?: Partial<DispatchOptions>;
}

export class Dispatcher {
  private readonly store: SendStore;
  private readonly options: DispatchOptions;
  /**
   * Started by the first pass with much to send and kept for the next ones (a start costs about a
   * CPU second: the thread loads the composer and MJML), until close().
   */
  private threads: ComposeThreads | null = null;
  private control: PassControl = {};
  /** Sends whose outcome came in after the pass was told to stop: the ones it waited for. */
  private finishedAfterStop = 0;

  constructor(private readonly deps: DispatcherDeps) {
    this.store = new SendStore(deps.db);
    this.options = { ...DEFAULT_DISPATCH, ...deps.options };
  }

  /** This process's worker id: the prefix of its claim tokens, shown in logs and `campaign status`. */
  get worker(): string {
    return this.deps.worker;
  }

  /** One pass: everything due now, until nothing is (or until `control.signal` says stop). */
  async dispatchOnce(control: PassControl = {}): Promise<DispatchSummary> {
    const summary: DispatchSummary = { sent: 0, failed: 0, retried: 0, suppressed: 0, exited: 0, deferred: 0, uncertain: 0, reconciled: { sent: 0, resend: 0, uncertain: 0 }, paused: [], released: 0 };
    this.control = control;
    const renewal = this.renewLeases();
    const runs = new Map<number, RunInfo>();
    try {
      // Other workers' claims are looked at again every quarter lease: a worker killed meanwhile is taken over while this one keeps sending.
      let reconciledAt = -Infinity;
      for (let pass = 0; pass < 10_000 && !control.signal?.aborted; pass++) {
        if (Date.now() - reconciledAt >= this.options.leaseMs / 4) {
          await takeOverAbandoned(this.deps, this.store, this.options.leaseMs, summary);
          reconciledAt = Date.now();
        }
        const { token, sends: due } = await this.store.pick(this.deps.clock(), this.options.batchSize, this.deps.worker, this.options.leaseMs);
        if (!due.length) break;
        if (pass === 0) await this.startThreads(due.length);
        renewal.batch = due.map((s) => s.id);
        try {
          await this.loadMissingRuns(runs, due);
          await this.dispatchBatch(due, runs, summary);
        } finally {
          renewal.batch = [];
          await this.store.unpick(due.map((s) => s.id), token);
        }
      }
    } finally {
      renewal.stop();
    }
    await this.store.completeFinishedRuns();
    if (control.signal?.aborted) {
      this.deps.logger.info(
        { finished: this.finishedAfterStop, released: summary.released, sent: summary.sent },
        'dispatch stopped: the sends on their way finished and were recorded; the claimed ones not yet tried were released for the next dispatch',
      );
    }
    return summary;
  }

  /** Ends the compose threads; a later pass would start new ones. Call when the process stops. */
  async close(): Promise<void> {
    const threads = this.threads;
    this.threads = null;
    await threads?.close();
  }

  /**
   * A full first batch means much to send: worth a thread's start-up. Threads that failed (one
   * crashed) are replaced, so one bad pass does not fail the composing of every later one.
   */
  private async startThreads(firstBatch: number): Promise<void> {
    if (this.threads?.failed) await this.close();
    if (!this.threads && firstBatch === this.options.batchSize) this.threads = ComposeThreads.start(this.deps.composer.threadSetup(), this.options.composeThreads);
    this.threads?.newPass();
  }

  /**
   * Renews the lease on the batch being worked on (its picked and claimed sends) every quarter
   * lease, on a timer of its own so a long SMTP wait cannot starve it. Only that batch: a claim an
   * earlier batch could not settle (its recording failed) is left to run out and be reconciled
   * like a dead worker's. A renewal that fails is logged; the next one tries again, and three in a
   * row must fail before another worker may take the claims over.
   */
  private renewLeases(): { batch: number[]; stop: () => void } {
    const { leaseMs } = this.options;
    let renewing: Promise<unknown> = Promise.resolve();
    const renewal = { batch: [] as number[], stop: () => clearInterval(timer) };
    const timer = setInterval(() => {
      const ids = renewal.batch;
      renewing = renewing.then(() =>
        this.store.renew(ids, this.deps.worker, this.deps.clock(), leaseMs).catch((error: unknown) => this.deps.logger.warn({ err: error, worker: this.deps.worker }, 'could not renew the lease on claimed sends')),
      );
    }, leaseMs / 4);
    timer.unref();
    return renewal;
  }

  private async loadMissingRuns(runs: Map<number, RunInfo>, due: DueSend[]): Promise<void> {
    const missing = [...new Set(due.map((s) => s.runId))].filter((id) => !runs.has(id));
    for (const [id, info] of await loadRuns(this.deps.db, missing, this.deps.viewsDir)) runs.set(id, info);
  }

  private async dispatchBatch(due: DueSend[], runs: Map<number, RunInfo>, summary: DispatchSummary): Promise<void> {
    const now = this.deps.clock();
    const contexts = await loadContexts(this.deps.db, due, new Date(now.getTime() - 366 * 86_400_000), this.deps.forgotten);
    const early: Move[] = [];
    const toSend: SendContext[] = [];
    // The recent sends were read before this batch: a customer's sends decided to go in it count
    // too, or two campaigns due in the same pass would both pass a cap of one email.
    const goingNow = new Map<number, Date[]>();
    for (const send of due) {
      const ctx = contexts.get(send.id);
      const run = runs.get(send.runId);
      if (!ctx || !run) continue;
      const alsoNow = goingNow.get(send.customerId);
      const decision = decideSend(alsoNow ? { ...ctx, recentSends: [...ctx.recentSends, ...alsoNow] } : ctx, run.campaign, now, this.deps.timeZone);
      if (decision.kind === 'send') {
        toSend.push(ctx);
        goingNow.set(send.customerId, [...(alsoNow ?? []), now]);
      } else if (decision.kind === 'defer') early.push({ sendId: send.id, event: 'defer', set: { due_at: decision.until.toISOString(), detail: decision.reason } });
      else early.push({ sendId: send.id, event: decision.kind === 'exit' ? 'exit' : 'suppress', set: { detail: decision.reason } });
    }
    await this.store.apply(early, async (tx, m) => {
      if (m.event === 'exit') summary.exited++;
      else if (m.event === 'suppress') summary.suppressed++;
      else summary.deferred++;
      if (m.event === 'exit' && m.set?.detail === 'purchase') await this.store.markExited(tx, (contexts.get(m.sendId) as SendContext).send.enrolmentId, 'purchase', now);
    });
    this.reportProgress(summary);
    // The lease counts from the claim, not from the batch's start: a long batch must not claim sends already out of lease.
    const hand = { mark: (ids: number[]) => this.store.hand(ids, this.deps.worker, this.deps.clock(), this.options.leaseMs), chunk: SENDS_PER_HAND };
    const claims = new ClaimAhead(toSend, (ids) => this.store.claim(ids, this.deps.worker, this.deps.clock(), this.options.leaseMs), SENDS_PER_WRITE, this.options.concurrency, hand);
    await this.sendAll(claims, Math.min(this.options.concurrency, toSend.length), runs, summary);
  }

  /**
   * Compose and send with bounded concurrency; a composing error is a fatal outcome for that run.
   * Sends are claimed, and outcomes recorded, SENDS_PER_WRITE at a time while the rest of the
   * batch is still sending: the database work overlaps the SMTP work, and a crash leaves few
   * sends claimed but unrecorded. No further send starts once one fails fatally (the rest would
   * fail the same way: a full disk, refused credentials), once claiming or recording fails, or
   * once the pass is told to stop; the sends already on their way finish and are recorded, and
   * the ones claimed but not tried are released.
   */
  private async sendAll(claims: ClaimAhead<SendContext>, senders: number, runs: Map<number, RunInfo>, summary: DispatchSummary): Promise<void> {
    let pending: { ctx: SendContext; outcome: SendOutcome }[] = [];
    let recording: Promise<void> = Promise.resolve();
    const flush = () => {
      const outcomes = pending;
      pending = [];
      recording = recording.then(() => this.record(outcomes, runs, summary));
      recording.catch(() => claims.halt()); // handled here; rethrown below
    };
    const stop = () => claims.halt();
    if (this.control.signal?.aborted) stop();
    this.control.signal?.addEventListener('abort', stop);
    const untried: SendContext[] = [];
    // Permanent refusals in a row are held back until a delivery, or their number, says whose they are.
    const refusals = new RefusalRow<SendContext>();
    const batch: TemplateBatch = new Map();
    this.threads?.newBatch();
    const worker = async () => {
      for (let ctx = await claims.next(); ctx; ctx = await claims.next()) {
        // Handed out just before a halt: not on its way yet, so not started.
        if (claims.isHalted) return void untried.push(ctx);
        const outcome = await this.sendOne(ctx, runs.get(ctx.send.runId) as RunInfo, batch);
        if (this.control.signal?.aborted) this.finishedAfterStop++;
        if (outcome.status === 'failed' && outcome.failure.kind === 'fatal') claims.halt();
        pending.push(...refusals.next({ ctx, outcome }));
        if (refusals.isTripped) claims.halt();
        if (pending.length >= SENDS_PER_WRITE) flush();
      }
    };
    try {
      await Promise.all(Array.from({ length: senders }, worker));
    } finally {
      this.control.signal?.removeEventListener('abort', stop);
    }
    pending.push(...refusals.rest());
    flush();
    const recordFailure = await recording.then(() => null, (error: unknown) => error ?? new Error('recording failed'));
    untried.push(...(await claims.unclaimed()));
    await this.release(untried, summary);
    if (recordFailure) throw recordFailure;
    if (claims.failure) throw claims.failure;
  }

  private async sendOne(ctx: SendContext, run: RunInfo, batch: TemplateBatch): Promise<SendOutcome> {
    try {
      const now = this.deps.clock();
      const message = await (this.threads ? this.threads.compose(ctx, run, now) : this.deps.composer.compose(ctx, run, now, { batch }));
      return await this.deps.mailer.send(message, ctx.send.attempts + 1);
    } catch (error) {
      return { status: 'failed', failure: { kind: 'fatal', reason: `could not build the email: ${(error as Error).message}` } };
    }
  }

  /** Back to waiting, unclaimed, with the attempt the claim counted taken back: it never left. */
  private async release(untried: SendContext[], summary: DispatchSummary): Promise<void> {
    const moves: Move[] = untried.map((ctx) => ({ sendId: ctx.send.id, event: 'release', set: { claimed_by: null, claimed_at: null, lease_until: null, handed_at: null, attempts: ctx.send.attempts } }));
    summary.released += await this.store.apply(moves);
  }

  private reportProgress(summary: DispatchSummary): void {
    this.control.onProgress?.(summary.sent + summary.failed + summary.retried + summary.suppressed + summary.exited + summary.deferred);
  }

  private async record(outcomes: { ctx: SendContext; outcome: SendOutcome }[], runs: Map<number, RunInfo>, summary: DispatchSummary): Promise<void> {
    const now = this.deps.clock();
    const moves: Move[] = [];
    const byId = new Map<number, { ctx: SendContext; outcome: SendOutcome }>();
    const fatal = new Map<number, string>();
    for (const o of outcomes) {
      byId.set(o.ctx.send.id, o);
      moves.push(outcomeMove(o.ctx.send.id, o.outcome, now));
      if (o.outcome.status === 'failed' && o.outcome.failure.kind === 'fatal') fatal.set(o.ctx.send.runId, o.outcome.failure.reason);
    }
    const after = newRowsAfter();
    await this.store.apply(
      moves,
      async (tx, m) => {
        const { ctx, outcome } = byId.get(m.sendId) as { ctx: SendContext; outcome: SendOutcome };
        if (m.event === 'delivered') {
          summary.sent++;
          recordSent(after, this.deps.timeZone, ctx.send, ctx.treatment, runs.get(ctx.send.runId), now, outcome.status === 'already-delivered' ? { reconciled: true } : null);
        } else if (m.event === 'transient') summary.retried++;
        else if (m.event === 'exhausted') summary.failed++;
        else if (m.event === 'lost') {
          // As a dead worker's handed-over send (reconcile): it may have arrived, so the sequence goes on.
          summary.uncertain++;
          if (continuesSequence(TRANSITIONS.lost.to)) scheduleNext(after, this.deps.timeZone, ctx.send, ctx.treatment, runs.get(ctx.send.runId), { due: new Date(ctx.send.dueAt), sent: now });
          this.deps.logger.warn({ sendId: m.sendId, reason: m.set?.detail }, 'send uncertain: not sent again');
        } else if (m.event === 'permanent') {
          summary.suppressed++;
          await this.store.suppress(tx, ctx.email as string, 'bounced', 'smtp', now);
        }
      },
      (tx) => writeRowsAfter(tx, this.deps.db, after),
    );
    this.reportProgress(summary);
    for (const [runId, reason] of fatal) {
      await this.store.pauseRun(runId, reason);
      if (summary.paused.some((p) => p.runId === runId)) continue;
      const campaign = outcomes.find((o) => o.ctx.send.runId === runId)?.ctx.send.campaign ?? '';
      summary.paused.push({ runId, campaign, reason });
      this.deps.logger.error({ runId, campaign, reason }, 'run paused: sending cannot succeed until this is fixed');
    }
  }
}
