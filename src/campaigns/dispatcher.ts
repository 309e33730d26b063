/**
 * The sending engine: reconcile what a crash left half-done, then, batch by batch, decide each
 * due send (exit, suppress, defer or send), claim the ones to send, send them, and record each
 * outcome together with the next step. Exactly one email per customer per step: the send row
 * exists before the SMTP call, the claim is a conditional update, and a send that may have left
 * is never sent again without evidence that it did not.
 */
import type { EntityManager } from 'typeorm';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import type { Logger } from '../logger';
import type { Mailer, SendOutcome } from '../mail/transport';
import type { Composer, TemplateBatch } from './composer';
import { ClaimAhead } from './claimAhead';
import { ComposeThreads } from './composeThreads';
import { decideSend } from './sendDecision';
import { loadContexts, SendContext } from './sendContext';
import { DueSend, Move, SendStore } from './sendStore';
import { loadRuns, RunInfo } from './runInfo';
import { CustomerEvent, insertEvents } from '../customer/events';
import { insertSends } from './launch';
import { nextStep } from './steps';

export interface DispatchOptions {
  batchSize: number;
  /** Messages in flight at once (the SMTP pool's connections do the rest). */
  concurrency: number;
  /** A claim older than this, by another worker, is treated as abandoned by a crash. */
  leaseMs: number;
  /** Worker threads that compose emails when a pass starts with a full batch; 0: compose in this thread. */
  composeThreads: number;
}

/** Sends per claiming, and outcomes per recording, transaction while a batch is sending. */
const SENDS_PER_WRITE = 50;

export const DEFAULT_DISPATCH: DispatchOptions = { batchSize: 500, concurrency: 16, leaseMs: 120_000, composeThreads: 1 };

export interface DispatchSummary {
  sent: number;
  failed: number;
  retried: number;
  suppressed: number;
  exited: number;
  deferred: number;
  reconciled: { sent: number; resend: number; uncertain: number };
  paused: { runId: number; reason: string }[];
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
  options?: Partial<DispatchOptions>;
}

/** Rows collected while recording outcomes, written at the end of the same transaction. */
interface RowsAfter {
  events: CustomerEvent[];
  sends: unknown[][];
}

const newRowsAfter = (): RowsAfter => ({ events: [], sends: [] });

async function writeRowsAfter(tx: EntityManager, db: Database, after: RowsAfter): Promise<void> {
  await insertEvents(tx, db, after.events);
  await insertSends(tx, db, after.sends);
}

export class Dispatcher {
  private readonly store: SendStore;
  private readonly options: DispatchOptions;
  /** Started by a pass with much to send, closed at its end. */
  private threads: ComposeThreads | null = null;

  constructor(private readonly deps: DispatcherDeps) {
    this.store = new SendStore(deps.db);
    this.options = { ...DEFAULT_DISPATCH, ...deps.options };
  }

  /** One pass: everything due now, until nothing is. */
  async dispatchOnce(): Promise<DispatchSummary> {
    const summary: DispatchSummary = { sent: 0, failed: 0, retried: 0, suppressed: 0, exited: 0, deferred: 0, reconciled: { sent: 0, resend: 0, uncertain: 0 }, paused: [] };
    await this.reconcile(summary);
    const runs = new Map<number, RunInfo>();
    try {
      for (let pass = 0; pass < 10_000; pass++) {
        const due = await this.store.due(this.deps.clock(), this.options.batchSize);
        if (!due.length) break;
        // A full first batch means much to send: worth a thread's start-up (about half a second).
        if (pass === 0 && due.length === this.options.batchSize) this.threads = ComposeThreads.start(this.deps.composer.threadSetup(), this.options.composeThreads);
        await this.loadMissingRuns(runs, due);
        await this.dispatchBatch(due, runs, summary);
      }
    } finally {
      await this.threads?.close();
      this.threads = null;
    }
    await this.completeFinishedRuns();
    return summary;
  }

  private async loadMissingRuns(runs: Map<number, RunInfo>, due: DueSend[]): Promise<void> {
    const missing = [...new Set(due.map((s) => s.runId))].filter((id) => !runs.has(id));
    for (const [id, info] of await loadRuns(this.deps.db, missing, this.deps.viewsDir)) runs.set(id, info);
  }

