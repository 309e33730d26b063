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

interface OrderRow {
  order_id: string;
  customer_id: number;
  ordered_at: string;
  ordered_day: string;
  currency: string;
  amount_minor: number | string;
  refunded_minor: number | string;
  status: string;
  discount_code: string | null;
  items: string;
  import_batch_id: number | null;
  source_line: number | null;
}

export interface ResolvedOrder {
  record: OrderRecord;
  customerId: number;
}

const SEEN = 'rekindle_import_seen';
const INSERT_COLUMNS =
  'order_id, customer_id, ordered_at, ordered_day, currency, amount_minor, refunded_minor, status, discount_code, items, import_batch_id, source_line, created_at, updated_at';
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
    const ids = chunk.map((o) => o.record.orderId);
    const existing = await this.existing(ids);
    const seen = this.seenAny ? await this.seenLines(ids) : new Map<string, number>();
    const inserts: ResolvedOrder[] = [];
    const newlySeen: ResolvedOrder[] = [];
    for (const order of chunk) {
      const row = existing.get(order.record.orderId);
      const earlierLine = row?.import_batch_id === this.batchId ? row.source_line : seen.get(order.record.orderId);
      if (row && earlierLine !== undefined && earlierLine !== null) {
        this.repeated(order, row, earlierLine);
      } else if (!row) {
        inserts.push(order);
      } else if (sameOrder(order, row)) {
        this.orders.unchanged++;
        newlySeen.push(order);
      } else {
        await this.update(order);
      }
      this.countExclusions(order.record, !row || earlierLine === undefined || earlierLine === null);
    }
    await this.insert(inserts);
    await this.remember(newlySeen);
  }

  private repeated(order: ResolvedOrder, row: OrderRow, earlierLine: number): void {
    if (!sameOrder(order, row)) {
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

  private async existing(ids: string[]): Promise<Map<string, OrderRow>> {
    const rows: OrderRow[] = await this.tx.query(
      `SELECT order_id, customer_id, ordered_at, ordered_day, currency, amount_minor, refunded_minor, status, discount_code, items, import_batch_id, source_line FROM orders WHERE order_id IN (${this.db.dialect.jsonList(0)})`,
      [JSON.stringify(ids)],
    );
    return new Map(rows.map((r) => [r.order_id, r]));
  }

  private async seenLines(ids: string[]): Promise<Map<string, number>> {
    const rows: { order_id: string; line: number }[] = await this.tx.query(
      `SELECT order_id, line FROM ${SEEN} WHERE order_id IN (${this.db.dialect.jsonList(0)})`,
      [JSON.stringify(ids)],
    );
    return new Map(rows.map((r) => [r.order_id, r.line]));
  }

  private async insert(orders: ResolvedOrder[]): Promise<void> {
    if (!orders.length) return;
    const d = this.db.dialect;
    const rows = orders.map(({ record: r, customerId }) => [
      r.orderId, customerId, r.orderedAt, r.orderedDay, r.currency, r.amountMinor, r.refundedMinor, r.status,
      r.discountCode ?? null, JSON.stringify(r.items), this.batchId, r.line, this.now, this.now,
    ]);
    const values = INSERT_TYPES.map((type, i) => d.jsonAt(i, type)).join(', ');
    await this.tx.query(`INSERT INTO orders (${INSERT_COLUMNS}) SELECT ${values} FROM ${d.jsonRows(0)}`, [JSON.stringify(rows)]);
    this.orders.inserted += rows.length;
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

/** Equal in everything an order means; names and consent belong to the customer, not the order. */
export function sameOrder({ record: r, customerId }: ResolvedOrder, row: OrderRow): boolean {
  return (
    row.customer_id === customerId &&
    row.ordered_at === r.orderedAt &&
    row.ordered_day === r.orderedDay &&
    row.currency === r.currency &&
    Number(row.amount_minor) === r.amountMinor &&
    Number(row.refunded_minor) === r.refundedMinor &&
    row.status === r.status &&
    (row.discount_code ?? undefined) === r.discountCode &&
    row.items === JSON.stringify(r.items)
  );
}
