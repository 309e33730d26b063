/**
 * `customer export` and `customer forget`: everything held about one address, and its erasure.
 * Both look the address up as customers are stored (trimmed, lower case), cover every customer
 * row with it (two shop ids may share an address), and leave an audit entry that names customer
 * ids, never the address. A forget is one transaction: all of it happens, or none.
 */
import type { EntityManager } from 'typeorm';
import { Actor, recordAudit } from '../audit/auditLog';
import type { Database } from '../db/database';
import { list } from '../db/sqlDialect';
import { InputError, NotFoundError } from '../domain/errors';
import { CUSTOMER_TABLES, eraseClauseOf, ERASE_CUSTOMER, SENDER_TABLES } from './customerTables';
import { ForgottenAddresses, normaliseAddress } from './forgottenAddresses';

type Row = Record<string, unknown>;

export interface PrivacyDeps {
  db: Database;
  clock: () => Date;
  forgotten: () => ForgottenAddresses;
}

export interface CustomerExport {
  email: string;
  exportedAt: string;
  /** One per customer row with the address: the row, then every table's rows about them, by table name in camelCase. */
  customers: Row[];
  /** The address's suppression (unsubscribed, bounced, complained), and its forgotten entry if there is one. */
  suppressions: Row[];
  /** Forwarded emails from the address, their cases and the replies to it, tied to no customer row (customerTables.ts SENDER_TABLES), by table name in camelCase. */
  asSender: Row;
}

export interface ForgetResult {
  email: string;
  forgottenAt: string;
  customerIds: number[];
  /** Rows changed per table; tables whose rows keep nothing personal are not listed. */
  erased: Record<string, number>;
}

const camel = (name: string) => name.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
/** Money in minor units (every bigint column, `*_minor`) as a number on both engines: pg hands bigint back as a string. */
const minorAsNumber = (k: string, v: unknown): unknown => (k.endsWith('_minor') && typeof v === 'string' ? Number(v) : v);
const camelRow = (row: Row): Row => Object.fromEntries(Object.entries(row).map(([k, v]) => [camel(k), minorAsNumber(k, v)]));

/** An address as given on the command line or in a URL; refused unless it looks like one. */
export function addressOf(email: string, field = 'EMAIL'): string {
  const address = normaliseAddress(email);
  if (!/^[^\s@]+@[^\s@]+$/.test(address)) throw new InputError(`"${email}" is not an email address like maria@example.com`, { field });
  return address;
}

const subjectOf = (ids: number[]) => (ids.length ? `customer ${ids.join(', ')}` : 'an address not held');

async function customerIds(tx: EntityManager, db: Database, email: string): Promise<number[]> {
  const rows: { id: number }[] = await tx.query(`SELECT id FROM customers WHERE email = ${db.dialect.param(0)} ORDER BY id`, [email]);
  return rows.map((r) => Number(r.id));
}

export async function exportCustomer(deps: PrivacyDeps, email: string, actor: Actor): Promise<CustomerExport> {
  const address = addressOf(email);
  const { db } = deps;
  const p = db.dialect.param;
  const entry = deps.forgotten().entryOf(address);
  const now = deps.clock();
  // Read inside the write transaction: one consistent picture, and the audit entry with it.
  return db.write(async (tx) => {
    const customers: Row[] = [];
    for (const row of (await tx.query(`SELECT * FROM customers WHERE email = ${p(0)} ORDER BY id`, [address])) as Row[]) {
      const record: Row = { customer: camelRow(row) };
      for (const t of CUSTOMER_TABLES) {
        const rows: Row[] = await tx.query(`SELECT * FROM ${t.table} WHERE customer_id = ${p(0)} ORDER BY ${t.orderBy}`, [row.id]);
        record[camel(t.table)] = rows.map(camelRow);
      }
      customers.push(record);
    }
    const suppressions = ((await tx.query(`SELECT * FROM suppressions WHERE email IN (${p(0)}, ${p(1)})`, [address, entry])) as Row[]).map(camelRow);
    const asSender: Row = {};
    let sent = 0;
    for (const t of SENDER_TABLES) {
      const rows = ((await tx.query(`SELECT * FROM ${t.table} WHERE customer_id IS NULL AND ${t.address} = ${p(0)} ORDER BY id`, [address])) as Row[]).map(camelRow);
      asSender[camel(t.table)] = rows;
      sent += rows.length;
    }
    if (!customers.length && !suppressions.length && !sent) throw new NotFoundError(`nothing is held about ${address}`);
    const ids = customers.map((c) => Number((c.customer as Row).id));
    await recordAudit(tx, db, now, { actor, action: 'export', subject: subjectOf(ids), detail: { customers: ids.length } });
    return { email: address, exportedAt: now.toISOString(), customers, suppressions, asSender };
  });
}

/**
 * Erases the person and keeps the figures: see customerTables.ts for what each table loses. The
 * address itself survives only as a keyed hash in the suppression list, so importing it again
 * later never gets it emailed. Forgetting an address not held still writes that entry.
 */
export async function forgetCustomer(deps: PrivacyDeps, email: string, actor: Actor): Promise<ForgetResult> {
  const address = addressOf(email);
  const { db } = deps;
  const d = db.dialect;
  const entry = deps.forgotten().entryOf(address);
  const now = deps.clock();
  const at = now.toISOString();
  return db.write(async (tx) => {
    const ids = await customerIds(tx, db, address);
    const erased: Record<string, number> = {};
    if (ids.length) {
      // PostgreSQL refuses a parameter no statement uses: the time is bound only where `$now` is.
      const erase = (table: string, clause: string, idColumn: string) => {
        const timed = clause.includes('$now');
        const set = timed ? clause.replace(/\$now/g, d.param(0)) : clause;
        return db.execute(tx, `UPDATE ${table} SET ${set} WHERE ${idColumn} IN (${list(d, ids.length, timed ? 1 : 0)})`, timed ? [at, ...ids] : ids);
      };
      for (const t of CUSTOMER_TABLES) if (t.erase !== null) erased[t.table] = await erase(t.table, t.erase, 'customer_id');
      erased.customers = await erase('customers', ERASE_CUSTOMER, 'id');
    }
    for (const t of SENDER_TABLES) {
      const n = await db.execute(tx, `UPDATE ${t.table} SET ${eraseClauseOf(t.table)} WHERE customer_id IS NULL AND ${t.address} = ${d.param(0)}`, [address]);
      if (n) erased[t.table] = (erased[t.table] ?? 0) + n;
    }
    erased.suppressions = await db.execute(tx, `DELETE FROM suppressions WHERE email = ${d.param(0)}`, [address]);
    await tx.query(`INSERT INTO suppressions (email, reason, source, at) VALUES (${d.param(0)}, 'forgotten', 'forget', ${d.param(1)}) ON CONFLICT (email) DO NOTHING`, [entry, at]);
    await recordAudit(tx, db, now, { actor, action: 'forget', subject: subjectOf(ids), detail: { customers: ids.length, erased } });
    return { email: address, forgottenAt: at, customerIds: ids, erased };
  });
}
