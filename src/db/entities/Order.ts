import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintAsNumber, ISO_TIMESTAMP_LENGTH } from '../columns';

@Entity({ name: 'orders', withoutRowid: true })
@Index('orders_customer_day', ['customerId', 'orderedDay', 'orderId', 'currency', 'status', 'amountMinor', 'refundedMinor'])
export class Order {
  /** The shop's order id: the key, and the idempotency key of every import path. */
  @PrimaryColumn({ name: 'order_id', type: 'varchar', length: 191 })
  orderId: string;

  @Column({ name: 'customer_id', type: 'integer' })
  customerId: number;

  @Column({ name: 'ordered_at', type: 'varchar', length: ISO_TIMESTAMP_LENGTH })
  orderedAt: string;

  /** The order's calendar day in the shop time zone at import; RFM counts purchase days. */
  @Column({ name: 'ordered_day', type: 'varchar', length: 10 })
  orderedDay: string;

  @Column({ type: 'varchar', length: 3 })
  currency: string;

  @Column({ name: 'amount_minor', type: 'bigint', transformer: bigintAsNumber })
  amountMinor: number;

  @Column({ name: 'refunded_minor', type: 'bigint', transformer: bigintAsNumber, default: 0 })
  refundedMinor: number;

  /** `kept` or `cancelled`; cancelled orders are counted but are neither revenue nor purchases. */
  @Column({ type: 'varchar', length: 12 })
  status: 'kept' | 'cancelled';

  @Column({ name: 'discount_code', type: 'varchar', length: 100, nullable: true })
  discountCode: string | null;

  /** JSON array of line item names. */
  @Column({ type: 'text', default: '[]' })
  items: string;

  /** Shopify's `#1043` when the order id is its numeric Id; incidents accept either. */
  @Column({ name: 'order_name', type: 'varchar', length: 191, nullable: true })
  orderName: string | null;

  /** The import batch that created or last changed this order; its times are the order's. */
  @Column({ name: 'import_batch_id', type: 'integer', nullable: true })
  importBatchId: number | null;

  @Column({ name: 'source_line', type: 'integer', nullable: true })
  sourceLine: number | null;
}