  private async dispatchBatch(due: DueSend[], runs: Map<number, RunInfo>, summary: DispatchSummary): Promise<void> {
    const now = this.deps.clock();
    const contexts = await loadContexts(this.deps.db, due, new Date(now.getTime() - 366 * 86_400_000));
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
      if (m.event === 'exit' && m.set?.detail === 'purchase') await this.markExited(tx, contexts.get(m.sendId) as SendContext, 'purchase');
    });
    const claims = new ClaimAhead(toSend, (ids) => this.store.claim(ids, this.deps.worker, now), SENDS_PER_WRITE, this.options.concurrency);
    await this.sendAll(claims, Math.min(this.options.concurrency, toSend.length), runs, summary);
  }

  /**
   * Compose and send with bounded concurrency; a composing error is a fatal outcome for that run.
   * Sends are claimed, and outcomes recorded, SENDS_PER_WRITE at a time while the rest of the
   * batch is still sending: the database work overlaps the SMTP work, and a crash leaves few
   * sends claimed but unrecorded. If claiming or recording fails, no further send is started.
   */
  private async sendAll(claims: ClaimAhead<SendContext>, senders: number, runs: Map<number, RunInfo>, summary: DispatchSummary): Promise<void> {
    let pending: { ctx: SendContext; outcome: SendOutcome }[] = [];
    let recording: Promise<void> = Promise.resolve();
    let broken = false;
    const flush = () => {
      const outcomes = pending;
      pending = [];
      recording = recording.then(() => this.record(outcomes, runs, summary));
      recording.catch(() => (broken = true)); // handled here; rethrown by the final await
    };
    const batch: TemplateBatch = new Map();
    this.threads?.newBatch();
    const worker = async () => {
      for (let ctx = await claims.next(); ctx && !broken; ctx = await claims.next()) {
        const run = runs.get(ctx.send.runId) as RunInfo;
        let outcome: SendOutcome;
        try {
          const now = this.deps.clock();
          const message = await (this.threads ? this.threads.compose(ctx, run, now) : this.deps.composer.compose(ctx, run, now, { batch }));
          outcome = await this.deps.mailer.send(message, ctx.send.attempts + 1);
        } catch (error) {
          outcome = { status: 'failed', failure: { kind: 'fatal', reason: `could not build the email: ${(error as Error).message}` } };
        }
        pending.push({ ctx, outcome });
        if (pending.length >= SENDS_PER_WRITE) flush();
      }
    };
    await Promise.all(Array.from({ length: senders }, worker));
    flush();
    await recording;
    if (claims.failure) throw claims.failure;
  }

  private async record(outcomes: { ctx: SendContext; outcome: SendOutcome }[], runs: Map<number, RunInfo>, summary: DispatchSummary): Promise<void> {
    const now = this.deps.clock();
    const moves: Move[] = [];
    const byId = new Map<number, { ctx: SendContext; outcome: SendOutcome }>();
    const fatal = new Map<number, string>();
    for (const o of outcomes) {
      byId.set(o.ctx.send.id, o);
      moves.push(this.moveFor(o.ctx, o.outcome, now));
      if (o.outcome.status === 'failed' && o.outcome.failure.kind === 'fatal') fatal.set(o.ctx.send.runId, o.outcome.failure.reason);
    }
    const after = newRowsAfter();
    await this.store.apply(
      moves,
      async (tx, m) => {
        const { ctx, outcome } = byId.get(m.sendId) as { ctx: SendContext; outcome: SendOutcome };
        if (m.event === 'delivered') {
          summary.sent++;
          this.recordSent(after, ctx.send, ctx.treatment, runs.get(ctx.send.runId), now, outcome.status === 'already-delivered' ? { reconciled: true } : null);
        } else if (m.event === 'transient') summary.retried++;
        else if (m.event === 'exhausted') summary.failed++;
        else if (m.event === 'permanent') {
          summary.suppressed++;
          await this.suppress(tx, ctx.email as string, 'bounced', 'smtp', now);
        }
      },
      (tx) => writeRowsAfter(tx, this.deps.db, after),
    );
    for (const [runId, reason] of fatal) {
      await this.store.pauseRun(runId, reason);
      if (summary.paused.some((p) => p.runId === runId)) continue;
      summary.paused.push({ runId, reason });
      this.deps.logger.error({ runId, reason }, 'run paused: sending cannot succeed until this is fixed');
    }
  }

  private moveFor(ctx: SendContext, outcome: SendOutcome, now: Date): Move {
    const id = ctx.send.id;
    if (outcome.status !== 'failed') {
      return { sendId: id, event: 'delivered', set: { sent_at: now.toISOString(), message_id: outcome.messageId, detail: outcome.detail.slice(0, 500) } };
    }
    const f = outcome.failure;
    if (f.kind === 'permanent') return { sendId: id, event: 'permanent', set: { detail: f.reason.slice(0, 500) } };
    if (f.kind === 'fatal') return { sendId: id, event: 'fatal', set: { detail: f.reason.slice(0, 500) } };
    if (f.retryAfterMs === null) return { sendId: id, event: 'exhausted', set: { detail: f.reason.slice(0, 500) } };
    return { sendId: id, event: 'transient', set: { due_at: new Date(now.getTime() + f.retryAfterMs).toISOString(), detail: f.reason.slice(0, 500) } };
  }

  /**
   * Written in the same transaction as `sent`, whether the send was just delivered or found
   * delivered after a crash: the event, and the customer's next step.
   */
  private recordSent(after: RowsAfter, send: DueSend, treatment: SendContext['treatment'], run: RunInfo | undefined, now: Date, data: Record<string, unknown> | null): void {
    after.events.push({ type: 'sent', customerId: send.customerId, runId: send.runId, sendId: send.id, at: now, data });
    const next = run && nextStep(run.campaign.steps, treatment, send.step, { due: new Date(send.dueAt), sent: now }, run.campaign.sendWindow, this.deps.timeZone);
    if (next) after.sends.push([send.enrolmentId, send.runId, send.customerId, next.step, 'scheduled', next.dueAt.toISOString()]);
  }

  /**
   * Claims a crash left behind: the outbox can prove whether the file exists; SMTP cannot,
   * so those become `uncertain` and are reported, never resent blindly.
   */
  private async reconcile(summary: DispatchSummary): Promise<void> {
    const now = this.deps.clock();
    const abandoned = await this.store.abandoned(now, this.options.leaseMs, this.deps.worker);
    if (!abandoned.length) return;
    const runs = await loadRuns(this.deps.db, [...new Set(abandoned.map((s) => s.runId))], this.deps.viewsDir);
    for (const send of abandoned) {
      const evidence = await this.deps.mailer.evidence({ campaign: send.campaign, sendId: String(send.id) });
      const event = evidence === 'delivered' ? 'found' : evidence === 'not-delivered' ? 'notLeft' : 'lost';
      const after = newRowsAfter();
      const move: Move = { sendId: send.id, event, set: { detail: `reconciled after a crash: ${evidence}`, ...(event === 'notLeft' ? { due_at: now.toISOString() } : {}), ...(event === 'found' ? { sent_at: now.toISOString() } : {}) } };
      await this.store.apply([move], async (tx) => {
        if (event === 'found') {
          summary.reconciled.sent++;
          const [enrolment] = await tx.query(`SELECT treatment FROM enrolments WHERE id = ${this.deps.db.dialect.param(0)}`, [send.enrolmentId]);
          this.recordSent(after, send, enrolment.treatment, runs.get(send.runId), now, { reconciled: true });
        } else if (event === 'notLeft') summary.reconciled.resend++;
        else summary.reconciled.uncertain++;
      }, (tx) => writeRowsAfter(tx, this.deps.db, after));
      this.deps.logger.warn({ sendId: send.id, evidence }, 'reconciled a send left in flight by a crash');
    }
  }

  private async markExited(tx: EntityManager, ctx: SendContext, reason: string): Promise<void> {
    const d = this.deps.db.dialect;
    await tx.query(`UPDATE enrolments SET exited_at = ${d.param(0)}, exit_reason = ${d.param(1)} WHERE id = ${d.param(2)} AND exited_at IS NULL`, [
      this.deps.clock().toISOString(), reason, ctx.send.enrolmentId,
    ]);
  }

  private async suppress(tx: EntityManager, email: string, reason: string, source: string, now: Date): Promise<void> {
    const d = this.deps.db.dialect;
    await tx.query(`INSERT INTO suppressions (email, reason, source, at) VALUES (${d.param(0)}, ${d.param(1)}, ${d.param(2)}, ${d.param(3)}) ON CONFLICT (email) DO NOTHING`, [email, reason, source, now.toISOString()]);
  }

  /** A run whose sends are all final is complete; an incident's runs wait for `incident resolve`. */
  private async completeFinishedRuns(): Promise<void> {
    await this.deps.db.write((tx) =>
      tx.query(`UPDATE campaign_runs SET state = 'completed' WHERE state = 'active' AND (incident_id IS NULL OR incident_id IN (SELECT id FROM incidents WHERE status = 'resolved'))
        AND NOT EXISTS (SELECT 1 FROM sends s WHERE s.run_id = campaign_runs.id AND s.status IN ('scheduled', 'retry', 'sending'))`),
    );
  }
}
