import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { id, int, ref, str, text, ts } from './columns';

/**
 * The feedback inbox: every customer message belongs to a case (new → replied → resolved, with
 * an assignee from `staff_users`), and our replies are rows written before they are sent. Feedback may now come
 * from an email the shop forwards (`POST /api/feedback`), which need not belong to a run, or to
 * a known customer: both columns become optional. Feedback stored before this migration is
 * gathered into one case per customer, waiting since their latest message: nothing recorded a
 * reply to it, so nobody can say it was answered.
 */
export class FeedbackCases1732401000000 implements MigrationInterface {
  name = 'FeedbackCases1732401000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'feedback_cases',
      columns: [
        id, int('customer_id', true), str('email', 320, true), str('name', 200, true), text('subject'), int('run_id', true),
        str('state', 10), int('assignee_id', true), str('assignee_name', 200, true),
        ts('opened_at'), ts('customer_at'), ts('replied_at', true), ts('resolved_at', true), ts('updated_at'),
      ],
      foreignKeys: [ref('customer_id', 'customers'), ref('run_id', 'campaign_runs'), ref('assignee_id', 'staff_users')],
      indices: [
        new TableIndex({ name: 'feedback_cases_state', columnNames: ['state', 'customer_at'] }),
        new TableIndex({ name: 'feedback_cases_customer', columnNames: ['customer_id'] }),
      ],
    }));
    await q.changeColumns('feedback', [
      { oldColumn: new TableColumn(int('customer_id')), newColumn: new TableColumn(int('customer_id', true)) },
      { oldColumn: new TableColumn(int('run_id')), newColumn: new TableColumn(int('run_id', true)) },
    ]);
    for (const column of [int('case_id', true), { ...str('source', 8), default: "'page'" }, str('message_id', 255, true), text('subject'), str('from_email', 320, true), str('from_name', 200, true)]) {
      await q.addColumn('feedback', new TableColumn(column));
    }
    await q.createIndex('feedback', new TableIndex({ name: 'feedback_case', columnNames: ['case_id'] }));
    // A forwarded email carries its Message-ID: the same email forwarded twice is one message.
    await q.createIndex('feedback', new TableIndex({ name: 'feedback_message_id', columnNames: ['message_id'], isUnique: true }));
    await q.createTable(new Table({
      name: 'feedback_replies',
      columns: [
        id, int('case_id'), int('customer_id', true), int('staff_id', true), str('staff_name', 200), str('to_email', 320), text('subject', false), text('body', false),
        str('message_id', 255), str('in_reply_to', 255), text('references_ids', false), str('status', 10), int('attempts'), text('detail'),
        str('idempotency_key', 80), ts('created_at'), ts('sent_at', true), ts('updated_at'),
      ],
      foreignKeys: [ref('case_id', 'feedback_cases'), ref('customer_id', 'customers'), ref('staff_id', 'staff_users')],
      indices: [
        new TableIndex({ name: 'feedback_replies_case', columnNames: ['case_id'] }),
        // Forgetting a customer finds the replies written to them without going through their cases.
        new TableIndex({ name: 'feedback_replies_customer', columnNames: ['customer_id'] }),
        // A reply form submitted twice carries one key: the second insert finds the first.
        new TableIndex({ name: 'feedback_replies_key', columnNames: ['idempotency_key'], isUnique: true }),
        new TableIndex({ name: 'feedback_replies_message_id', columnNames: ['message_id'], isUnique: true }),
      ],
    }));
    await gatherExistingFeedback(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('feedback_replies');
    await q.dropIndex('feedback', 'feedback_message_id');
    await q.dropIndex('feedback', 'feedback_case');
    for (const column of ['from_name', 'from_email', 'subject', 'message_id', 'source', 'case_id']) await q.dropColumn('feedback', column);
    await q.dropTable('feedback_cases');
  }
}

async function gatherExistingFeedback(q: QueryRunner): Promise<void> {
  const groups: { customer_id: number; email: string | null; first_name: string | null; last_name: string | null; opened: string; latest: string; run_id: number }[] = await q.query(
    `SELECT f.customer_id, c.email, c.first_name, c.last_name, MIN(f.at) AS opened, MAX(f.at) AS latest, MAX(f.run_id) AS run_id
       FROM feedback f JOIN customers c ON c.id = f.customer_id
      GROUP BY f.customer_id, c.email, c.first_name, c.last_name ORDER BY MIN(f.at)`,
  );
  const pg = q.connection.driver.options.type === 'postgres';
  const p = (i: number) => (pg ? `$${i + 1}` : '?');
  for (const g of groups) {
    const name = [g.first_name, g.last_name].filter(Boolean).join(' ') || null;
    await q.query(
      `INSERT INTO feedback_cases (customer_id, email, name, subject, run_id, state, opened_at, customer_at, updated_at)
       VALUES (${[0, 1, 2, 3, 4, 5, 6, 7, 8].map(p).join(', ')})`,
      [g.customer_id, g.email, name, null, g.run_id, 'new', g.opened, g.latest, g.latest],
    );
    await q.query(`UPDATE feedback SET case_id = (SELECT MAX(id) FROM feedback_cases WHERE customer_id = ${p(0)}) WHERE customer_id = ${p(1)}`, [g.customer_id, g.customer_id]);
  }
}
