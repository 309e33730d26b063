/**
 * Everything the dispatcher needs to decide about, and write, a batch of due sends, in a few
 * queries per batch: the enrolment and its frozen offer, the customer, whether they came back
 * or asked us to stop, and their recent emails for the frequency cap.
 */
import type { Database } from '../db/database';
import type { SuppressionReason } from '../db/entities/Campaigns';
import type { ForgottenAddresses } from '../privacy/forgottenAddresses';
import { list } from '../db/sqlDialect';
import { countedOrder } from '../scoring/purchaseLog';
import type { HistoryFacts } from './audience';
import type { DueSend } from './sendStore';

export interface SendContext {
  send: DueSend;
  email: string | null;
  firstName: string | null;
  consent: 'yes' | 'no' | 'unknown';
  suppression: SuppressionReason | null;
  treatment: 'offer' | 'nostalgia-only' | 'make-good';
  offer: unknown | null;
  offerExpiresAt: string | null;
  budgetMinor: number;
  facts: HistoryFacts;
  enrolledAt: string;
  exitedAt: string | null;
  /** Why the sequence ended, when it has: `redemption`, `purchase`, `run-cancelled`. */
  exitReason: string | null;
  /** A kept order after enrolment: they came back. */
  purchasedSince: boolean;
  /** Their sent emails (any campaign) inside the longest frequency-cap window. */
  recentSends: Date[];
}

/** `forgotten`, when given, marks the addresses erased by `customer forget` (and imported again since) as suppressed. */
export async function loadContexts(db: Database, sends: DueSend[], recentSince: Date, forgotten?: ForgottenAddresses): Promise<Map<number, SendContext>> {
  const out = new Map<number, SendContext>();
  if (!sends.length) return out;
  const d = db.dialect;
  const enrolmentIds = [...new Set(sends.map((s) => s.enrolmentId))];
  const customerIds = [...new Set(sends.map((s) => s.customerId))];
  const rows: any[] = await db.reader.query(
    `SELECT e.id, e.treatment, e.offer, e.offer_expires_at, e.budget_minor, e.facts, e.enrolled_at, e.exited_at, e.exit_reason,
            c.email, c.first_name, c.consent, sup.reason AS suppression,
            (SELECT COUNT(*) FROM orders o WHERE o.customer_id = e.customer_id AND ${countedOrder('o')} AND o.ordered_at > e.enrolled_at) AS purchases
       FROM enrolments e JOIN customers c ON c.id = e.customer_id LEFT JOIN suppressions sup ON sup.email = c.email
      WHERE e.id IN (${list(d, enrolmentIds.length)})`,
    enrolmentIds,
  );
  const recent: { customer_id: number; sent_at: string }[] = await db.reader.query(
    `SELECT customer_id, sent_at FROM sends WHERE status = 'sent' AND sent_at > ${d.param(0)} AND customer_id IN (${list(d, customerIds.length, 1)})`,
    [recentSince.toISOString(), ...customerIds],
  );
  if (forgotten) {
    const erased = await forgotten.among(rows.filter((r) => r.email && !r.suppression).map((r) => r.email));
    for (const r of rows) if (erased.has(r.email)) r.suppression = 'forgotten';
  }
  const byEnrolment = new Map(rows.map((r) => [Number(r.id), r]));
  const recentByCustomer = new Map<number, Date[]>();
  for (const r of recent) {
    const key = Number(r.customer_id);
    recentByCustomer.set(key, [...(recentByCustomer.get(key) ?? []), new Date(r.sent_at)]);
  }
  for (const send of sends) {
    const r = byEnrolment.get(send.enrolmentId);
    if (!r) continue;
    out.set(send.id, {
      send,
      email: r.email,
      firstName: r.first_name,
      consent: r.consent,
      suppression: r.suppression ?? null,
      treatment: r.treatment,
      offer: r.offer ? JSON.parse(r.offer) : null,
      offerExpiresAt: r.offer_expires_at,
      budgetMinor: Number(r.budget_minor),
      facts: r.facts ? JSON.parse(r.facts) : { firstOrderDay: '', lastOrderDay: '', orders: 0, favouriteProducts: [] },
      enrolledAt: r.enrolled_at,
      exitedAt: r.exited_at,
      exitReason: r.exit_reason ?? null,
      purchasedSince: Number(r.purchases) > 0,
      recentSends: recentByCustomer.get(send.customerId) ?? [],
    });
  }
  return out;
}
