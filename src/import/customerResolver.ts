/**
 * Turns the customer fields of a chunk of records into customer ids: finds existing customers
 * (by external id, else by email), creates the new ones (newCustomers), and applies newer names
 * and consent in one more statement. Newer wins by the time of the information (customerState),
 * so re-importing a file whose rows disagree about a name settles on the same answer every time.
 *
 * The SQL decides what changes, against the stored row; JavaScript keeps identity -> id in typed
 * arrays (IdentityMap) and each known customer's state compactly (KnownCustomer), to skip the
 * facts that change nothing. The first version cached whole rows as objects: at a quarter of a
 * million customers that cache alone pushed an import past 400 MB.
 */
import type { EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import { CUSTOMER_INDEXES, DeferredIndexes } from './deferredIndexes';
import { CustomerFacts, identityOf } from './customerFacts';
import { hasControlCharacters, personName } from './formats/fields';
import { applyFacts, KnownCustomer, SEP, VALUE_COLUMNS } from './customerState';
import { IdentityMap } from './identityMap';
import { NewCustomers } from './newCustomers';

export interface ResolvedCustomers {
  /** Customer id of each fact, in the order given. */
  ids: number[];
  /**
   * JSON rows of the facts that change a stored customer, for applyUpdates: in batches, each
   * naming a customer once (an UPDATE ... FROM applies one source row per target row).
   */
  updates: string[];
  /** Of those, the customers whose values (not only their times) change. */
  changed: number;
}

interface StoredRow {
  id: number;
  external_id: string | null;
  email: string | null;
  /** KnownCustomer.values, built by the database: one value a row instead of four. */
  known_values: string;
  profile_at: string | null;
  consent_at: string | null;
}

/**
 * Customers this import has met, identity -> id: most rows of an order history are repeat
 * customers. Bounded so memory stays flat whatever the file's size (about 60 bytes an entry);
 * past the bound the cache starts over and misses are looked up again.
 */
const CACHE_LIMIT = 500_000;

/** The columns a lookup reads, KnownCustomer.values built by the database with SEP bound as parameter `sepParam`. */
const storedColumns = (d: Database['dialect'], sepParam: number): string => {
  const fields = VALUE_COLUMNS.map((column) => (column === 'consent' ? column : `coalesce(${column}, '')`));
  return `id, external_id, email, ${fields.join(` || ${d.param(sepParam)} || `)} AS known_values, profile_at, consent_at`;
};

/** A SQL string literal; only for values this program makes (a source name, a timestamp). */
const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;

export class CustomerResolver {
  updated = 0;
  private readonly cache = new IdentityMap();
  /**
   * What is stored for each cached customer, by id (customerState): the import inserted or
   * looked the row up, and follows every update it sends. A fact that cannot change it skips the
   * UPDATE; most rows of an order history repeat what the customer's earlier rows said.
   */
  private readonly stored = new Map<number, KnownCustomer>();
  /** New customers: ids, and rows written now or, in a bulk import into an empty shop, later. */
  private readonly created: NewCustomers;
  /** Identities (`x:…`) that adopt the email-only customer a lookup found: their update writes the external id. */
  private readonly adopting = new Set<string>();
  /**
   * The chunk resolved last sends its updates in more than one statement (two identities of one
   * customer): the next chunk's lookups wait for them, or they could read a row between two.
   */
  private updatesSpanStatements = false;
  /**
   * True while the cache holds every customer in the table: the table was empty when the import
   * began, the cache has never started over, and every customer met is identified the same way
   * (mixesIdentities). Then a miss is a new customer, and a first import (a shop's whole
   * history) never looks a customer up.
   */
  private complete = false;
  /** How the customers met so far are identified, while `complete`. */
  private readonly kinds = new Set<'id' | 'email'>();
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
    this.created = new NewCustomers(db, tx, source, now, this.stored);
  }

  /** Customers this import created. */
  get inserted(): number {
    return this.created.inserted;
  }

  /** Call once, before the first resolve; `bulk` lets a first import defer the customer indexes. */
  async prepare({ bulk }: { bulk: boolean }): Promise<void> {
    this.complete = (await this.tx.query('SELECT 1 AS one FROM customers LIMIT 1')).length === 0;
    // Indexes first: dropping one locks the table against every other session until commit,
    // which is what lets PostgreSQL's import number its new customers itself (newCustomers).
    if (bulk && this.complete) await this.indexes.drop();
    await this.created.prepare({ defer: bulk && this.complete });
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
    await this.created.writeUnwritten(this.cache.entries());
    await this.created.finish();
    await this.indexes.restore();
  }

  /**
   * Gives each of `facts` (distinct identities) a customer id, looking up and inserting
   * customers now, and decides which facts may change a stored customer; applyUpdates writes
   * those later. The importer resolves the next chunk while the previous one is being written:
   * `previous` is that write, awaited only where a lookup could otherwise read a row the previous
   * chunk is about to write (the import starts looking customers up, or that chunk's updates
   * span statements).
   */
  async resolve(given: readonly CustomerFacts[], previous: Promise<unknown> = Promise.resolve()): Promise<ResolvedCustomers> {
    // Whatever the source, names reach the table (and customerState, which joins fields with a
    // control character) as formats make them: control characters are spaces.
    const facts = given.map((f) => (hasControlCharacters(f.firstName) || hasControlCharacters(f.lastName) ? { ...f, firstName: personName(f.firstName), lastName: personName(f.lastName) } : f));
    const overflow = this.cache.size + facts.length > this.cacheLimit;
    if (overflow || (this.complete && this.mixesIdentities(facts))) {
      await previous;
      // From here on customers are looked up: the ones created so far must be in the table.
      await this.created.writeUnwritten(this.cache.entries());
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
      if (this.updatesSpanStatements) await previous;
      const found = await this.lookup(unknown.map((i) => facts[i]));
      for (const i of unknown) {
        const id = found.get(keys[i]);
        if (id !== undefined) ids[i] = id;
      }
    }
    const missing = unknown.filter((i) => ids[i] === undefined);
    if (missing.length) {
      const inserted = await this.created.insert(missing.map((i) => facts[i]));
      missing.forEach((i, k) => (ids[i] = inserted[k]));
    }
    const created = new Set(missing);
    const batches: unknown[][][] = [];
    const rowsFor = new Map<number, number>();
    let changed = 0;
    for (let i = 0; i < facts.length; i++) {
      if (created.has(i)) continue;
      const f = facts[i];
      const id = ids[i];
      const known = this.stored.get(id);
      const adopting = this.adopting.delete(keys[i]);
      const outcome = known === undefined ? 'changed' : applyFacts(known, f);
      if (outcome === 'nothing' && !adopting) continue;
      if (outcome === 'changed' || adopting) changed++;
      // Not in the table yet: its insert will write the state it has now.
      if (this.created.unwritten(id)) continue;
      const row = [id, f.externalId ?? null, f.email ?? null, f.firstName ?? null, f.lastName ?? null, f.consent ?? null, f.consentAt ?? f.at, f.at];
      // Two identities can name one customer (an adoption): their facts go in separate batches.
      const earlier = rowsFor.get(id) ?? 0;
      rowsFor.set(id, earlier + 1);
      (batches[earlier] ??= []).push(row);
    }
    for (const i of unknown) this.cache.set(keys[i], ids[i]);
    this.updatesSpanStatements = batches.length > 1;
    return { ids, updates: batches.map((b) => JSON.stringify(b)), changed };
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
        this.adopting.add(`x:${f.externalId}`);
      }
    }
    return byKey;
  }

  private remember(row: StoredRow): void {
    this.stored.set(row.id, { values: row.known_values, profileAt: row.profile_at ?? '', consentAt: row.consent_at ?? '' });
  }

  /**
   * Applies a chunk's facts about customers that existed before it, by the rule of
   * customerState: a newer profile statement (names, or a new email) replaces the fields it
   * gives and takes its time, a newer consent replaces the stored one with its time and source,
   * and an external id fills an empty one. Every SET expression sees the row as it was, so the
   * conditions hold across all of them. The SQL is the authority; the resolver follows along in
   * memory.
   */
  async applyUpdates({ updates, changed }: ResolvedCustomers): Promise<void> {
    this.updated += changed;
    if (updates.length === 0) return;
    const d = this.db.dialect;
    const [id, externalId, email, firstName, lastName, consent, consentAt, at] = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => d.jsonAt(i, i === 0 ? 'int' : i >= 6 ? 'time' : 'text'));
    const newEmail = `(${email} IS NOT NULL AND NOT (${d.nullSafeEqual('customers.email', email)}))`;
    const profile = `((${firstName} IS NOT NULL OR ${lastName} IS NOT NULL OR ${newEmail}) AND (customers.profile_at IS NULL OR ${at} > customers.profile_at))`;
    const newConsent = `(${consent} IS NOT NULL AND (customers.consent_at IS NULL OR ${consentAt} > customers.consent_at))`;
    const adopt = `(${externalId} IS NOT NULL AND customers.external_id IS NULL)`;
    const when = (condition: string, value: string, column: string) => `${column} = CASE WHEN ${condition} THEN ${value} ELSE customers.${column} END`;
    const given = (value: string) => `${profile} AND ${value} IS NOT NULL`;
    const sql = `UPDATE customers SET
         ${when(given(firstName), firstName, 'first_name')}, ${when(given(lastName), lastName, 'last_name')}, ${when(given(email), email, 'email')},
         ${when(profile, at, 'profile_at')}, ${when(adopt, externalId, 'external_id')},
         ${when(newConsent, consent, 'consent')}, ${when(newConsent, literal(this.source), 'consent_source')}, ${when(newConsent, consentAt, 'consent_at')},
         updated_at = ${literal(this.now)}
       FROM ${d.jsonRows(0)}
       WHERE customers.id = ${id} AND (${profile} OR ${newConsent} OR ${adopt})`;
    for (const batch of updates) await this.db.execute(this.tx, sql, [batch]);
  }
}
