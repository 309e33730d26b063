import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { id, int, money, ref, str, ts } from './columns';


/** Codes issued from offers, their redemptions by order id, and what customers told us. */
export class Codes1732370000000 implements MigrationInterface {
  name = 'Codes1732370000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'codes',
      columns: [
        id, str('code', 40), int('enrolment_id'), int('customer_id'), int('run_id'), int('send_id', true), { name: 'discount', type: 'text', isNullable: false },
        str('currency', 3), ts('expires_at'), ts('issued_at'), str('redeemed_order_id', 191, true), ts('redeemed_at', true), ts('released_at', true),
      ],
      foreignKeys: [ref('enrolment_id', 'enrolments'), ref('customer_id', 'customers'), ref('run_id', 'campaign_runs')],
      indices: [
        new TableIndex({ name: 'codes_code', columnNames: ['code'], isUnique: true }),
        // One code per offer: the unique index is what makes concurrent first redeems issue one code.
        new TableIndex({ name: 'codes_enrolment', columnNames: ['enrolment_id'], isUnique: true }),
      ],
    }));
    await q.createTable(new Table({
      name: 'redemptions',
      columns: [
        { ...str('order_id', 191), isPrimary: true }, int('code_id'), int('customer_id'), int('run_id'), int('send_id', true),
        money('order_total_minor'), money('discount_minor'), str('currency', 3), ts('redeemed_at'), ts('released_at', true),
      ],
      foreignKeys: [ref('code_id', 'codes')],
      indices: [new TableIndex({ name: 'redemptions_code', columnNames: ['code_id'] })],
    }));
    await q.createTable(new Table({
      name: 'feedback',
      columns: [id, int('customer_id'), int('run_id'), int('send_id', true), int('incident_id', true), { name: 'message', type: 'text', isNullable: false }, ts('at')],
      foreignKeys: [ref('customer_id', 'customers'), ref('run_id', 'campaign_runs')],
      indices: [new TableIndex({ name: 'feedback_run', columnNames: ['run_id'] })],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['feedback', 'redemptions', 'codes']) await q.dropTable(t);
  }
}
