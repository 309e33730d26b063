/**
 * Writes one chunk of order records inside the import's transaction: inserts new orders,
 * updates changed ones, counts unchanged ones, and refuses an order id that appears twice in
 * the same import with different values. Memory stays constant in the file size: what this
 * import has already seen lives in the orders table (import_batch_id) and a scratch table.
 */
import type { EntityManager } from 'typeorm';
import type { Database } from '../db/database';
import { InputError } from '../domain/errors';
import type { OrderRecord } from './records';

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

interface ExistingOrder {
  order_id: string;
  import_batch_id: number | null;
  source_line: number | null;
  /** 1 when every column an order means equals the incoming record. */
  same: number | string;
}

export interface ResolvedOrder {
  record: OrderRecord;
  customerId: number;
}

const SEEN = 'rekindle_import_seen';
const INSERT_COLUMNS =
  'order_id, customer_id, ordered_at, ordered_day, currency, amount_minor, refunded_minor, status, discount_code, items, import_batch_id, source_line, created_at, updated_at';
/** Column, position in the row JSON, type: equal in all of these is the same order. Names and consent belong to the customer. */
const COMPARED: readonly [string, number, 'text' | 'int'][] = [
  ['customer_id', 1, 'int'], ['ordered_at', 2, 'text'], ['ordered_day', 3, 'text'], ['currency', 4, 'text'], ['amount_minor', 5, 'int'],
  ['refunded_minor', 6, 'int'], ['status', 7, 'text'], ['discount_code', 8, 'text'], ['items', 9, 'text'],
];
const INSERT_TYPES = ['text', 'int', 'text', 'text', 'text', 'int', 'int', 'text', 'text', 'text', 'int', 'int', 'text', 'text'] as const;

export class OrderWriter {
  readonly orders: OrderCounts = { inserted: 0, updated: 0, unchanged: 0 };
  readonly excluded: ExclusionCounts = { cancelled: 0, refunded: 0, duplicates: 0 };
  private seenAny = false;

  constructor(
    private readonly db: Database,
    private readonly tx: EntityManager,
    private readonly batchId: number,
    private readonly file: string,
    private readonly now: string,
  ) {}

  async prepare(): Promise<void> {
    for (const sql of this.db.dialect.scratchTable(SEEN, 'order_id varchar(191) PRIMARY KEY, line integer')) {
      await this.tx.query(sql);
    }
  }

  /** `chunk` holds distinct order ids (the importer removes in-chunk repeats first). */
  async write(chunk: ResolvedOrder[]): Promise<void> {
    // One JSON text per chunk serves the comparison and the insert: one bound parameter each.
    const rows = JSON.stringify(chunk.map((o) => this.rowOf(o)));
    const existing = await this.existing(rows);
    const seen = this.seenAny && existing.size ? await this.seenLines([...existing.keys()]) : new Map<string, number>();
    const newlySeen: ResolvedOrder[] = [];
    for (const order of chunk) {
      const row = existing.get(order.record.orderId);
      const earlierLine = row?.import_batch_id === this.batchId ? row.source_line : seen.get(order.record.orderId);
      const firstTime = !row || earlierLine === undefined || earlierLine === null;
      if (!firstTime) this.repeated(order, row as ExistingOrder, earlierLine as number);
      else if (row && Number(row.same) === 1) {
        this.orders.unchanged++;
        newlySeen.push(order);
      } else if (row) await this.update(order);
      this.countExclusions(order.record, firstTime);
    }
    if (existing.size < chunk.length) await this.insertNew(rows, chunk.length - existing.size);
    await this.remember(newlySeen);
  }

  private repeated(order: ResolvedOrder, row: ExistingOrder, earlierLine: number): void {
    if (Number(row.same) !== 1) {
      throw new InputError(
        `order "${order.record.orderId}" appears again with different values (first at line ${earlierLine}); an order id must mean one order`,
        { file: this.file, line: order.record.line, field: 'order_id' },
      );
    }
    this.excluded.duplicates++;
  }

