/**
 * Who a campaign may write to, read from the database: customers with an email and at least one
 * kept order, with the history facts the emails are personalised from. Consent and suppression
 * are applied here, once, for every campaign.
 */
import type { Database } from '../db/database';
import { list } from '../db/sqlDialect';
import { favouriteProducts } from '../domain/favourites';
import { COUNTED_ORDER, countedOrder } from '../scoring/purchaseLog';
import type { Config } from '../config';

export interface HistoryFacts {
  firstOrderDay: string;
  lastOrderDay: string;
  orders: number;
  favouriteProducts: string[];
}

export interface Candidate {
  customerId: number;
  email: string;
  firstName: string | null;
  consent: 'yes' | 'no' | 'unknown';
  facts: HistoryFacts;
  /** Incident campaigns: the harmed amount in minor units, when the incident recorded one. */
  harmedMinor?: number | null;
}

interface Row {
  id: number;
  email: string;
  first_name: string | null;
  consent: 'yes' | 'no' | 'unknown';
  first_day: string;
  last_day: string;
  orders: number | string;
  harmed_minor?: number | string | null;
}

/**
 * Marketing goes to consent `yes`, and to `unknown` under the soft opt-in policy; a service
 * notice about an incident goes to everyone it harmed whatever their marketing consent.
 * Suppressed addresses (unsubscribed, bounced, complained) get nothing, ever.
 */
export async function loadCandidates(
  db: Database,
  options: { consentPolicy: Config['consentPolicy']; incidentId?: number; serviceNotice: boolean },
): Promise<Candidate[]> {
  const consents = options.serviceNotice ? ['yes', 'unknown', 'no'] : options.consentPolicy === 'strict' ? ['yes'] : ['yes', 'unknown'];
  const d = db.dialect;
  // Parameters in the order their placeholders appear: SQLite's `?` binds by position.
  const params: unknown[] = [];
  let incidentJoin = '';
  if (options.incidentId !== undefined) {
    params.push(options.incidentId);
    incidentJoin = `JOIN incident_customers ic ON ic.customer_id = c.id AND ic.incident_id = ${d.param(0)}`;
  }
  const consentList = list(d, consents.length, params.length);
  params.push(...consents);
  const rows: Row[] = await db.reader.query(
    `SELECT c.id, c.email, c.first_name, c.consent, MIN(o.ordered_day) AS first_day, MAX(o.ordered_day) AS last_day, COUNT(*) AS orders
            ${options.incidentId !== undefined ? ', MAX(ic.harmed_minor) AS harmed_minor' : ''}
       FROM customers c
       JOIN orders o ON o.customer_id = c.id AND ${countedOrder('o')}
       ${incidentJoin}
       LEFT JOIN suppressions s ON s.email = c.email
      WHERE c.email IS NOT NULL AND s.email IS NULL AND c.consent IN (${consentList})
      GROUP BY c.id, c.email, c.first_name, c.consent
      ORDER BY c.id`,
    params,
  );
  const favourites = await favouritesOf(db, rows.map((r) => r.id));
  return rows.map((r) => ({
    customerId: r.id,
    email: r.email,
    firstName: r.first_name,
    consent: r.consent,
    facts: { firstOrderDay: r.first_day, lastOrderDay: r.last_day, orders: Number(r.orders), favouriteProducts: favourites.get(Number(r.id)) ?? [] },
    harmedMinor: r.harmed_minor === undefined || r.harmed_minor === null ? r.harmed_minor : Number(r.harmed_minor),
  }));
}

/** Each customer's favourite products (domain/favourites), from their counted orders. */
async function favouritesOf(db: Database, customerIds: number[]): Promise<Map<number, string[]>> {
  const result = new Map<number, string[]>();
  const chunk = 5000;
  for (let i = 0; i < customerIds.length; i += chunk) {
    const ids = customerIds.slice(i, i + chunk);
    const rows: { customer_id: number; items: string }[] = await db.reader.query(
      `SELECT customer_id, items FROM orders WHERE ${COUNTED_ORDER} AND customer_id IN (${list(db.dialect, ids.length)}) ORDER BY customer_id, ordered_at, order_id`,
      ids,
    );
    const items = new Map<number, string[]>();
    for (const row of rows) {
      const id = Number(row.customer_id);
      const known = items.get(id);
      if (known) known.push(row.items);
      else items.set(id, [row.items]);
    }
    for (const [id, lists] of items) result.set(id, favouriteProducts(lists));
  }
  return result;
}
