/**
 * Writes one chunk of order records inside the import's transaction: inserts new orders,
 * updates changed ones, counts unchanged ones, and refuses an order id that appears twice in
 * the same import with different values. Memory stays constant in the file size: what this
 * import has already seen lives in the orders table (import_batch_id, source_line) and, for
 * orders it found unchanged, in a scratch table.
 *
 * The chunk crosses into SQL once as a JSON text and most of the work stays there: new orders
 * go in first, and only the orders that need a decision in JavaScript (changed, or repeated
 * within this import) come back. Returning a row per unchanged order, as the first version did,
 * cost more than the comparison itself (node-sqlite3 builds every result row on the main thread).
 */
import type { EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import { COPY_MIN_ROWS, copyNewOrders } from './pgCopy';
import { ChunkShape, exclusionOf, ORDER_ROW, OrderChunk, orderRepeatedError, rowsJson, unpackOrders } from './orderChunk';

export interface OrderCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface ExclusionCounts {
  cancelled: number;
  /** Kept orders refunded in full: counted, but neither revenue nor purchases. */
  refunded: number;
  /** The same order repeated with identical values in one import. */
  duplicates: number;
}

/** A stored order the chunk repeats or changes. */
interface StoredOrder {
  order_id: string;
  import_batch_id: number | null;
  source_line: number | null;
  /** 1 when every column an order means equals the incoming record. */
  same: number | string;
  /** Line of this import where the order was seen unchanged before, if it was. */
  seen_line: number | null;
}

const SEEN = 'rekindle_import_seen';
const COLUMNS = ['order_id', 'customer_id', 'ordered_at', 'ordered_day', 'currency', 'amount_minor', 'refunded_minor', 'status', 'discount_code', 'items', 'order_name', 'import_batch_id', 'source_line'];
/** Every column an order means, its id, batch and line aside: equal in all of them is the same order. */
const COMPARED = COLUMNS.slice(1, 11);
/** The one parameter of every chunk statement: the chunk's completed order rows. */
const ROWS = 0;

export class OrderWriter {
  readonly orders: OrderCounts = { inserted: 0, updated: 0, unchanged: 0 };
  readonly excluded: ExclusionCounts = { cancelled: 0, refunded: 0, duplicates: 0 };
  /** Whether any order was stored before this import: if none, nothing can be unchanged. */
  private ordersBefore = true;
  /** The chunk statements, built once by prepare(): they differ only in the chunk's JSON. */
  private sql = { insertNew: '', storedNeedingDecision: '', rememberUnchanged: '' };
  /** Whether a chunk first tries PostgreSQL's COPY (pgCopy.ts): only into a table that was empty, where every row should be new. */
  private copyOrders = false;
  /** `o` is a row this import wrote. */
  private readonly mine: string;

  constructor(
    private readonly db: Database,
    private readonly tx: EntityManager,
    private readonly batchId: number,
    private readonly file: string,
  ) {
    // Written into the SQL as a literal: it appears several times in a statement, and both
    // engines number parameters differently.
    if (!Number.isSafeInteger(batchId)) throw new Error(`batch id ${batchId} is not an integer`);
    this.mine = db.dialect.nullSafeEqual('o.import_batch_id', String(batchId));
  }

  /**
   * With foreign keys off for a bulk load (Database.writeBulk), proves that every order this
   * import wrote refers to an existing customer. One pass over the orders table, once; when the
   * table was empty before the import every order is this import's, and the pass reads only the
   * customer ids (from orders_customer_day): measured 0.15 s at a million orders instead of 1.2 s.
   */
  async checkCustomers(): Promise<void> {
    const mine = this.ordersBefore ? `${this.mine} AND` : '';
    // Only order_id and customer_id are read, so the index alone can answer.
    const orphans: { order_id: string }[] = await this.tx.query(
      `SELECT o.order_id FROM orders o WHERE ${mine} NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = o.customer_id) LIMIT 1`,
    );
    if (orphans.length) throw new Error(`order "${orphans[0].order_id}" was written for a customer that does not exist`);
  }

  /** The shape of chunk this writer takes fastest: COPY rows where it copies (prepare decides). */
  get shape(): ChunkShape {
    return this.copyOrders ? 'copy' : 'json';
  }

  /** Returns whether the orders table was empty, so the importer may defer its index. */
  async prepare(): Promise<{ empty: boolean }> {
    this.ordersBefore = (await this.tx.query('SELECT 1 AS one FROM orders LIMIT 1')).length > 0;
    if (this.ordersBefore) {
      for (const sql of this.db.dialect.scratchTable(SEEN, 'order_id varchar(191) PRIMARY KEY, line integer')) await this.tx.query(sql);
    }
    this.sql = this.statements();
    this.copyOrders = this.db.dialect.kind === 'postgres' && !this.ordersBefore;
    return { empty: !this.ordersBefore };
  }

  /** Writes a chunk whose customers have the ids `customerIds` (by position in chunk.facts). */
  async write(chunk: OrderChunk, customerIds: number[]): Promise<void> {
    this.excluded.cancelled += chunk.cancelled;
    this.excluded.refunded += chunk.refunded;
    if (this.copyOrders && chunk.shape === 'copy' && chunk.count >= COPY_MIN_ROWS && (await copyNewOrders(this.tx, chunk, customerIds, this.batchId))) {
      this.orders.inserted += chunk.count;
      return;
    }
    const params = [rowsJson(chunk, customerIds)];
    // Orders stored before this import and unchanged are the whole of a re-import: remembered
    // in one statement whose count settles such a chunk, without even probing for new orders.
    // The two statements touch disjoint rows (stored before the chunk, or not stored), so
    // their order does not matter.
    const unchanged = this.ordersBefore ? await this.db.execute(this.tx, this.sql.rememberUnchanged, params) : 0;
    this.orders.unchanged += unchanged;
    if (unchanged === chunk.count) return;
    const inserted = await this.db.execute(this.tx, this.sql.insertNew, params);
    this.orders.inserted += inserted;
    if (inserted + unchanged === chunk.count) return;
    const found: StoredOrder[] = await this.tx.query(this.sql.storedNeedingDecision, params);
    const stored = new Map(found.map((r) => [r.order_id, r]));
    if (inserted + unchanged + stored.size !== chunk.count) {
      throw new Error(`a chunk of ${chunk.count} orders came back as ${inserted} new, ${unchanged} unchanged and ${stored.size} to decide`);
    }
    for (const row of unpackOrders(params[ROWS])) {
      const found = stored.get(row[ORDER_ROW.orderId]);
      if (!found) continue;
      const earlierLine = found.import_batch_id === this.batchId ? found.source_line : found.seen_line;
      if (earlierLine === null) {
        await this.update(row);
        continue;
      }
      this.repeated(row[ORDER_ROW.orderId], row[ORDER_ROW.line], found, earlierLine);
      // A repeat is neither revenue nor an exclusion of its own: the first sighting counted.
      const excluded = exclusionOf(row[ORDER_ROW.status], row[ORDER_ROW.amountMinor], row[ORDER_ROW.refundedMinor]);
      if (excluded) this.excluded[excluded]--;
    }
  }

  private repeated(orderId: string, line: number, row: StoredOrder, earlierLine: number): void {
    if (Number(row.same) !== 1) throw orderRepeatedError(orderId, earlierLine, { file: this.file, line });
    this.excluded.duplicates++;
  }

  private statements(): OrderWriter['sql'] {
    const d = this.db.dialect;
    const r = ORDER_ROW;
    const orderId = d.jsonAt(r.orderId);
    const line = d.jsonAt(r.line, 'int');
    // The row's columns in COLUMNS order, as SQL over `j.value`.
    const values = [
      orderId, d.jsonAt(r.customerId, 'int'), d.jsonAt(r.orderedAt, 'time'), d.jsonAt(r.orderedDay), d.jsonAt(r.currency),
      d.jsonAt(r.amountMinor, 'int'), d.jsonAt(r.refundedMinor, 'int'), d.jsonAt(r.status), d.jsonAt(r.discountCode), d.jsonAt(r.items),
      d.jsonAt(r.orderName), String(this.batchId), line,
    ];
    const rows = `${d.jsonRows(ROWS)} JOIN orders o ON o.order_id = ${orderId}`;
    const same = COMPARED.map((column, i) => d.nullSafeEqual(`o.${column}`, values[i + 1])).join(' AND ');
    // Same meaning, different cost: when most rows are new (the table was empty), the insert's
    // own key check decides (ON CONFLICT; 10% faster at a million rows); when many exist, a
    // NOT EXISTS probe skips them before a row is built (three times faster on a re-import).
    const skipStored = this.ordersBefore
      ? `WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.order_id = ${orderId})`
      : 'WHERE true ON CONFLICT (order_id) DO NOTHING';
    return {
      // The rows whose order id is not stored yet.
      insertNew: `INSERT INTO orders (${COLUMNS.join(', ')}) SELECT ${values.join(', ')} FROM ${d.jsonRows(ROWS)} ${skipStored}`,
      // The chunk's orders stored under another batch with the same values and not met before
      // in this import: unchanged. Ones seen before stay as they were (the conflict).
      rememberUnchanged: `INSERT INTO ${SEEN} (order_id, line) SELECT o.order_id, ${line} FROM ${rows}
        WHERE NOT (${this.mine}) AND ${same} ON CONFLICT (order_id) DO NOTHING`,
      // The rest of the chunk's orders that were stored before it: changed ones, and ones this
      // import has already met (written, or seen unchanged). Not the ones this chunk inserted or
      // remembered: an order id appears once in a chunk, so its own line marks them.
      storedNeedingDecision: `SELECT o.order_id, o.import_batch_id, o.source_line, ${this.ordersBefore ? 's.line' : 'NULL'} AS seen_line,
                CASE WHEN ${same} THEN 1 ELSE 0 END AS same
           FROM ${rows} ${this.ordersBefore ? `LEFT JOIN ${SEEN} s ON s.order_id = o.order_id` : ''}
          WHERE NOT (${this.mine} AND o.source_line = ${line})${this.ordersBefore ? ` AND (s.line IS NULL OR s.line <> ${line})` : ''}`,
    };
  }

  private async update(row: ReturnType<typeof unpackOrders>[number]): Promise<void> {
    const r = ORDER_ROW;
    const columns = COLUMNS.slice(1);
    const values = [row[r.customerId], row[r.orderedAt], row[r.orderedDay], row[r.currency], row[r.amountMinor], row[r.refundedMinor], row[r.status], row[r.discountCode], row[r.items], row[r.orderName], this.batchId, row[r.line]];
    const d = this.db.dialect;
    const sets = columns.map((c, i) => `${c} = ${d.param(i)}`).join(', ');
    await this.tx.query(`UPDATE orders SET ${sets} WHERE order_id = ${d.param(values.length)}`, [...values, row[r.orderId]]);
    this.orders.updated++;
  }
}