  private countExclusions(record: OrderRecord, firstTime: boolean): void {
    if (!firstTime) return;
    if (record.status === 'cancelled') this.excluded.cancelled++;
    else if (record.amountMinor > 0 && record.refundedMinor >= record.amountMinor) this.excluded.refunded++;
  }

  /** The chunk's orders already stored, each with whether it is the same order as stored. */
  private async existing(rows: string): Promise<Map<string, ExistingOrder>> {
    const d = this.db.dialect;
    const same = COMPARED.map(([column, i, type]) => d.nullSafeEqual(`o.${column}`, d.jsonAt(i, type))).join(' AND ');
    const found: ExistingOrder[] = await this.tx.query(
      `SELECT o.order_id, o.import_batch_id, o.source_line, CASE WHEN ${same} THEN 1 ELSE 0 END AS same
         FROM ${d.jsonRows(0)} JOIN orders o ON o.order_id = ${d.jsonAt(0)}`,
      [rows],
    );
    return new Map(found.map((r) => [r.order_id, r]));
  }

  private async seenLines(ids: string[]): Promise<Map<string, number>> {
    const rows: { order_id: string; line: number }[] = await this.tx.query(
      `SELECT order_id, line FROM ${SEEN} WHERE order_id IN (${this.db.dialect.jsonList(0)})`,
      [JSON.stringify(ids)],
    );
    return new Map(rows.map((r) => [r.order_id, r.line]));
  }

  private rowOf({ record: r, customerId }: ResolvedOrder): unknown[] {
    return [
      r.orderId, customerId, r.orderedAt, r.orderedDay, r.currency, r.amountMinor, r.refundedMinor, r.status,
      r.discountCode ?? null, JSON.stringify(r.items), this.batchId, r.line, this.now, this.now,
    ];
  }

  /** Inserts the rows whose order id is not stored yet, in one statement. */
  private async insertNew(rows: string, expected: number): Promise<void> {
    const d = this.db.dialect;
    const values = INSERT_TYPES.map((type, i) => d.jsonAt(i, type)).join(', ');
    const inserted = await this.db.execute(
      this.tx,
      `INSERT INTO orders (${INSERT_COLUMNS}) SELECT ${values} FROM ${d.jsonRows(0)}
        WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.order_id = ${d.jsonAt(0)})`,
      [rows],
    );
    if (inserted !== expected) throw new Error(`inserted ${inserted} orders where ${expected} were new`);
    this.orders.inserted += inserted;
  }

  private async update({ record: r, customerId }: ResolvedOrder): Promise<void> {
    const columns = ['customer_id', 'ordered_at', 'ordered_day', 'currency', 'amount_minor', 'refunded_minor', 'status', 'discount_code', 'items', 'import_batch_id', 'source_line', 'updated_at'];
    const values = [customerId, r.orderedAt, r.orderedDay, r.currency, r.amountMinor, r.refundedMinor, r.status, r.discountCode ?? null, JSON.stringify(r.items), this.batchId, r.line, this.now];
    const d = this.db.dialect;
    const sets = columns.map((c, i) => `${c} = ${d.param(i)}`).join(', ');
    await this.tx.query(`UPDATE orders SET ${sets} WHERE order_id = ${d.param(values.length)}`, [...values, r.orderId]);
    this.orders.updated++;
  }

  private async remember(orders: ResolvedOrder[]): Promise<void> {
    if (!orders.length) return;
    this.seenAny = true;
    const d = this.db.dialect;
    await this.tx.query(
      `INSERT INTO ${SEEN} (order_id, line) SELECT ${d.jsonAt(0)}, ${d.jsonAt(1, 'int')} FROM ${d.jsonRows(0)}`,
      [JSON.stringify(orders.map((o) => [o.record.orderId, o.record.line]))],
    );
  }
}
