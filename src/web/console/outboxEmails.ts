/**
 * The sends of one run and step, and the email of one send as its customer got it: the .eml the
 * outbox wrote (OUTBOX_DIR), or, for a send that left through SMTP, the same send composed again
 * at its sent time (the composer is deterministic: same send, same bytes, as long as the run's
 * templates and the customer's data have not changed since).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadRuns } from '../../campaigns/runInfo';
import { loadContexts } from '../../campaigns/sendContext';
import type { CampaignFile } from '../../campaigns/definition';
import { NotFoundError } from '../../domain/errors';
import { readMessage, ReadMessage } from '../../mail/readMessage';
import type { Services } from '../../wiring';

export const OUTBOX_PAGE_SIZE = 100;

export interface RunSummary {
  id: number;
  campaign: string;
  state: string;
  launchedAt: string;
  steps: CampaignFile['steps'];
}

export interface SendRow {
  id: number;
  enrolmentId: number;
  customerId: number;
  step: number;
  status: string;
  dueAt: string;
  sentAt: string | null;
  attempts: number;
  detail: string | null;
  email: string | null;
  firstName: string | null;
}

/** The run, checked to belong to the campaign named in the address. */
export async function runOf(services: Services, campaign: string, runId: string): Promise<RunSummary> {
  const rows: any[] = /^\d+$/.test(runId)
    ? await services.db.reader.query(`SELECT id, campaign, state, launched_at, definition FROM campaign_runs WHERE id = ${services.db.dialect.param(0)}`, [Number(runId)])
    : [];
  const r = rows[0];
  if (!r || r.campaign !== campaign) throw new NotFoundError(`campaign ${campaign} has no run ${runId}`);
  return { id: Number(r.id), campaign: r.campaign, state: r.state, launchedAt: r.launched_at, steps: (JSON.parse(r.definition) as CampaignFile).steps };
}

/** Sends per step and status: the step tabs' counts. */
export async function stepCounts(services: Services, runId: number): Promise<{ step: number; status: string; n: number }[]> {
  const rows: any[] = await services.db.reader.query(
    `SELECT step, status, COUNT(*) AS n FROM sends WHERE run_id = ${services.db.dialect.param(0)} GROUP BY step, status ORDER BY step, status`,
    [runId],
  );
  return rows.map((r) => ({ step: Number(r.step), status: r.status, n: Number(r.n) }));
}

const SEND_COLUMNS = `s.id, s.enrolment_id, s.customer_id, s.step, s.status, s.due_at, s.sent_at, s.attempts, s.detail, c.email, c.first_name`;

const rowOf = (r: any): SendRow => ({
  id: Number(r.id), enrolmentId: Number(r.enrolment_id), customerId: Number(r.customer_id), step: Number(r.step), status: r.status,
  dueAt: r.due_at, sentAt: r.sent_at, attempts: Number(r.attempts), detail: r.detail, email: r.email, firstName: r.first_name,
});

/** One page of a step's sends, in the order they were written. */
export async function sendsOf(services: Services, runId: number, step: number, page: number): Promise<SendRow[]> {
  const p = services.db.dialect.param;
  const rows: any[] = await services.db.reader.query(
    `SELECT ${SEND_COLUMNS} FROM sends s JOIN customers c ON c.id = s.customer_id
      WHERE s.run_id = ${p(0)} AND s.step = ${p(1)} ORDER BY s.id LIMIT ${OUTBOX_PAGE_SIZE} OFFSET ${p(2)}`,
    [runId, step, (page - 1) * OUTBOX_PAGE_SIZE],
  );
  return rows.map(rowOf);
}

export async function sendOf(services: Services, run: RunSummary, sendId: string): Promise<SendRow> {
  const p = services.db.dialect.param;
  const rows: any[] = /^\d+$/.test(sendId)
    ? await services.db.reader.query(`SELECT ${SEND_COLUMNS} FROM sends s JOIN customers c ON c.id = s.customer_id WHERE s.id = ${p(0)} AND s.run_id = ${p(1)}`, [Number(sendId), run.id])
    : [];
  if (!rows[0]) throw new NotFoundError(`run ${run.id} has no send ${sendId}`);
  return rowOf(rows[0]);
}

export interface SentEmail {
  message: ReadMessage;
  raw: Buffer;
  /** `outbox`: the file written when it was sent; `composed`: composed again for this page. */
  source: 'outbox' | 'composed';
}

/** The email of a sent send; NotFound for a send that never left. */
export async function emailOf(services: Services, run: RunSummary, send: SendRow): Promise<SentEmail> {
  if (send.status !== 'sent') throw new NotFoundError(`send ${send.id} is ${send.status}: no email left for it`);
  const file = path.join(path.resolve(services.config.outboxDir), run.campaign, `${send.id}.eml`);
  const stored = await fs.readFile(file).catch(() => undefined);
  if (stored) return { message: readMessage(stored), raw: stored, source: 'outbox' };
  const due = { id: send.id, runId: run.id, enrolmentId: send.enrolmentId, customerId: send.customerId, step: send.step, attempts: send.attempts, dueAt: send.dueAt, campaign: run.campaign };
  const sentAt = new Date(send.sentAt ?? send.dueAt);
  const ctx = (await loadContexts(services.db, [due], sentAt)).get(send.id);
  const info = (await loadRuns(services.db, [run.id], services.config.viewsDir)).get(run.id);
  if (!ctx || !info) throw new NotFoundError(`send ${send.id} has no enrolment to compose its email from`);
  const composed = await services.composer().compose(ctx, info, sentAt);
  return { message: readMessage(composed.raw), raw: composed.raw, source: 'composed' };
}
