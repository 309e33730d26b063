/** Steering a run after launch: status, pause, resume, cancel. Each change is one conditional update. */
import { Actor, recordAudit, SYSTEM_ACTOR } from '../audit/auditLog';
import type { Database } from '../db/database';
import { ConflictError, NotFoundError } from '../domain/errors';
import { timeZone } from '../domain/time';
import { workerOf } from './sendStore';

export interface RunStatus {
  runId: number;
  campaign: string;
  state: string;
  reason: string | null;
  audience: number;
  treated: number;
  holdout: number;
  steps: { step: number; due: number; sent: number; failed: number; suppressed: number; exited: number; uncertain: number }[];
  /** Sends claimed and not yet settled, per worker: how many, claimed since when, and until when its lease holds (a dead worker's runs out). */
  claimed: { worker: string; sends: number; since: string; leaseUntil: string | null }[];
  /** The `uncertain` sends (may have arrived, never sent again) by their recorded reason. */
  uncertainReasons: { reason: string; sends: number }[];
}

/** A run id, or a campaign name meaning its latest run. */
export async function findRun(db: Database, ref: string): Promise<{ id: number; campaign: string; state: string; stateReason: string | null; definition: string }> {
  const d = db.dialect;
  const byId = /^\d+$/.test(ref);
  const rows: any[] = await db.reader.query(
    byId ? `SELECT * FROM campaign_runs WHERE id = ${d.param(0)}` : `SELECT * FROM campaign_runs WHERE campaign = ${d.param(0)} ORDER BY id DESC LIMIT 1`,
    [byId ? Number(ref) : ref],
  );
  if (!rows.length) throw new NotFoundError(`no run "${ref}": give a run id or the name of a launched campaign (\`rekindle campaign list\`)`);
  const r = rows[0];
  return { id: Number(r.id), campaign: r.campaign, state: r.state, stateReason: r.state_reason, definition: r.definition };
}

export async function runStatus(db: Database, ref: string): Promise<RunStatus> {
  const run = await findRun(db, ref);
  const d = db.dialect;
  const [counts] = await db.reader.query(
    `SELECT COUNT(*) AS audience, SUM(CASE WHEN holdout THEN 1 ELSE 0 END) AS holdout FROM enrolments WHERE run_id = ${d.param(0)}`,
    [run.id],
  );
  const rows: { step: number; status: string; n: number | string }[] = await db.reader.query(
    `SELECT step, status, COUNT(*) AS n FROM sends WHERE run_id = ${d.param(0)} GROUP BY step, status ORDER BY step`,
    [run.id],
  );
  // Incident updates after the first are numbered past the definition's steps (steps.ts): count them too.
  const stepCount = Math.max((JSON.parse(run.definition) as { steps: unknown[] }).steps.length, ...rows.map((r) => Number(r.step)));
  const steps = Array.from({ length: stepCount }, (_, i) => ({ step: i + 1, due: 0, sent: 0, failed: 0, suppressed: 0, exited: 0, uncertain: 0 }));
  for (const r of rows) {
    const s = steps[Number(r.step) - 1];
    if (!s) continue;
    const n = Number(r.n);
    if (r.status === 'scheduled' || r.status === 'retry' || r.status === 'sending') s.due += n;
    else if (r.status in s) (s as Record<string, number>)[r.status] += n;
  }
  const claimed = await claimedSends(db, run.id);
  const uncertainReasons = (
    await db.reader.query(`SELECT detail, COUNT(*) AS n FROM sends WHERE run_id = ${d.param(0)} AND status = 'uncertain' GROUP BY detail ORDER BY COUNT(*) DESC, detail`, [run.id])
  ).map((r: { detail: string | null; n: number | string }) => ({ reason: r.detail ?? '', sends: Number(r.n) }));
  const audience = Number(counts.audience);
  const holdout = Number(counts.holdout ?? 0);
  return { runId: run.id, campaign: run.campaign, state: run.state, reason: run.stateReason, audience, treated: audience - holdout, holdout, steps, claimed, uncertainReasons };
}

