/**
 * Column helpers that mean the same on SQLite and PostgreSQL. Timestamps reach the code as ISO
 * 8601 UTC strings (`2025-10-07T07:50:26.000Z`) on both: stored as such on SQLite (sortable as
 * text), as timestamptz on PostgreSQL (migration PostgresTimestamps; dataSource.ts reads them back
 * as the same strings).
 */
import { ValueTransformer } from 'typeorm';

/** pg returns bigint as a string; money in minor units fits a double's 2^53 exactly. */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

export const ISO_TIMESTAMP_LENGTH = 24;

/** Every timestamp column by table: ISO texts on SQLite, timestamptz on PostgreSQL (migration PostgresTimestamps). */
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
