import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * On PostgreSQL every timestamp becomes a real `timestamptz` (issue 15): the server checks what
 * goes in, compares and sorts instants rather than texts, and its own tools (date arithmetic,
 * `pg_dump`, BI clients) read them as times. Values keep their meaning: the ISO 8601 UTC texts
 * convert exactly, and the pg driver hands them back as the same texts (see dataSource.ts), so
 * the code above the database reads the same strings on both engines. SQLite has no timestamp
 * type; its columns stay ISO texts, which sort as times.
 */
export const TIMESTAMP_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  api_keys: ['created_at', 'revoked_at'],
  audit_log: ['at'],
  campaign_runs: ['launched_at'],
  codes: ['expires_at', 'issued_at', 'redeemed_at', 'released_at'],
  customer_scores: ['scored_at'],
  customers: ['consent_at', 'created_at', 'profile_at', 'updated_at'],
  digests: ['claimed_at', 'sent_at'],
  enrolments: ['enrolled_at', 'exited_at', 'offer_expires_at'],
  events: ['at'],
  feedback: ['at'],
  feedback_cases: ['customer_at', 'opened_at', 'replied_at', 'resolved_at', 'updated_at'],
  feedback_replies: ['created_at', 'sent_at', 'updated_at'],
  import_batches: ['finished_at', 'started_at'],
  incident_updates: ['at'],
  incidents: ['created_at', 'resolved_at'],
  model_fits: ['fitted_at'],
  orders: ['ordered_at'],
  redemptions: ['redeemed_at', 'released_at'],
  score_overviews: ['scored_at'],
  sends: ['claimed_at', 'due_at', 'handed_at', 'lease_until', 'sent_at'],
  staff_sessions: ['created_at', 'expires_at', 'last_seen_at'],
  staff_users: ['created_at', 'disabled_at'],
  suppressions: ['at'],
  webhook_deliveries: ['order_updated_at', 'received_at'],
};

export class PostgresTimestamps1732409000000 implements MigrationInterface {
  name = 'PostgresTimestamps1732409000000';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.options.type !== 'postgres') return;
    // One statement per table: PostgreSQL rewrites the table (and its indexes) once.
    for (const [table, columns] of Object.entries(TIMESTAMP_COLUMNS)) {
      await q.query(`ALTER TABLE ${table} ${columns.map((c) => `ALTER COLUMN ${c} TYPE timestamptz USING ${c}::timestamptz`).join(', ')}`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.options.type !== 'postgres') return;
    for (const [table, columns] of Object.entries(TIMESTAMP_COLUMNS)) {
      await q.query(`ALTER TABLE ${table} ${columns.map((c) => `ALTER COLUMN ${c} TYPE varchar(24) USING to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`).join(', ')}`);
    }
  }
}
