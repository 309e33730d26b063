/**
 * Fixture builders for the customer's side: a launched run with customers, enrolments and sent
 * emails, written straight into the tables the campaign engine writes, and the signed links
 * those emails carry. One builder makes one offer or a hundred thousand.
 */
import { campaignSchema, CampaignFile } from '../../src/campaigns/definition';
import type { Database } from '../../src/db/database';
import { epochSeconds, LinkPurpose, LinkSigner } from '../../src/links/tokens';

export const NOW = new Date('2025-06-20T10:00:00.000Z');
export const IN_THREE_WEEKS = new Date('2025-07-11T10:00:00.000Z');

export const PERCENT_RUNG = { id: 'pct-15', kind: 'percent_off', label: '15% off your next order', percent: 15, maxDiscount: '25.00', pRedeem: 0.3 };
export const CREDIT_RUNG = { id: 'credit-10', kind: 'fixed_credit', label: 'A €10.00 credit on your next order', amount: '10.00', pRedeem: 0.35 };

export function aDefinition(overrides: Record<string, unknown> = {}): CampaignFile {
  return campaignSchema.parse({
    name: 'nostalgia-winback',
    spokesperson: { name: 'Ana Lopez', role: 'Founder', replyTo: 'ana@beanthere.example', talkToUs: '+44 20 7946 0000', videoUrl: 'https://video.example/ana-says-sorry' },
    content: { whatsNew: [{ title: 'Refills by post', detail: 'a tin once, then paper bags that fit through your letterbox' }] },
    steps: [{ template: 'nostalgia-winback/2-a-thank-you', subject: 'A thank-you' }],
    ...overrides,
  });
}

export interface OfferOptions {
  definition?: CampaignFile;
  /** Add to an existing run instead of launching a new one. */
  runId?: number;
  incidentId?: number | null;
  currency?: string;
  treatment?: 'offer' | 'nostalgia-only' | 'make-good';
  rung?: Record<string, unknown> | null;
  offerExpiresAt?: Date;
  firstName?: string | null;
  /** Emails are `<emailPrefix>-<n>@example.com`. */
  emailPrefix?: string;
  facts?: Record<string, unknown>;
}

export interface OfferFixture {
  customerId: number;
  runId: number;
  enrolmentId: number;
  sendId: number;
  email: string;
}

let batch = 0;

export async function anOffer(db: Database, o: OfferOptions = {}): Promise<OfferFixture> {
  return (await seedOffers(db, 1, o))[0];
}

export async function seedOffers(db: Database, count: number, o: OfferOptions = {}): Promise<OfferFixture[]> {
  const prefix = o.emailPrefix ?? `customer-${process.pid}-${++batch}`;
  const at = NOW.toISOString();
  const rung = o.rung === undefined ? PERCENT_RUNG : o.rung;
  const treatment = o.treatment ?? (rung ? 'offer' : 'nostalgia-only');
  const facts = o.facts ?? { firstOrderDay: '2019-03-12', lastOrderDay: '2024-09-02', orders: 14, favouriteProducts: ['Ethiopia Yirgacheffe', 'Hario V60 starter kit'] };
  return db.write(async (tx) => {
    const d = db.dialect;
    const runId = o.runId ?? (await insertRun(tx, db, o));
    const first = async (table: string) => Number((await tx.query(`SELECT COALESCE(MAX(id), 0) AS id FROM ${table}`))[0].id) + 1;
    const rows = (width: number, make: (i: number) => unknown[]) => chunks(count, Math.floor(d.maxParams / width), make);
    const customer0 = await first('customers');
    for (const slice of rows(5, (i) => [`${prefix}-${i}@example.com`, o.firstName === undefined ? 'Maria' : o.firstName, 'yes', at, at])) {
      await tx.query(`INSERT INTO customers (email, first_name, consent, created_at, updated_at) VALUES ${d.rows(slice.length, 5)}`, slice.flat());
    }
    const enrolment0 = await first('enrolments');
    const expires = (o.offerExpiresAt ?? IN_THREE_WEEKS).toISOString();
    for (const slice of rows(11, (i) => [runId, customer0 + i, false, treatment, 2500, rung ? JSON.stringify(rung) : null, 750, 5000, JSON.stringify(facts), rung ? expires : null, at])) {
      await tx.query(
        `INSERT INTO enrolments (run_id, customer_id, holdout, treatment, budget_minor, offer, expected_cost_minor, value_minor, facts, offer_expires_at, enrolled_at) VALUES ${d.rows(slice.length, 11)}`,
        slice.flat(),
      );
    }
    const send0 = await first('sends');
    for (const slice of rows(7, (i) => [enrolment0 + i, runId, customer0 + i, 1, 'sent', at, at])) {
      await tx.query(`INSERT INTO sends (enrolment_id, run_id, customer_id, step, status, due_at, sent_at) VALUES ${d.rows(slice.length, 7)}`, slice.flat());
    }
    return Array.from({ length: count }, (_, i) => ({ customerId: customer0 + i, runId, enrolmentId: enrolment0 + i, sendId: send0 + i, email: `${prefix}-${i}@example.com` }));
  });
}

async function insertRun(tx: Parameters<Parameters<Database['write']>[0]>[0], db: Database, o: OfferOptions): Promise<number> {
  const definition = o.definition ?? aDefinition();
  await tx.query(`INSERT INTO campaign_runs (campaign, definition, state, incident_id, currency, launched_at) VALUES ${db.dialect.rows(1, 6)}`, [
    definition.name, JSON.stringify(definition), 'active', o.incidentId ?? null, o.currency ?? 'EUR', NOW.toISOString(),
  ]);
  return Number((await tx.query('SELECT MAX(id) AS id FROM campaign_runs'))[0].id);
}

function chunks(count: number, size: number, make: (i: number) => unknown[]): unknown[][][] {
  const out: unknown[][][] = [];
  for (let start = 0; start < count; start += size) {
    out.push(Array.from({ length: Math.min(size, count - start) }, (_, k) => make(start + k)));
  }
  return out;
}

export async function anIncident(db: Database, words: { title?: string; description?: string; plan?: string | null } = {}): Promise<number> {
  return db.write(async (tx) => {
    await tx.query(`INSERT INTO incidents (title, description, plan, make_good_kind, make_good_value, currency, status, created_at) VALUES ${db.dialect.rows(1, 8)}`, [
      words.title ?? 'the late deliveries in June',
      words.description ?? 'We shipped your order of 3 June nine days late, and we never told you why.',
      words.plan === undefined ? 'We have moved to a second courier for every order, and we check each late parcel by hand until the end of July.' : words.plan,
      'amount', '12.40', 'EUR', 'open', NOW.toISOString(),
    ]);
    return Number((await tx.query('SELECT MAX(id) AS id FROM incidents'))[0].id);
  });
}

/** The tokens an email for this send carries, as composer.ts signs them. */
export function tokensFor(signer: LinkSigner, sendId: number | string, expiresAt: Date = IN_THREE_WEEKS): Record<LinkPurpose, string> {
  const sign = (purpose: LinkPurpose, until: Date) => signer.sign({ sendId: String(sendId), purpose, expiresAt: epochSeconds(until) });
  const later = new Date(expiresAt.getTime() + 5 * 365 * 86_400_000);
  return { landing: sign('landing', expiresAt), click: sign('click', expiresAt), open: sign('open', expiresAt), redeem: sign('redeem', expiresAt), unsubscribe: sign('unsubscribe', later) };
}
