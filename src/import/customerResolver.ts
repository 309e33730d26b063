/**
 * Turns the customer fields of a chunk of records into customer ids: finds existing customers
 * (by external id, else by email), inserts the new ones in one statement, and applies newer
 * names and consent. Newer wins by the time of the information, so re-importing a file whose
 * rows disagree about a name settles on the same answer every time.
 */
import type { EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import { list } from '../db/sqlDialect';
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

export class CustomerResolver {
  inserted = 0;
  updated = 0;

  constructor(
    private readonly db: Database,
    private readonly tx: EntityManager,
    private readonly source: string,
    private readonly now: string,
  ) {}

  /** Maps each identity in `facts` to a customer id, creating and updating customers as needed. */
  async resolve(facts: Map<string, CustomerFacts>): Promise<Map<string, number>> {
    const found = await this.lookup([...facts.values()]);
    const missing = new Set([...facts.keys()].filter((key) => !found.has(key)));
    if (missing.size) {
      const created = [...missing].map((key) => facts.get(key) as CustomerFacts);
      await this.insert(created);
      for (const [key, row] of await this.lookup(created)) found.set(key, row);
    }
    const ids = new Map<string, number>();
    for (const [key, f] of facts) {
      const row = found.get(key);
      if (!row) throw new Error(`customer ${key} was inserted but cannot be found`);
      ids.set(key, row.id);
      if (!missing.has(key)) await this.update(row, f);
    }
    return ids;
  }

  private async lookup(facts: CustomerFacts[]): Promise<Map<string, CustomerRow>> {
    const byKey = new Map<string, CustomerRow>();
    const externalIds = facts.filter((f) => f.externalId !== undefined).map((f) => f.externalId as string);
    const emails = facts.filter((f) => f.email !== undefined).map((f) => f.email as string);
    const d = this.db.dialect;
    if (externalIds.length) {
      const rows: CustomerRow[] = await this.tx.query(
        `SELECT ${COLUMNS} FROM customers WHERE external_id IN (${list(d, externalIds.length)})`,
        externalIds,
      );
      for (const row of rows) byKey.set(`x:${row.external_id}`, row);
    }
    if (emails.length) {
      const rows: CustomerRow[] = await this.tx.query(
        `SELECT ${COLUMNS} FROM customers WHERE email IN (${list(d, emails.length)}) ORDER BY id`,
        emails,
      );
      const byEmail = new Map<string, CustomerRow>();
      for (const row of rows) if (!byEmail.has(row.email as string)) byEmail.set(row.email as string, row);
      for (const f of facts) {
        const row = f.email === undefined ? undefined : byEmail.get(f.email);
        if (!row) continue;
        // An id-keyed customer adopts an email-only customer the shop imported before it had ids.
        if (f.externalId === undefined) byKey.set(`e:${f.email}`, row);
        else if (!byKey.has(`x:${f.externalId}`) && row.external_id === null) byKey.set(`x:${f.externalId}`, row);
      }
    }
    return byKey;
  }

  private async insert(facts: CustomerFacts[]): Promise<void> {
    const columns = 10;
    const perStatement = Math.floor(this.db.dialect.maxParams / columns);
    for (let start = 0; start < facts.length; start += perStatement) {
      const slice = facts.slice(start, start + perStatement);
      const params: unknown[] = [];
      for (const f of slice) {
        const hasConsent = f.consent !== undefined;
        params.push(
          f.externalId ?? null, f.email ?? null, f.firstName ?? null, f.lastName ?? null,
          f.consent ?? 'unknown', hasConsent ? this.source : null, hasConsent ? (f.consentAt ?? f.at) : null,
          f.at, this.now, this.now,
        );
      }
      await this.tx.query(
        `INSERT INTO customers (external_id, email, first_name, last_name, consent, consent_source, consent_at, profile_at, created_at, updated_at) VALUES ${this.db.dialect.rows(slice.length, columns)}`,
        params,
      );
      this.inserted += slice.length;
    }
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
