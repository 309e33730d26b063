import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { ts } from './columns';

/**
 * Several workers (issue 15): a claim carries a lease its worker renews while it works
 * (`lease_until`); a claim whose lease ran out was left by a dead worker and is taken over. A
 * send handed to the mailer is stamped first (`handed_at`): a dead worker's claim that was never
 * handed over cannot have left, so it is sent again; one that was may have, so it is `uncertain`.
 * Claims are read back by their token (`claimed_by`), hence its index.
 */
export class SendLeases1732403000000 implements MigrationInterface {
  name = 'SendLeases1732403000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('sends', [new TableColumn(ts('lease_until', true)), new TableColumn(ts('handed_at', true))]);
    await q.createIndex('sends', new TableIndex({ name: 'sends_claimed_by', columnNames: ['claimed_by'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('sends', 'sends_claimed_by');
    await q.dropColumns('sends', ['lease_until', 'handed_at']);
  }
}
