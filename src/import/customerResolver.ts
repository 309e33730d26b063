/**
 * Turns the customer fields of a chunk of records into customer ids: finds existing customers
 * (by external id, else by email), inserts the new ones in one statement, and applies newer
 * names and consent in one more. Newer wins by the time of the information, so re-importing a
 * file whose rows disagree about a name settles on the same answer every time.
 *
 * Deciding what changed happens in SQL, against the stored row, so JavaScript keeps only
 * identity -> id. The first version cached whole rows and compared them here: at a quarter of a
 * million customers that cache alone pushed an import past 400 MB, and building every looked-up
 * row into JavaScript cost more main-thread time than parsing the file.
 */
import type { EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import { CUSTOMER_INDEXES, DeferredIndexes } from './deferredIndexes';
import { CustomerFacts, identityOf } from './customerFacts';
import { IdentityMap } from './identityMap';

export interface ResolvedCustomers {
  /** Customer id of each fact, in the order given. */
  ids: number[];
  /** JSON rows of the facts that may change a stored customer, for applyUpdates. */
  updates: string | undefined;
}

interface StoredRow {
  id: number;
  external_id: string | null;
  email: string | null;
  /** The stored columns as a signature (below), built by the database: one value a row instead of four. */
  sig: string;
}


/**
 * Customers this import has met, identity -> id: most rows of an order history are repeat
 * customers. Bounded so memory stays flat whatever the file's size (about 60 bytes an entry);
 * past the bound the cache starts over and misses are looked up again.
 */
const CACHE_LIMIT = 500_000;

/** Separates the fields of a stored-state signature; no name, address or consent holds it. */
const SEP = '\u001f';
/**
 * A customer's stored first name, last name, email and consent as one string; a null column is
 * an empty field, which no fact can equal (formats trim every value and drop empty ones).
 * Joined, not a template: a template makes a rope of the parts, keeping every part alive with
 * it (measured as 140 MB at a quarter of a million customers); join makes one flat string.
 */
const signature = (firstName: string | null, lastName: string | null, email: string | null, consent: string): string =>
  [firstName ?? '', lastName ?? '', email ?? '', consent].join(SEP);
/** The same signature built by the database, SEP bound as parameter `sepParam`. */
const storedColumns = (d: Database['dialect'], sepParam: number): string => {
  const sep = d.param(sepParam);
  return `id, external_id, email, coalesce(first_name, '') || ${sep} || coalesce(last_name, '') || ${sep} || coalesce(email, '') || ${sep} || consent AS sig`;
};

/**
 * Whether applyUpdates would leave a customer whose stored columns are `stored` as it is. Reads
 * the signature in place: splitting it allocated four strings a fact, a visible share of the
 * importing thread at a million rows.
 */
function changesNothing(f: CustomerFacts, stored: string): boolean {
  let from = agrees(stored, 0, f.firstName);
  if (from >= 0) from = agrees(stored, from, f.lastName);
  if (from >= 0) from = agrees(stored, from, f.email);
  return from >= 0 && agrees(stored, from, f.consent) >= 0;
}

/** Where the signature's next field starts if its field at `from` agrees with `value` (undefined agrees), else -1. */
function agrees(stored: string, from: number, value: string | undefined): number {
  const end = stored.indexOf(SEP, from);
  const stop = end === -1 ? stored.length : end;
  if (value !== undefined && (stop - from !== value.length || !stored.startsWith(value, from))) return -1;
  return stop + 1;
}

/** A SQL string literal; only for values this program makes (a source name, a timestamp). */
const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;

export class CustomerResolver {
  inserted = 0;
  updated = 0;
  private readonly cache = new IdentityMap();
  /**
   * What is stored for a cached customer, as a signature, when this import knows it exactly
   * (it inserted or looked up the row and has not updated it since): a fact that agrees with it
   * cannot change the row, and skips the UPDATE. Most rows of an order history repeat what the
   * customer's earlier rows said.
   */
  private readonly stored = new Map<number, string>();
  /**
   * True while the cache holds every customer in the table: the table was empty when the import
   * began, the cache has never started over, and every customer met is identified the same way
   * (mixesIdentities). Then a miss is a new customer, and a first import (a shop's whole
   * history) never looks a customer up.
   */
  private complete = false;
  /** How the customers met so far are identified, while `complete`. */
  private readonly kinds = new Set<'id' | 'email'>();
  /** The highest customer id handed out so far, where this import numbers new customers itself (SqlDialect.lastIdSql). */
  private lastId: number | undefined;
  /** Built at the end of a bulk import into an empty table, or as soon as a lookup needs them. */
  private readonly indexes: DeferredIndexes;

  constructor(
    private readonly db: Database,
    private readonly tx: EntityManager,
    private readonly source: string,
    private readonly now: string,
    private readonly cacheLimit = CACHE_LIMIT,
  ) {
    this.indexes = new DeferredIndexes(tx, CUSTOMER_INDEXES);
  }

  /** Call once, before the first resolve; `bulk` lets a first import defer the customer indexes. */
  async prepare({ bulk }: { bulk: boolean }): Promise<void> {
    this.complete = (await this.tx.query('SELECT 1 AS one FROM customers LIMIT 1')).length === 0;
    const lastId = this.db.dialect.lastIdSql('customers');
    if (lastId !== undefined) this.lastId = Number((await this.tx.query(lastId))[0].last);
    if (bulk && this.complete) await this.indexes.drop();
  }

  /**
   * Whether the import has now met customers identified both ways, by id and by email only. A
   * customer known by id may then be the email-only customer the import created earlier, to be
   * adopted: found by email, as in an import into a shop that already had customers. So the
   * import stops assuming that a customer it has not met is new.
   */
  private mixesIdentities(facts: readonly CustomerFacts[]): boolean {
    for (const f of facts) this.kinds.add(f.externalId === undefined ? 'email' : 'id');
    return this.kinds.size > 1;
  }

  /** Call once, after the last resolve. */
  async finish(): Promise<void> {
    await this.indexes.restore();
  }

  /**
   * Gives each of `facts` (distinct identities) a customer id, looking up and inserting
   * customers now, and decides which facts may change a stored customer; applyUpdates writes
   * those later. The importer resolves the next chunk while the previous one is being written:
   * `previous` is that write, awaited only before the cache starts over (a lookup must not read
   * a row the previous chunk is about to update).
   */
  async resolve(facts: readonly CustomerFacts[], previous: Promise<unknown> = Promise.resolve()): Promise<ResolvedCustomers> {
    const overflow = this.cache.size + facts.length > this.cacheLimit;
    if (overflow || (this.complete && this.mixesIdentities(facts))) {
      await previous;
      if (overflow) {
        this.cache.clear();
        this.stored.clear();
      }
      // From here on misses are looked up, and lookups need the indexes.
      this.complete = false;
      await this.indexes.restore();
    }
    const keys = facts.map(identityOf);
    const ids: number[] = new Array<number>(facts.length);
    const unknown: number[] = [];
    keys.forEach((key, i) => {
      const id = this.cache.get(key);
      if (id === undefined) unknown.push(i);
      else ids[i] = id;
    });
    if (unknown.length && !this.complete) {
      const found = await this.lookup(unknown.map((i) => facts[i]));
      for (const i of unknown) {
        const id = found.get(keys[i]);
        if (id !== undefined) ids[i] = id;
      }
    }
    const missing = unknown.filter((i) => ids[i] === undefined);
    if (missing.length) {
      const inserted = await this.insert(missing.map((i) => facts[i]));
      missing.forEach((i, k) => (ids[i] = inserted[k]));
    }
    const created = new Set(missing);
    const updates: unknown[][] = [];
    for (let i = 0; i < facts.length; i++) {
      if (created.has(i)) continue;
      const f = facts[i];
      const stored = this.stored.get(ids[i]);
      if (stored !== undefined && changesNothing(f, stored)) continue;
      // The UPDATE decides by time whether these facts win: from here the row is not known.
      this.stored.delete(ids[i]);
      updates.push([ids[i], f.externalId ?? null, f.email ?? null, f.firstName ?? null, f.lastName ?? null, f.consent ?? null, f.consentAt ?? f.at, f.at]);
    }
    for (const i of unknown) this.cache.set(keys[i], ids[i]);
    return { ids, updates: updates.length ? JSON.stringify(updates) : undefined };
  }

  /**
   * By external id first; by email for email-keyed customers and for id-keyed ones not found
   * (adoption: an id-keyed customer takes over the email-only customer the shop imported before
   * it had ids, and applyUpdates writes the id onto it).
   */
  private async lookup(facts: CustomerFacts[]): Promise<Map<string, number>> {
    const byKey = new Map<string, number>();
    const d = this.db.dialect;
    const externalIds = facts.filter((f) => f.externalId !== undefined).map((f) => f.externalId as string);
    if (externalIds.length) {
      const rows: (StoredRow & { external_id: string })[] = await this.tx.query(`SELECT ${storedColumns(d, 1)} FROM customers WHERE external_id IN (${d.jsonList(0)})`, [
        JSON.stringify(externalIds), SEP,
      ]);
      for (const row of rows) {
        byKey.set(`x:${row.external_id}`, row.id);
        this.remember(row);
      }
    }
    const byEmailFacts = facts.filter((f) => f.email !== undefined && (f.externalId === undefined || !byKey.has(`x:${f.externalId}`)));
    if (!byEmailFacts.length) return byKey;
    const rows: (StoredRow & { email: string })[] = await this.tx.query(
      `SELECT ${storedColumns(d, 1)} FROM customers WHERE email IN (${d.jsonList(0)})`,
      [JSON.stringify(byEmailFacts.map((f) => f.email)), SEP],
    );
    // The oldest customer with an address wins, whatever order the database returns rows in.
    const byEmail = new Map<string, StoredRow>();
    for (const row of rows) {
      const known = byEmail.get(row.email);
      if (!known || row.id < known.id) byEmail.set(row.email, row);
    }
    const adopted = new Set<number>();
    for (const f of byEmailFacts) {
      const row = byEmail.get(f.email as string);
      if (!row) continue;
      this.remember(row);
      if (f.externalId === undefined) byKey.set(`e:${f.email}`, row.id);
      else if (row.external_id === null && !adopted.has(row.id)) {
        // One id per email-only customer: a second id with the same address is a new customer.
        adopted.add(row.id);
        byKey.set(`x:${f.externalId}`, row.id);
        // The adoption writes the external id: the row is no longer as looked up.
        this.stored.delete(row.id);
      }
    }
    return byKey;
  }

  private remember(row: StoredRow): void {
    this.stored.set(row.id, row.sig);
  }

  /**
   * One statement for the chunk's new customers; returns their ids in the order given. On SQLite
   * this transaction is the only writer, so it numbers the rows itself from the highest id ever
   * given: reading a quarter of a million ids back (RETURNING) cost three times the insert.
   * Elsewhere the rows come back with their ids. The statement starts with WITH so that
   * TypeORM's SQLite runner returns RETURNING rows (it discards them for statements starting
   * with INSERT); PostgreSQL reads it the same way.
   */
  private async insert(facts: CustomerFacts[]): Promise<number[]> {
    const d = this.db.dialect;
    const numbered = this.lastId !== undefined;
    const first = (this.lastId ?? 0) + 1;
    const rows = facts.map((f, i) => {
      const hasConsent = f.consent !== undefined;
      return [
        f.externalId ?? null, f.email ?? null, f.firstName ?? null, f.lastName ?? null,
        f.consent ?? 'unknown', hasConsent ? this.source : null, hasConsent ? (f.consentAt ?? f.at) : null,
        f.at, this.now, this.now, numbered ? first + i : null,
      ];
    });
    const columns = 'external_id, email, first_name, last_name, consent, consent_source, consent_at, profile_at, created_at, updated_at';
    const values = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => d.jsonAt(i)).join(', ');
    let ids: number[];
    if (numbered) {
      const inserted = await this.db.execute(this.tx, `INSERT INTO customers (${columns}, id) SELECT ${values}, ${d.jsonAt(10, 'int')} FROM ${d.jsonRows(0)}`, [JSON.stringify(rows)]);
      if (inserted !== rows.length) throw new Error(`inserted ${inserted} customers where ${rows.length} were new`);
      ids = rows.map((_, i) => first + i);
      this.lastId = first + rows.length - 1;
    } else {
      const inserted: { id: number; external_id: string | null; email: string | null }[] = await this.tx.query(
        `WITH j AS (SELECT value FROM ${d.jsonRows(0)}) INSERT INTO customers (${columns}) SELECT ${values} FROM j RETURNING id, external_id, email`,
        [JSON.stringify(rows)],
      );
      if (inserted.length !== rows.length) throw new Error(`inserted ${inserted.length} customers where ${rows.length} were new`);
      const byKey = new Map(inserted.map((row) => [row.external_id !== null ? `x:${row.external_id}` : `e:${row.email}`, row.id]));
      ids = facts.map((f) => {
        const id = byKey.get(identityOf(f));
        if (id === undefined) throw new Error(`customer ${identityOf(f)} was inserted but did not come back`);
        return id;
      });
    }
    this.inserted += rows.length;
    facts.forEach((f, i) => this.stored.set(ids[i], signature(f.firstName ?? null, f.lastName ?? null, f.email ?? null, f.consent ?? 'unknown')));
    return ids;
  }

  /**
   * Applies a chunk's facts about customers that existed before it, in one UPDATE that
   * compares them with the stored rows: a newer profile (names, email) replaces an older one, a
   * newer consent replaces an older one, and an external id fills an empty one. Every SET
   * expression sees the row as it was, so the conditions hold across all of them.
   */
  async applyUpdates({ updates }: ResolvedCustomers): Promise<void> {
    if (updates === undefined) return;
    const d = this.db.dialect;
    const [id, externalId, email, firstName, lastName, consent, consentAt, at] = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => d.jsonAt(i, i === 0 ? 'int' : 'text'));
    const differs = (column: string, value: string) => `(${value} IS NOT NULL AND NOT (${d.nullSafeEqual(`customers.${column}`, value)}))`;
    const profile = `((customers.profile_at IS NULL OR ${at} > customers.profile_at) AND (${differs('first_name', firstName)} OR ${differs('last_name', lastName)} OR ${differs('email', email)}))`;
    const newConsent = `(${differs('consent', consent)} AND (customers.consent_at IS NULL OR ${consentAt} > customers.consent_at))`;
    const adopt = `(${externalId} IS NOT NULL AND customers.external_id IS NULL)`;
    const when = (condition: string, value: string, column: string) => `${column} = CASE WHEN ${condition} THEN ${value} ELSE customers.${column} END`;
    const given = (value: string) => `${profile} AND ${value} IS NOT NULL`;
    this.updated += await this.db.execute(
      this.tx,
      `UPDATE customers SET
         ${when(given(firstName), firstName, 'first_name')}, ${when(given(lastName), lastName, 'last_name')}, ${when(given(email), email, 'email')},
         ${when(profile, at, 'profile_at')}, ${when(adopt, externalId, 'external_id')},
         ${when(newConsent, consent, 'consent')}, ${when(newConsent, literal(this.source), 'consent_source')}, ${when(newConsent, consentAt, 'consent_at')},
         updated_at = ${literal(this.now)}
       FROM ${d.jsonRows(0)}
       WHERE customers.id = ${id} AND (${profile} OR ${newConsent} OR ${adopt})`,
      [updates],
    );
  }
}
