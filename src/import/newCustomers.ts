/**
 * The customers an import creates: their ids and their rows. On SQLite the import's transaction
 * is the only writer, so it numbers them itself from the highest id ever given: reading a
 * quarter of a million ids back (RETURNING) cost three times the insert. A bulk import into an
 * empty shop goes further and writes them only when asked (writeUnwritten: at the end, or before
 * the first lookup), each with everything the import learned about them by then: foreign keys
 * are checked at the end anyway, and a newer statement about a customer it created needs no
 * UPDATE (measured: 3 s a million rows). On PostgreSQL other sessions draw from the sequence,
 * so the rows go in at once and come back with their ids; except in that same bulk import into
 * an empty shop, which holds the customers table locked against everyone until it commits (it
 * dropped its indexes): there it numbers them from the sequence too, and sets the sequence past
 * them at the end. Writing each chunk's customers at once cost a further UPDATE per chunk for
 * every customer met again (a newer order moves profile_at): 70% of PostgreSQL's import time.
 */
import type { EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import { CustomerFacts, identityOf } from './customerFacts';
import { copyValue } from './copyRows';
import { fieldsOf, insertedCustomer, KnownCustomer } from './customerState';
import { copyRows } from './pgCopy';

const COLUMNS = 'external_id, email, first_name, last_name, consent, consent_source, consent_at, profile_at, created_at, updated_at';
/** Customers per statement when written later. */
const WRITE_BATCH = 2000;

export class NewCustomers {
  inserted = 0;
  /** The highest customer id handed out so far, where this import numbers new customers itself (SqlDialect.lastIdSql). */
  private lastId: number | undefined;
  /** While new customers wait to be written: the ids above this one are not in the table yet. */
  private writtenUpTo: number | undefined;
  /** PostgreSQL's sequence of customer ids, where this import numbers new customers from it, and its value then. */
  private sequence: { name: string; from: number } | undefined;

  /** `stored`: the resolver's state of every customer it knows; a new customer's row is written from it. */
  constructor(
    private readonly db: Database,
    private readonly tx: EntityManager,
    private readonly source: string,
    private readonly now: string,
    private readonly stored: Map<number, KnownCustomer>,
  ) {}

  /**
   * Call once, first. `defer`: keep new customers unwritten until writeUnwritten; only for a
   * bulk import into an empty table, which on PostgreSQL must hold that table locked already.
   */
  async prepare({ defer }: { defer: boolean }): Promise<void> {
    const lastId = this.db.dialect.lastIdSql('customers');
    if (lastId !== undefined) this.lastId = Number((await this.tx.query(lastId))[0].last);
    else if (defer) {
      const [{ sequence }] = await this.tx.query(`SELECT pg_get_serial_sequence('customers', 'id') AS sequence`);
      const [{ last }] = await this.tx.query(`SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END AS last FROM ${sequence}`);
      this.sequence = { name: sequence, from: Number(last) };
      this.lastId = Number(last);
    }
    if (defer && this.lastId !== undefined) this.writtenUpTo = this.lastId;
  }

  /** Call once, last: where this import numbered customers from PostgreSQL's sequence, moves the sequence past them. */
  async finish(): Promise<void> {
    if (this.sequence && this.lastId !== undefined && this.lastId > this.sequence.from) {
      await this.tx.query('SELECT setval($1::regclass, $2)', [this.sequence.name, this.lastId]);
    }
  }

  /** Whether customer `id` was created by this import and is not in the table yet. */
  unwritten(id: number): boolean {
    return this.writtenUpTo !== undefined && id > this.writtenUpTo;
  }

  /** Creates a customer for each of `facts` (new identities) and records its state; returns their ids in order. */
  async insert(facts: readonly CustomerFacts[]): Promise<number[]> {
    if (this.lastId === undefined) {
      const ids = await this.insertReturning(facts);
      facts.forEach((f, i) => this.stored.set(ids[i], insertedCustomer(f)));
      this.inserted += ids.length;
      return ids;
    }
    const first = this.lastId + 1;
    const created = facts.map((f, i): [number, string | null] => {
      this.stored.set(first + i, insertedCustomer(f));
      return [first + i, f.externalId ?? null];
    });
    this.lastId += facts.length;
    this.inserted += facts.length;
    if (this.writtenUpTo === undefined) await this.write(created);
    return created.map(([id]) => id);
  }

  /**
   * Writes the customers created so far and not written, and writes new ones at once from then
   * on. `identities`: every identity -> id the import has met; while new customers wait, the
   * import looks nobody up, so each of them is exactly one of these (which says its external id).
   */
  async writeUnwritten(identities: Iterable<[key: string, id: number]>): Promise<void> {
    const after = this.writtenUpTo;
    if (after === undefined) return;
    this.writtenUpTo = undefined;
    let batch: [number, string | null][] = [];
    for (const [key, id] of identities) {
      if (id <= after) continue;
      batch.push([id, key.startsWith('x:') ? key.slice(2) : null]);
      if (batch.length === WRITE_BATCH) {
        await this.write(batch);
        batch = [];
      }
    }
    if (batch.length) await this.write(batch);
  }

  /** Inserts customers under the ids given, as their known states say. */
  private async write(customers: readonly [id: number, externalId: string | null][]): Promise<void> {
    if (this.db.dialect.kind === 'postgres') return this.copy(customers);
    const d = this.db.dialect;
    const sql = `INSERT INTO customers (${COLUMNS}, id) SELECT ${this.values()}, ${d.jsonAt(10, 'int')} FROM ${d.jsonRows(0)}`;
    for (let from = 0; from < customers.length; from += WRITE_BATCH) {
      const rows = customers.slice(from, from + WRITE_BATCH).map(([id, externalId]) => {
        const known = this.stored.get(id);
        if (known === undefined) throw new Error(`customer ${id} was numbered but its state is not known`);
        return [...this.row(externalId, known), id];
      });
      const inserted = await this.db.execute(this.tx, sql, [JSON.stringify(rows)]);
      if (inserted !== rows.length) throw new Error(`inserted ${inserted} customers where ${rows.length} were new`);
    }
  }

  /**
   * PostgreSQL: the same rows by COPY. As JSON rows through INSERT ... SELECT the server parses
   * the jsonb and extracts every field: 50,000 customers measured 0.14-0.21 s of server CPU that
   * way and 0.09-0.10 s by COPY (a quarter of a million in the 1,000,000-order bench).
   */
  private async copy(customers: readonly [id: number, externalId: string | null][]): Promise<void> {
    if (customers.length === 0) return;
    const lines = customers.map(([id, externalId]) => {
      const known = this.stored.get(id);
      if (known === undefined) throw new Error(`customer ${id} was numbered but its state is not known`);
      return [...this.row(externalId, known).map(copyValue), id].join('\t');
    });
    await copyRows(this.tx, 'customers', `${COLUMNS}, id`, lines.join('\n') + '\n');
  }

  /** One statement whose RETURNING rows give the ids. It starts with WITH so that a runner that discards RETURNING rows after INSERT returns them. */
  private async insertReturning(facts: readonly CustomerFacts[]): Promise<number[]> {
    const d = this.db.dialect;
    const rows = facts.map((f) => this.row(f.externalId ?? null, insertedCustomer(f)));
    const inserted: { id: number; external_id: string | null; email: string | null }[] = await this.tx.query(
      `WITH j AS (SELECT value FROM ${d.jsonRows(0)}) INSERT INTO customers (${COLUMNS}) SELECT ${this.values()} FROM j RETURNING id, external_id, email`,
      [JSON.stringify(rows)],
    );
    if (inserted.length !== rows.length) throw new Error(`inserted ${inserted.length} customers where ${rows.length} were new`);
    const byKey = new Map(inserted.map((row) => [row.external_id !== null ? `x:${row.external_id}` : `e:${row.email}`, row.id]));
    return facts.map((f) => {
      const id = byKey.get(identityOf(f));
      if (id === undefined) throw new Error(`customer ${identityOf(f)} was inserted but did not come back`);
      return id;
    });
  }

  /** COLUMNS over a JSON row `j.value`. */
  private values(): string {
    return [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => this.db.dialect.jsonAt(i, i >= 6 ? 'time' : 'text')).join(', ');
  }

  /** A new customer's row in COLUMNS order; consent given by this import names it as the source. */
  private row(externalId: string | null, known: KnownCustomer): (string | null)[] {
    const none = (value: string) => (value === '' ? null : value);
    const s = fieldsOf(known.values);
    return [
      externalId, none(s.email), none(s.firstName), none(s.lastName), s.consent, known.consentAt === '' ? null : this.source, none(known.consentAt),
      none(known.profileAt), this.now, this.now,
    ];
  }
}
