import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The console's customer search (issue 13) finds people by the start of their first or last
 * name, whatever its case: indexes on lower(first_name) and lower(last_name) make that a range
 * read instead of a scan of every customer. A customer's page lists their feedback and
 * incidents, whose tables had no index leading with the customer. Same DDL on SQLite and
 * PostgreSQL (both index expressions).
 */
export class CustomerSearch1732397300000 implements MigrationInterface {
  name = 'CustomerSearch1732397300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX customers_first_name_lower ON customers (lower(first_name))');
    await q.query('CREATE INDEX customers_last_name_lower ON customers (lower(last_name))');
    await q.query('CREATE INDEX feedback_by_customer ON feedback (customer_id)');
    await q.query('CREATE INDEX incident_customers_by_customer ON incident_customers (customer_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    for (const index of ['incident_customers_by_customer', 'feedback_by_customer', 'customers_last_name_lower', 'customers_first_name_lower']) await q.query(`DROP INDEX ${index}`);
  }
}