/** Claim tokens are `worker/n` (sendStore.ts): grouped by the worker before the slash. */
async function claimedSends(db: Database, runId: number): Promise<RunStatus['claimed']> {
  const rows: { claimed_by: string | null; n: number | string; since: string; lease: string | null }[] = await db.reader.query(
    `SELECT claimed_by, COUNT(*) AS n, MIN(claimed_at) AS since, MAX(lease_until) AS lease FROM sends WHERE run_id = ${db.dialect.param(0)} AND status = 'sending' GROUP BY claimed_by`,
    [runId],
  );
  const byWorker = new Map<string, RunStatus['claimed'][number]>();
  for (const r of rows) {
    const worker = workerOf(r.claimed_by);
    const seen = byWorker.get(worker);
    if (!seen) byWorker.set(worker, { worker, sends: Number(r.n), since: r.since, leaseUntil: r.lease });
    else {
      seen.sends += Number(r.n);
      if (r.since < seen.since) seen.since = r.since;
      if (r.lease && (!seen.leaseUntil || r.lease > seen.leaseUntil)) seen.leaseUntil = r.lease;
    }
  }
  return [...byWorker.values()].sort((a, b) => a.since.localeCompare(b.since));
}

const MOVES = {
  pause: { from: ['active'], to: 'paused' },
  resume: { from: ['paused'], to: 'active' },
  cancel: { from: ['active', 'paused'], to: 'cancelled' },
} as const;

export async function changeRunState(db: Database, ref: string, action: keyof typeof MOVES, now: Date, actor: Actor = SYSTEM_ACTOR): Promise<RunStatus> {
  const run = await findRun(db, ref);
  const move = MOVES[action];
  const d = db.dialect;
  // Isolation: READ COMMITTED; the conditional UPDATE (state IN the moves' sources) decides.
  const changed = await db.write(async (tx) => {
    const n = await db.execute(
      tx,
      `UPDATE campaign_runs SET state = ${d.param(0)}, state_reason = ${d.param(1)} WHERE id = ${d.param(2)} AND state IN (${move.from.map((_, i) => d.param(3 + i)).join(', ')})`,
      [move.to, action === 'resume' ? null : `${action}d by the marketer at ${now.toISOString()}`, run.id, ...move.from],
    );
    if (n === 1 && action === 'cancel') {
      // Nothing still waiting goes out; a send already on the wire finishes and is recorded.
      await tx.query(`UPDATE sends SET status = 'exited', detail = 'run cancelled' WHERE run_id = ${d.param(0)} AND status IN ('scheduled', 'retry')`, [run.id]);
      await tx.query(`UPDATE enrolments SET exited_at = ${d.param(0)}, exit_reason = 'run-cancelled' WHERE run_id = ${d.param(1)} AND exited_at IS NULL`, [now.toISOString(), run.id]);
    }
    if (n === 1) await recordAudit(tx, db, now, { actor, action, subject: `run ${run.id}`, detail: { campaign: run.campaign } });
    return n;
  });
  if (changed !== 1) throw new ConflictError(`run ${run.id} is ${run.state}; ${action} needs a run that is ${move.from.join(' or ')}`);
  return runStatus(db, String(run.id));
}

/**
 * The scores each run launched with, as (model version, as-of day): a launch scores as of its
 * day in the shop's time zone. Kept when old scores are pruned, for an audit of a launch.
 */
export async function launchScoreDays(db: Database, shopTimeZone: string): Promise<{ modelVersion: number; asOf: string }[]> {
  const rows: { model_version: number; launched_at: string }[] = await db.reader.query('SELECT model_version, launched_at FROM campaign_runs WHERE model_version IS NOT NULL');
  const zone = timeZone(shopTimeZone);
  const days = new Map<string, { modelVersion: number; asOf: string }>();
  for (const row of rows) {
    const kept = { modelVersion: Number(row.model_version), asOf: zone.day(Date.parse(row.launched_at)) };
    days.set(`${kept.modelVersion} ${kept.asOf}`, kept);
  }
  return [...days.values()];
}
