import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { money } from './columns';

const FIGURES = ['p_alive', 'expected_purchases'];
const MONEY = ['clv_as_is', 'clv_if_won', 'value'];

/**
 * Each score keeps the 90% interval of P(alive), expected purchases, CLV as is, CLV if won back
 * and the value of winning back (issue 14): parameter uncertainty carried to the customer.
 * Null where a run had none (`score --no-intervals`, a model without a covariance).
 */
export class ScoreIntervals1732402000000 implements MigrationInterface {
  name = 'ScoreIntervals1732402000000';

  async up(q: QueryRunner): Promise<void> {
    const floats = FIGURES.flatMap((f) => [`${f}_low`, `${f}_high`]).map((name) => new TableColumn({ name, type: 'double precision', isNullable: true }));
    const minors = MONEY.flatMap((f) => [`${f}_low_minor`, `${f}_high_minor`]).map((name) => new TableColumn(money(name, true)));
    await q.addColumns('customer_scores', [...floats, ...minors]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumns('customer_scores', [...FIGURES, ...MONEY].flatMap((f) => (MONEY.includes(f) ? [`${f}_low_minor`, `${f}_high_minor`] : [`${f}_low`, `${f}_high`])));
  }
}
