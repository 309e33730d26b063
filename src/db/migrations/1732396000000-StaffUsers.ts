import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { id, int, ref, str, ts } from './columns';

/**
 * The console's staff users and their sessions. Emails are stored trimmed and lower-cased, so
 * the unique index makes them unique case-insensitively on both engines. A session row is keyed
 * by the SHA-256 of its cookie token: a copy of the database signs nobody in.
 */
export class StaffUsers1732396000000 implements MigrationInterface {
  name = 'StaffUsers1732396000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'staff_users',
      columns: [id, str('email', 320), str('name', 200, true), str('role', 16), str('password_hash', 255), ts('disabled_at', true), ts('created_at')],
      indices: [new TableIndex({ name: 'staff_users_email', columnNames: ['email'], isUnique: true })],
    }));
    await q.createTable(new Table({
      name: 'staff_sessions',
      columns: [{ ...str('id', 64), isPrimary: true }, int('user_id'), ts('created_at'), ts('last_seen_at'), ts('expires_at')],
      foreignKeys: [{ ...ref('user_id', 'staff_users'), onDelete: 'CASCADE' }],
      indices: [new TableIndex({ name: 'staff_sessions_user', columnNames: ['user_id'] })],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('staff_sessions');
    await q.dropTable('staff_users');
  }
}
