/**
 * What a verified link points at: the send, its enrolment (offer, expiry, the customer's history
 * at launch), the customer, the run's frozen definition, and the code if one was issued. One
 * indexed query per request; definitions never change after launch, so they are parsed once.
 */
import type { HistoryFacts } from '../campaigns/audience';
import type { CampaignFile } from '../campaigns/definition';
import type { Database } from '../db/database';

export type Treatment = 'offer' | 'nostalgia-only' | 'make-good';

export interface IssuedCode {
  code: string;
  expiresAt: string;
  redeemedAt: string | null;
}

export interface LinkTarget {
  sendId: number;
  step: number;
  runId: number;
  enrolmentId: number;
  customerId: number;
  treatment: Treatment;
  /** The frozen rung (JSON) or null. */
  offer: string | null;
  offerExpiresAt: string | null;
  facts: HistoryFacts | null;
  firstName: string | null;
  email: string | null;
  currency: string;
  incidentId: number | null;
  campaign: CampaignFile;
  code: IssuedCode | null;
}

/** Send ids in links are the sends table's integer ids; `test-…` ids come from test emails. */
export const isTestSend = (sendId: string): boolean => sendId.startsWith('test-');

/** The sends row a link's send id names, or null when it cannot name one. */
export function sendRowId(sendId: string): number | null {
  return /^[1-9]\d{0,15}$/.test(sendId) && Number.isSafeInteger(Number(sendId)) ? Number(sendId) : null;
}

export interface TargetRow {
  id: number;
  step: number;
  run_id: number;
  customer_id: number;
  enrolment_id: number;
  treatment: Treatment;
  offer: string | null;
  offer_expires_at: string | null;
  facts: string | null;
  first_name: string | null;
  email: string | null;
  currency: string;
  incident_id: number | null;
  code: string | null;
  code_expires_at: string;
  redeemed_at: string | null;
}

/** What a link target reads, as [row key, column]: one list for load()'s SELECT and a landing view's json_object. */
export const TARGET_COLUMNS: readonly (readonly [keyof TargetRow, string])[] = [
  ['id', 's.id'], ['step', 's.step'], ['run_id', 's.run_id'], ['customer_id', 's.customer_id'], ['enrolment_id', 'e.id'], ['treatment', 'e.treatment'],
  ['offer', 'e.offer'], ['offer_expires_at', 'e.offer_expires_at'], ['facts', 'e.facts'], ['first_name', 'c.first_name'], ['email', 'c.email'],
  ['currency', 'r.currency'], ['incident_id', 'r.incident_id'], ['code', 'k.code'], ['code_expires_at', 'k.expires_at'], ['redeemed_at', 'k.redeemed_at'],
];

/** The tables a link target is read from, `s` being the send. */
export const TARGET_FROM = `FROM sends s
  JOIN enrolments e ON e.id = s.enrolment_id
  JOIN customers c ON c.id = s.customer_id
  JOIN campaign_runs r ON r.id = s.run_id
  LEFT JOIN codes k ON k.enrolment_id = e.id`;

export class LinkTargets {
  private readonly definitions = new Map<number, CampaignFile>();

  constructor(private readonly db: Database) {}

  async load(sendId: string): Promise<LinkTarget | null> {
    const id = sendRowId(sendId);
    if (id === null) return null;
    const [row] = await this.db.hot.rows<TargetRow>(`SELECT ${TARGET_COLUMNS.map(([name, column]) => `${column} AS ${name}`).join(', ')} ${TARGET_FROM} WHERE s.id = ${this.db.dialect.param(0)}`, [id]);
    return row ? this.target(row) : null;
  }

  /** A link target from its row, as read by load() or returned by a landing view (landingViews.ts). */
  async target(row: TargetRow): Promise<LinkTarget> {
    const runId = Number(row.run_id);
    return {
      sendId: Number(row.id),
      step: Number(row.step),
      runId,
      enrolmentId: Number(row.enrolment_id),
      customerId: Number(row.customer_id),
      treatment: row.treatment,
      offer: row.offer,
      offerExpiresAt: row.offer_expires_at,
      facts: row.facts ? (JSON.parse(row.facts) as HistoryFacts) : null,
      firstName: row.first_name,
      email: row.email,
      currency: row.currency,
      incidentId: row.incident_id === null ? null : Number(row.incident_id),
      campaign: await this.definition(runId),
      code: row.code ? { code: row.code, expiresAt: row.code_expires_at, redeemedAt: row.redeemed_at } : null,
    };
  }

  /** Just who and which run, for the open pixel: one primary-key lookup. */
  async ids(sendId: string): Promise<{ sendId: number; runId: number; customerId: number } | null> {
    const id = sendRowId(sendId);
    if (id === null) return null;
    const [row] = await this.db.hot.rows<{ run_id: number; customer_id: number }>(`SELECT run_id, customer_id FROM sends WHERE id = ${this.db.dialect.param(0)}`, [id]);
    return row ? { sendId: id, runId: Number(row.run_id), customerId: Number(row.customer_id) } : null;
  }

  private async definition(runId: number): Promise<CampaignFile> {
    let campaign = this.definitions.get(runId);
    if (!campaign) {
      const [row] = await this.db.hot.rows<{ definition: string }>(`SELECT definition FROM campaign_runs WHERE id = ${this.db.dialect.param(0)}`, [runId]);
      campaign = JSON.parse(row.definition) as CampaignFile;
      // Runs are few; the bound only guards against a process that lives through thousands.
      if (this.definitions.size >= 500) this.definitions.clear();
      this.definitions.set(runId, campaign);
    }
    return campaign;
  }
}
