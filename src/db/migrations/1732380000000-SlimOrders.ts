import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { ts } from './columns';

/**
 * Orders lose created_at/updated_at: every order row already names the import batch that wrote
 * it last (import_batch_id), and the batch has the times. The two 24-byte texts were a third of
 * an order row, and a million-row import measured 25% faster without them (docs/benchmarks.md).
 * ALTER TABLE ... DROP COLUMN is the same on SQLite (3.35+) and PostgreSQL.
 */
export class SlimOrders1732380000000 implements MigrationInterface {
  name = 'SlimOrders1732380000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE orders DROP COLUMN created_at');
    await q.query('ALTER TABLE orders DROP COLUMN updated_at');
  }

  async down(q: QueryRunner): Promise<void> {
    // The times come back as the times of each order's last batch.
    for (const name of ['created_at', 'updated_at']) {
      await q.addColumn('orders', new TableColumn({ ...ts(name, true) }));
      await q.query(`UPDATE orders SET ${name} = (SELECT COALESCE(b.finished_at, b.started_at) FROM import_batches b WHERE b.id = orders.import_batch_id)`);
    }
  }
}
