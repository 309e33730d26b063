import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { float, money } from './columns';


/** Fitted models and the scores computed with them. */
export class Models1732355000000 implements MigrationInterface {
  name = 'Models1732355000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'model_fits',
      columns: [
        { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'fitted_at', type: 'varchar', length: '24' },
        { name: 'calibration_end', type: 'varchar', length: '10' },
        { name: 'time_unit', type: 'varchar', length: '8' },
        { name: 'currency', type: 'varchar', length: '3' },
        { name: 'bgnbd', type: 'text' },
        { name: 'gamma_gamma', type: 'text' },
        { name: 'diagnostics', type: 'text' },
        { name: 'customers', type: 'integer' },
        { name: 'repeat_customers', type: 'integer' },
        { name: 'data_from', type: 'varchar', length: '10', isNullable: true },
      ],
    }));
    await q.createTable(new Table({
      name: 'customer_scores',
      // Keyed by what identifies a score, in one B-tree: a million-row score run writes one
      // tree instead of a rowid table plus a unique index beside it.
      withoutRowid: true,
      columns: [
        { name: 'model_version', type: 'integer', isPrimary: true },
        { name: 'as_of', type: 'varchar', length: '10', isPrimary: true },
        { name: 'customer_id', type: 'integer', isPrimary: true },
        float('x'), float('tx'), float('t'), float('monetary'), float('p_alive'), float('expected_purchases'), float('expected_spend'),
        money('clv_as_is_minor'), money('clv_if_won_minor'), money('value_minor'), money('budget_minor'),
        { name: 'budget_rule', type: 'varchar', length: '8' },
        { name: 'treatment', type: 'varchar', length: '16' },
        { name: 'offer_id', type: 'varchar', length: '64', isNullable: true },
        { name: 'last_order_day', type: 'varchar', length: '10' },
        { name: 'scored_at', type: 'varchar', length: '24' },
      ],
      foreignKeys: [
        { columnNames: ['model_version'], referencedTableName: 'model_fits', referencedColumnNames: ['id'] },
        { columnNames: ['customer_id'], referencedTableName: 'customers', referencedColumnNames: ['id'] },
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('customer_scores');
    await q.dropTable('model_fits');
  }
}
