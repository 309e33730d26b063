/**
 * Secondary indexes a first import builds once at the end instead of entry by entry. Inserting a
 * million orders measured twice as fast without orders_customer_day, and building it afterwards
 * took 0.6 s; the customer indexes likewise cost more than half of inserting 250,000 customers.
 * Both are dropped inside the import's transaction, so a failed or dry run gets them back on
 * rollback. The definitions are the migrations' (1732350000000-Foundation and
 * 1732404000000-PurchaseLogIndex); a test compares them.
 */
import type { EntityManager } from 'typeorm';

interface IndexDefinition {
  name: string;
  table: string;
  columns: string;
  /** The columns on PostgreSQL, where they differ. */
  postgres?: string;
  unique?: boolean;
}

export const ORDER_INDEXES: readonly IndexDefinition[] = [
  // Covering the purchase log's read (1732404000000-PurchaseLogIndex).
  { name: 'orders_customer_day', table: 'orders', columns: 'customer_id, ordered_day, order_id, currency, status, amount_minor, refunded_minor' },
];

export const CUSTOMER_INDEXES: readonly IndexDefinition[] = [
  // Rebuilding the unique index also proves the import created no customer twice.
  { name: 'customers_external_id', table: 'customers', columns: 'external_id', unique: true },
  { name: 'customers_email', table: 'customers', columns: 'email' },
  // The console's name search (1732397300000-CustomerSearch; in byte order on PostgreSQL, 1732410000000-SearchInByteOrder).
  { name: 'customers_first_name_lower', table: 'customers', columns: 'lower(first_name)', postgres: '(lower(first_name) COLLATE "C")' },
  { name: 'customers_last_name_lower', table: 'customers', columns: 'lower(last_name)', postgres: '(lower(last_name) COLLATE "C")' },
];

export class DeferredIndexes {
  private dropped = false;

  constructor(private readonly tx: EntityManager, private readonly indexes: readonly IndexDefinition[]) {}

  async drop(): Promise<void> {
    if (this.dropped) return;
    for (const index of this.indexes) await this.tx.query(`DROP INDEX ${index.name}`);
    this.dropped = true;
  }

  async restore(): Promise<void> {
    if (!this.dropped) return;
    const postgres = this.tx.connection.options.type === 'postgres';
    for (const i of this.indexes) await this.tx.query(`CREATE ${i.unique ? 'UNIQUE ' : ''}INDEX ${i.name} ON ${i.table} (${(postgres && i.postgres) || i.columns})`);
    this.dropped = false;
  }
}

/**
 * PostgreSQL checks a foreign key row by row, by trigger: COPY of 200,000 orders measured 6.8 s
 * with orders -> customers checked and 2.7 s without, plus 0.2 s to add the key back, which
 * checks every row in one pass (a join). So a first bulk import drops the key inside its
 * transaction and adds it back, from its own definition, before it commits: a failed or dry run
 * gets it back on rollback, and an order without its customer still fails the import.
 */
export class DeferredForeignKey {
  private dropped: { name: string; definition: string } | null = null;

  constructor(private readonly tx: EntityManager, private readonly table: string, private readonly references: string) {}

  async drop(): Promise<void> {
    if (this.dropped) return;
    const [key] = await this.tx.query(
      `SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conrelid = $1::regclass AND confrelid = $2::regclass AND contype = 'f'`,
      [this.table, this.references],
    );
    if (!key) return;
    await this.tx.query(`ALTER TABLE ${this.table} DROP CONSTRAINT "${key.name}"`);
    this.dropped = key;
  }

  async restore(): Promise<void> {
    if (!this.dropped) return;
    await this.tx.query(`ALTER TABLE ${this.table} ADD CONSTRAINT "${this.dropped.name}" ${this.dropped.definition}`);
    this.dropped = null;
  }
}
