import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { id, str, text, ts } from './columns';

/**
 * The audit log: one row per imported batch, launch, run change, export, forget and API key
 * change, written in the same transaction as the act itself, so neither exists without the other.
 */
export class AuditLog1732400000000 implements MigrationInterface {
  name = 'AuditLog1732400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'audit_log',
      columns: [id, ts('at'), str('actor', 200), str('action', 20), str('subject', 500), text('detail')],
      indices: [new TableIndex({ name: 'audit_log_at', columnNames: ['at'] })],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('audit_log');
  }
}
