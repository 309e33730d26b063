import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { str } from './columns';

/**
 * Orders keep the shop's own name for them when their id is another number: a Shopify export
 * groups its rows by `Name` (#1043) while the order id is its numeric `Id`, and people name
 * orders the first way (an incident's affected list). Null where the id is the only name.
 */
export class OrderNames1732392000000 implements MigrationInterface {
  name = 'OrderNames1732392000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('orders', new TableColumn(str('order_name', 191, true)));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE orders DROP COLUMN order_name');
  }
}
