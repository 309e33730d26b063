import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { id, str, ts } from './columns';

/**
 * Order webhooks already processed: a delivery whose id is here is a replay, and one whose
 * `updated_at` is older than the newest stored for its order is stale; both are ignored.
 * Deliveries without an id (no X-Shopify-Webhook-Id) are kept for their `updated_at` only.
 */
export class WebhookDeliveries1732391000000 implements MigrationInterface {
  name = 'WebhookDeliveries1732391000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'webhook_deliveries',
      columns: [id, str('webhook_id', 191, true), str('order_id', 191), ts('order_updated_at', true), ts('received_at')],
      indices: [
        new TableIndex({ name: 'webhook_deliveries_webhook', columnNames: ['webhook_id'], isUnique: true }),
        new TableIndex({ name: 'webhook_deliveries_order', columnNames: ['order_id', 'order_updated_at'] }),
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('webhook_deliveries');
  }
}
