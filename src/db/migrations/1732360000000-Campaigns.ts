import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { id, int, money, str, text, ts } from './columns';


/** Campaign runs, enrolments, sends, suppressions, events and incidents. */
export class Campaigns1732360000000 implements MigrationInterface {
  name = 'Campaigns1732360000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'campaign_runs',
      columns: [id, str('campaign', 80), text('definition', false), str('state', 12), text('state_reason'), int('model_version', true), int('incident_id', true), str('currency', 3), ts('launched_at')],
      indices: [new TableIndex({ name: 'campaign_runs_campaign', columnNames: ['campaign'] })],
    }));
    await q.createTable(new Table({
      name: 'enrolments',
      columns: [
        id, int('run_id'), int('customer_id'), { name: 'holdout', type: 'boolean' }, str('treatment', 16), money('budget_minor'), text('offer'),
        money('expected_cost_minor'), money('value_minor'), text('facts'), ts('offer_expires_at', true), ts('enrolled_at'), ts('exited_at', true), str('exit_reason', 20, true),
      ],
      foreignKeys: [
        { columnNames: ['run_id'], referencedTableName: 'campaign_runs', referencedColumnNames: ['id'] },
        { columnNames: ['customer_id'], referencedTableName: 'customers', referencedColumnNames: ['id'] },
      ],
      indices: [
        new TableIndex({ name: 'enrolments_run_customer', columnNames: ['run_id', 'customer_id'], isUnique: true }),
        new TableIndex({ name: 'enrolments_customer', columnNames: ['customer_id'] }),
      ],
    }));
    await q.createTable(new Table({
      name: 'sends',
      columns: [
        id, int('enrolment_id'), int('run_id'), int('customer_id'), int('step'), str('status', 12), ts('due_at'), { name: 'attempts', type: 'integer', default: 0 },
        str('claimed_by', 64, true), ts('claimed_at', true), ts('sent_at', true), str('message_id', 255, true), text('detail'),
      ],
      foreignKeys: [{ columnNames: ['enrolment_id'], referencedTableName: 'enrolments', referencedColumnNames: ['id'] }],
      indices: [
        new TableIndex({ name: 'sends_enrolment_step', columnNames: ['enrolment_id', 'step'], isUnique: true }),
        new TableIndex({ name: 'sends_due', columnNames: ['status', 'due_at'] }),
        new TableIndex({ name: 'sends_customer', columnNames: ['customer_id'] }),
      ],
    }));
    await q.createTable(new Table({
      name: 'suppressions',
      columns: [{ ...str('email', 320), isPrimary: true }, str('reason', 16), str('source', 40), ts('at')],
    }));
    await q.createTable(new Table({
      name: 'events',
      columns: [id, str('type', 20), int('customer_id', true), int('run_id', true), int('send_id', true), ts('at'), text('data')],
      indices: [new TableIndex({ name: 'events_run_type', columnNames: ['run_id', 'type'] })],
    }));
    await q.createTable(new Table({
      name: 'incidents',
      columns: [id, str('title', 200), text('description', false), text('plan'), str('make_good_kind', 8), str('make_good_value', 20), str('currency', 3), str('status', 10), ts('created_at'), ts('resolved_at', true)],
    }));
    await q.createTable(new Table({
      name: 'incident_customers',
      columns: [id, int('incident_id'), int('customer_id'), money('harmed_minor', true), str('order_id', 191, true)],
      foreignKeys: [
        { columnNames: ['incident_id'], referencedTableName: 'incidents', referencedColumnNames: ['id'] },
        { columnNames: ['customer_id'], referencedTableName: 'customers', referencedColumnNames: ['id'] },
      ],
      indices: [new TableIndex({ name: 'incident_customers_unique', columnNames: ['incident_id', 'customer_id'], isUnique: true })],
    }));
    await q.createTable(new Table({
      name: 'incident_updates',
      columns: [id, int('incident_id'), str('kind', 12), text('message', false), ts('at')],
      foreignKeys: [{ columnNames: ['incident_id'], referencedTableName: 'incidents', referencedColumnNames: ['id'] }],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['incident_updates', 'incident_customers', 'incidents', 'events', 'suppressions', 'sends', 'enrolments', 'campaign_runs']) await q.dropTable(t);
  }
}
