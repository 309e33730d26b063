/**
 * The log of processed order webhooks (table webhook_deliveries). Shopify retries a delivery
 * with the same X-Shopify-Webhook-Id until it gets a 2xx, and deliveries arrive out of order:
 * a replay, or an update older than the newest one processed for its order, must not overwrite
 * newer data. Deliveries of one order are decided one at a time (one process serves the API,
 * as for the rate limits), so a check and the import that follows it cannot interleave.
 */
import type { Database } from '../db/database';

export interface Delivery {
  /** X-Shopify-Webhook-Id; absent when the sender gave none. */
  webhookId?: string;
  orderId: string;
  /** The order's `updated_at`, UTC ISO; absent in payloads that lack it. */
  updatedAt?: string;
}

export type Ignored = 'already_processed' | 'older_than_stored';

export class WebhookDeliveries {
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(private readonly db: Database, private readonly now: () => Date) {}

  /** Runs `work` after every earlier call for the same order has finished. */
  async oneAtATime<T>(orderId: string, work: () => Promise<T>): Promise<T> {
    const before = this.inFlight.get(orderId) ?? Promise.resolve();
    const mine = before.catch(() => undefined).then(work);
    this.inFlight.set(orderId, mine);
    try {
      return await mine;
    } finally {
      if (this.inFlight.get(orderId) === mine) this.inFlight.delete(orderId);
    }
  }

  /** Why this delivery must be ignored, or undefined to process it. */
  async ignored(delivery: Delivery): Promise<Ignored | undefined> {
    const p = (i: number) => this.db.dialect.param(i);
    if (delivery.webhookId !== undefined) {
      const seen = await this.db.reader.query(`SELECT 1 AS one FROM webhook_deliveries WHERE webhook_id = ${p(0)}`, [delivery.webhookId]);
      if (seen.length) return 'already_processed';
    }
    if (delivery.updatedAt === undefined) return undefined;
    // ISO UTC timestamps of one length order as text; the index on (order_id, order_updated_at) answers this.
    const newer = await this.db.reader.query(
      `SELECT 1 AS one FROM webhook_deliveries WHERE order_id = ${p(0)} AND order_updated_at > ${p(1)} LIMIT 1`,
      [delivery.orderId, delivery.updatedAt],
    );
    return newer.length ? 'older_than_stored' : undefined;
  }

  async record(delivery: Delivery): Promise<void> {
    const p = (i: number) => this.db.dialect.param(i);
    await this.db.write((tx) =>
      tx.query(`INSERT INTO webhook_deliveries (webhook_id, order_id, order_updated_at, received_at) VALUES (${p(0)}, ${p(1)}, ${p(2)}, ${p(3)})`, [
        delivery.webhookId ?? null, delivery.orderId, delivery.updatedAt ?? null, this.now().toISOString(),
      ]),
    );
  }
}
