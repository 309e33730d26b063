/**
 * The feedback inbox as a query: what customers wrote on the welcome-back page, newest first,
 * with who wrote it and which campaign, run and step brought them there. `rekindle feedback
 * list` prints it until the console has its own inbox page.
 */
import type { Database } from '../db/database';

export interface FeedbackEntry {
  id: number;
  /** ISO 8601, UTC. */
  at: string;
  customer: { id: number; email: string | null; name: string | null };
  campaign: string;
  runId: number;
  /** The step whose email led to the page; null when the send is not known. */
  step: number | null;
  incidentId: number | null;
  message: string;
}

export interface FeedbackPage {
  entries: FeedbackEntry[];
  /** All feedback stored, shown or not. */
  total: number;
}

interface Row {
  id: number;
  at: string;
  customer_id: number;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  campaign: string;
  run_id: number;
  step: number | null;
  incident_id: number | null;
  message: string;
}

/** The newest `limit` messages (ties in time broken by id, newest first too). */
export async function listFeedback(db: Database, limit: number): Promise<FeedbackPage> {
  const p = db.dialect.param(0);
  const rows: Row[] = await db.reader.query(
    `SELECT f.id, f.at, f.customer_id, c.email, c.first_name, c.last_name, r.campaign, f.run_id, s.step, f.incident_id, f.message
       FROM feedback f
       JOIN customers c ON c.id = f.customer_id
       JOIN campaign_runs r ON r.id = f.run_id
       LEFT JOIN sends s ON s.id = f.send_id
      ORDER BY f.at DESC, f.id DESC
      LIMIT ${p}`,
    [limit],
  );
  const [{ total }] = await db.reader.query('SELECT COUNT(*) AS total FROM feedback');
  return { entries: rows.map(entry), total: Number(total) };
}

function entry(row: Row): FeedbackEntry {
  const name = [row.first_name, row.last_name].filter((part) => part).join(' ');
  return {
    id: Number(row.id),
    at: row.at,
    customer: { id: Number(row.customer_id), email: row.email, name: name || null },
    campaign: row.campaign,
    runId: Number(row.run_id),
    step: row.step === null ? null : Number(row.step),
    incidentId: row.incident_id === null ? null : Number(row.incident_id),
    message: row.message,
  };
}
