/**
 * Writes a launch once, in one transaction: the run (with its definition frozen), every
 * enrolment with its budget and offer, and the first send of each treated customer. A second
 * launch of the same campaign is refused unless a new run is asked for.
 */
import type { EntityManager } from 'typeorm';
import { Actor, recordAudit, SYSTEM_ACTOR } from '../audit/auditLog';
import type { Database } from '../db/database';
import type { Progress } from '../progress';
import { ConflictError } from '../domain/errors';
import { Money, moneyToMinor } from '../domain/money';
import type { Campaign } from './loader';
import { CampaignPlan, PlannedEnrolment, whyNobody } from './plan';
import { nextStep, scheduleStart } from './steps';

export interface LaunchResult {
  runId: number;
  audience: number;
  treated: number;
  holdout: number;
}

export interface LaunchOptions {
  newRun?: boolean;
  /**
   * Launch only if the campaign has exactly this many runs: the count a confirmation page showed,
   * so a second submit of the same confirmation finds one run more and launches nothing.
   */
  expectRuns?: number;
  incidentId?: number;
  modelVersion?: number | null;
  currency: string;
  timeZone: string;
  now: Date;
  /** Told how many enrolments are written, for a terminal's progress line. */
  progress?: Progress;
  /** Who launched it, for the audit log. */
  actor?: Actor;
}

const ENROLMENT_COLUMNS = 'run_id, customer_id, holdout, treatment, budget_minor, offer, expected_cost_minor, value_minor, facts, offer_expires_at, enrolled_at';
const ENROLMENT_WIDTH = 11;

export async function launchCampaign(db: Database, campaign: Campaign, plan: CampaignPlan, o: LaunchOptions): Promise<LaunchResult> {
  // A run that would send nothing measures nothing, and would block the real launch later.
  const nobody = whyNobody(campaign, plan);
  if (nobody) throw new ConflictError(`campaign "${campaign.name}" has nobody to send to, so nothing was launched: ${nobody}`);
  // SERIALIZABLE: it counts the campaign's runs, then inserts one on that count (and numbers it by
  // the highest id it sees); under READ COMMITTED two launches at once both counted none.
  return db.write(async (tx) => {
    const [{ runs }] = await tx.query(`SELECT COUNT(*) AS runs FROM campaign_runs WHERE campaign = ${db.dialect.param(0)}`, [campaign.name]);
    if (Number(runs) > 0 && !o.newRun) {
      throw new ConflictError(`campaign "${campaign.name}" was launched already; pass --new-run to launch it again for a new run`);
    }
    if (o.expectRuns !== undefined && Number(runs) !== o.expectRuns) {
      throw new ConflictError(`campaign "${campaign.name}" has ${runs} runs, not the ${o.expectRuns} this launch was confirmed with: it was launched in the meantime, so nothing was launched again`);
    }
    const now = o.now.toISOString();
    const { ladder: _ladder, ...definition } = campaign;
    await tx.query(
      `INSERT INTO campaign_runs (campaign, definition, state, model_version, incident_id, currency, launched_at) VALUES ${db.dialect.rows(1, 7)}`,
      [campaign.name, JSON.stringify(definition), 'active', o.modelVersion ?? null, o.incidentId ?? null, o.currency, now],
    );
    const runId = await lastRunId(tx, db, campaign.name);
    await insertEnrolments(tx, db, runId, plan, o);
    await scheduleFirstSends(tx, db, runId, campaign, o);
    const result = { runId, audience: plan.enrolments.length, treated: plan.treated, holdout: plan.holdout };
    await recordAudit(tx, db, o.now, { actor: o.actor ?? SYSTEM_ACTOR, action: 'launch', subject: `run ${runId}`, detail: { campaign: campaign.name, incidentId: o.incidentId ?? null, ...result } });
    return result;
  }, 'SERIALIZABLE');
}

/** Inside the (serializable) write transaction no one else can insert a run it sees, so the newest id is ours. */
async function lastRunId(tx: EntityManager, db: Database, campaign: string): Promise<number> {
  const [row] = await tx.query(`SELECT MAX(id) AS id FROM campaign_runs WHERE campaign = ${db.dialect.param(0)}`, [campaign]);
  return Number(row.id);
}

function enrolmentValues(runId: number, e: PlannedEnrolment, o: LaunchOptions, expiresAt: string): unknown[] {
  const c = o.currency;
  return [
    runId, e.candidate.customerId, e.holdout, e.treatment, moneyToMinor(e.budget, c, Money.ROUND_DOWN),
    e.offer ? JSON.stringify(e.offer.rung) : null, e.offer ? moneyToMinor(e.offer.expectedCost, c) : 0, moneyToMinor(e.valueOfWinBack, c),
    JSON.stringify(e.candidate.facts), e.offer ? expiresAt : null, o.now.toISOString(),
  ];
}

async function insertEnrolments(tx: EntityManager, db: Database, runId: number, plan: CampaignPlan, o: LaunchOptions): Promise<void> {
  const perStatement = Math.floor(db.dialect.maxParams / ENROLMENT_WIDTH);
  const expiresAt = plan.offerExpiresAt.toISOString();
  for (let i = 0; i < plan.enrolments.length; i += perStatement) {
    o.progress?.('enrolling customers', i, plan.enrolments.length);
    const slice = plan.enrolments.slice(i, i + perStatement);
    await tx.query(
      `INSERT INTO enrolments (${ENROLMENT_COLUMNS}) VALUES ${db.dialect.rows(slice.length, ENROLMENT_WIDTH)}`,
      slice.flatMap((e) => enrolmentValues(runId, e, o, expiresAt)),
    );
  }
}

/** Treated customers get their first applicable step; the holdout gets nothing, ever. */
async function scheduleFirstSends(tx: EntityManager, db: Database, runId: number, campaign: Campaign, o: LaunchOptions): Promise<void> {
  o.progress?.('scheduling the first emails');
  const rows: { id: number; customer_id: number; treatment: 'offer' | 'nostalgia-only' | 'make-good' }[] = await tx.query(
    `SELECT id, customer_id, treatment FROM enrolments WHERE run_id = ${db.dialect.param(0)} AND holdout = ${db.dialect.param(1)} ORDER BY id`,
    [runId, false],
  );
  const sends: unknown[][] = [];
  const start = { due: scheduleStart(o.now) };
  for (const row of rows) {
    const next = nextStep(campaign.steps, row.treatment, 0, start, campaign.sendWindow, o.timeZone);
    if (next) sends.push([row.id, runId, row.customer_id, next.step, 'scheduled', next.dueAt.toISOString()]);
  }
  await insertSends(tx, db, sends);
}

/** Rows of (enrolment_id, run_id, customer_id, step, status, due_at); the unique (enrolment, step) index makes a repeat a no-op. */
export async function insertSends(tx: EntityManager, db: Database, sends: unknown[][]): Promise<void> {
  const perStatement = Math.floor(db.dialect.maxParams / 6);
  for (let i = 0; i < sends.length; i += perStatement) {
    const slice = sends.slice(i, i + perStatement);
    await tx.query(
      `INSERT INTO sends (enrolment_id, run_id, customer_id, step, status, due_at) VALUES ${db.dialect.rows(slice.length, 6)} ON CONFLICT (enrolment_id, step) DO NOTHING`,
      slice.flat(),
    );
  }
}
