/**
 * How many customers' feedback messages wait for a reply, for the overview. Replies are not
 * recorded yet (the feedback tracker adds them), so every message counts as waiting; this one
 * function is what to replace with the tracker's own count.
 */
import type { Database } from '../../db/database';

export async function feedbackWaiting(db: Database): Promise<number> {
  const [row] = await db.reader.query('SELECT COUNT(*) AS n FROM feedback');
  return Number(row.n);
}
