/**
 * Turns the customer fields of a chunk of records into customer ids: finds existing customers
 * (by external id, else by email), inserts the new ones in one statement, and applies newer
 * names and consent. Newer wins by the time of the information, so re-importing a file whose
 * rows disagree about a name settles on the same answer every time.
 */
import type { EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import type { CustomerFields } from './records';

export interface CustomerFacts extends CustomerFields {
  /** When these facts were true: the order time, or the import time for customer files. */
  at: string;
  consentAt?: string;
}

interface CustomerRow {
  id: number;
  external_id: string | null;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  consent: string;
  consent_at: string | null;
  profile_at: string | null;
}

const COLUMNS = 'id, external_id, email, first_name, last_name, consent, consent_at, profile_at';

export const identityOf = (c: CustomerFields): string => (c.externalId !== undefined ? `x:${c.externalId}` : `e:${c.email}`);

/** Customers seen recently, by identity: most rows of an order history are repeat customers; bounded so RSS stays flat. */
const CACHE_LIMIT = 50_000;

export class CustomerResolver {
  inserted = 0;
  updated = 0;
  /** Customers this import has already looked up or written, by identity. */
  private readonly cache = new Map<string, CustomerRow>();

  constructor(
    private readonly db: Database,
    private readonly tx: EntityManager,
    private readonly source: string,
    private readonly now: string,
  ) {}

  /** Maps each identity in `facts` to a customer id, creating and updating customers as needed. */
  async resolve(facts: Map<string, CustomerFacts>): Promise<Map<string, number>> {
    const found = new Map<string, CustomerRow>();
    const unknown: CustomerFacts[] = [];
    for (const [key, f] of facts) {
      const row = this.cache.get(key);
      if (row) found.set(key, row);
      else unknown.push(f);
    }
    for (const [key, row] of await this.lookup(unknown)) found.set(key, row);
    const missing = new Set<string>();
    for (const key of facts.keys()) if (!found.has(key)) missing.add(key);
    if (missing.size) {
      for (const row of await this.insert([...missing].map((key) => facts.get(key) as CustomerFacts))) {
        found.set(row.external_id !== null ? `x:${row.external_id}` : `e:${row.email}`, row);
      }
    }
    if (this.cache.size + found.size > CACHE_LIMIT) this.cache.clear();
    const ids = new Map<string, number>();
    for (const [key, f] of facts) {
      const row = found.get(key);
      if (!row) throw new Error(`customer ${key} was inserted but cannot be found`);
      this.cache.set(key, row);
      ids.set(key, row.id);
      if (!missing.has(key) && this.changes(row, f)) await this.update(row, f);
    }
    return ids;
  }

  /** By external id first; by email for email-keyed customers and for id-keyed ones not found (adoption). */
  private async lookup(facts: CustomerFacts[]): Promise<Map<string, CustomerRow>> {
    const byKey = new Map<string, CustomerRow>();
    if (!facts.length) return byKey;
    const d = this.db.dialect;
    const externalIds = facts.filter((f) => f.externalId !== undefined).map((f) => f.externalId as string);
    if (externalIds.length) {
      const rows: CustomerRow[] = await this.tx.query(`SELECT ${COLUMNS} FROM customers WHERE external_id IN (${d.jsonList(0)})`, [JSON.stringify(externalIds)]);
      for (const row of rows) byKey.set(`x:${row.external_id}`, row);
    }
    const byEmailFacts = facts.filter((f) => f.email !== undefined && (f.externalId === undefined || !byKey.has(`x:${f.externalId}`)));
    if (!byEmailFacts.length) return byKey;
    const rows: CustomerRow[] = await this.tx.query(`SELECT ${COLUMNS} FROM customers WHERE email IN (${d.jsonList(0)})`, [
      JSON.stringify(byEmailFacts.map((f) => f.email)),
    ]);
    // The oldest customer with an address wins, whatever order the database returns rows in.
    const byEmail = new Map<string, CustomerRow>();
    for (const row of rows) {
      const known = byEmail.get(row.email as string);
      if (!known || row.id < known.id) byEmail.set(row.email as string, row);
    }
    for (const f of byEmailFacts) {
      const row = byEmail.get(f.email as string);
      if (!row) continue;
      // An id-keyed customer adopts an email-only customer the shop imported before it had ids.
      if (f.externalId === undefined) byKey.set(`e:${f.email}`, row);
      else if (row.external_id === null) byKey.set(`x:${f.externalId}`, row);
    }
    return byKey;
  }

  /**
   * One statement for the chunk's new customers, returning their rows. It starts with WITH so
   * that TypeORM's SQLite runner returns rows (it discards them for statements starting with
   * INSERT); PostgreSQL reads it the same way.
   */
  private async insert(facts: CustomerFacts[]): Promise<CustomerRow[]> {
    const d = this.db.dialect;
    const rows = facts.map((f) => {
      const hasConsent = f.consent !== undefined;
      return [
        f.externalId ?? null, f.email ?? null, f.firstName ?? null, f.lastName ?? null,
        f.consent ?? 'unknown', hasConsent ? this.source : null, hasConsent ? (f.consentAt ?? f.at) : null,
        f.at, this.now, this.now,
      ];
    });
    const values = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => d.jsonAt(i)).join(', ');
    const inserted: CustomerRow[] = await this.tx.query(
      `WITH j AS (SELECT value FROM ${d.jsonRows(0)})
       INSERT INTO customers (external_id, email, first_name, last_name, consent, consent_source, consent_at, profile_at, created_at, updated_at)
       SELECT ${values} FROM j RETURNING ${COLUMNS}`,
      [JSON.stringify(rows)],
    );
    this.inserted += inserted.length;
    return inserted;
  }

  /** Cheap and synchronous: most rows about a known customer change nothing. */
  private changes(row: CustomerRow, f: CustomerFacts): boolean {
    const consentAt = f.consentAt ?? f.at;
    if (f.consent !== undefined && f.consent !== row.consent && (row.consent_at === null || consentAt > row.consent_at)) return true;
    if (f.externalId !== undefined && row.external_id === null) return true;
    if (row.profile_at !== null && f.at <= row.profile_at) return false;
    return (
      (f.firstName !== undefined && f.firstName !== row.first_name) ||
      (f.lastName !== undefined && f.lastName !== row.last_name) ||
      (f.email !== undefined && f.email !== row.email)
    );
  }

  private async update(row: CustomerRow, f: CustomerFacts): Promise<void> {
    const changes: Record<string, string | null> = {};
    const newerProfile = row.profile_at === null || f.at > row.profile_at;
    if (newerProfile) {
      if (f.firstName !== undefined && f.firstName !== row.first_name) changes.first_name = f.firstName;
      if (f.lastName !== undefined && f.lastName !== row.last_name) changes.last_name = f.lastName;
      if (f.email !== undefined && f.email !== row.email) changes.email = f.email;
      if (Object.keys(changes).length) changes.profile_at = f.at;
    }
    if (f.externalId !== undefined && row.external_id === null) changes.external_id = f.externalId;
    const consentAt = f.consentAt ?? f.at;
    if (f.consent !== undefined && f.consent !== row.consent && (row.consent_at === null || consentAt > row.consent_at)) {
      Object.assign(changes, { consent: f.consent, consent_source: this.source, consent_at: consentAt });
    }
    const names = Object.keys(changes);
    if (!names.length) return;
    changes.updated_at = this.now;
    const d = this.db.dialect;
    const sets = Object.keys(changes).map((column, i) => `${column} = ${d.param(i)}`);
    const values = Object.values(changes);
    await this.tx.query(`UPDATE customers SET ${sets.join(', ')} WHERE id = ${d.param(values.length)}`, [...values, row.id]);
    Object.assign(row, changes);
    this.updated++;
  }
}
