import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { int, str, text, ts } from './columns';

/**
 * The owners' weekly digests, one row per week (its Monday in the shop's time zone), written
 * before the digest is sent: the primary key on the week lets exactly one process claim it,
 * however many `serve`s run and however often they restart.
 */
export class Digests1732395000000 implements MigrationInterface {
  name = 'Digests1732395000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'digests',
      columns: [
        { ...str('week', 10), isPrimary: true }, str('status', 12), int('attempts'), text('recipients', false), ts('claimed_at'), ts('sent_at', true), text('detail'),
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('digests');
  }
}
