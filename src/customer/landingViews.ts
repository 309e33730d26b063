/**
 * A landing page's view recorded and its link target read in one statement (issue 16). Reading
 * the target and then inserting the view took two trips to node-sqlite3's thread pool per page
 * view; profiled under 50 connections, the read's trip alone was about 40% of a repeated page's
 * server CPU. On SQLite, views that arrive together are one `INSERT ... SELECT` over a JSON array
 * whose RETURNING clause reads each view's link target, in the same statement and transaction:
 * the target is as fresh as a separate read (nothing is kept between requests, so no write can
 * leave it stale), and the view is committed before the page is sent, as before.
 *
 * The incident's words of an incident's run come with it, instead of two more reads through TypeORM.
 * A send that does not exist inserts no view and returns no target. On PostgreSQL the same group
 * is one statement too: the INSERT in a WITH clause, whose RETURNING feeds a SELECT of the targets
 * (the columns as load() reads them, so timestamps come back as the same ISO texts); a group of
 * 31 views was 33 statements there, a read per view (tracked by test/integration/customer/landingViews.test.ts).
 */
import { IncidentWords, wordsOf } from '../campaigns/runInfo';
import type { Database } from '../db/database';
import { GroupCommit } from './groupCommit';
import { LinkTarget, LinkTargets, sendRowId, TARGET_COLUMNS, TARGET_FROM, TargetRow } from './linkTarget';

interface View {
  sendId: number;
  at: Date;
}

/** What a landing view reads: the link target and, for an incident's run, the incident's words. */
export interface Viewed {
  target: LinkTarget;
  incident: IncidentWords | null;
}

interface IncidentRow {
  id: number;
  title: string;
  description: string;
  plan: string | null;
  /** [id, kind, message] per update, in no particular order. */
  updates: [number, string, string][];
}

type ViewRow = TargetRow & { incident: IncidentRow | null };

/** An incident's row and its updates as one JSON value, for the run `r`, in the engine's JSON functions. */
function incidentJson(kind: 'sqlite' | 'postgres'): string {
  const [object, updates] = kind === 'postgres'
    ? ['json_build_object', "coalesce(json_agg(json_build_array(u.id, u.kind, u.message)), '[]'::json)"]
    : ['json_object', 'json_group_array(json_array(u.id, u.kind, u.message))'];
  return `(SELECT ${object}('id', i.id, 'title', i.title, 'description', i.description, 'plan', i.plan,
  'updates', (SELECT ${updates} FROM incident_updates u WHERE u.incident_id = i.id))
  FROM incidents i WHERE i.id = r.incident_id)`;
}

/** The statement recording a group of views (`$1`: [[sendId, at], ...]), returning each view's send_id and ViewRow. */
function viewSql(d: Database['dialect']): string {
  const insert = `INSERT INTO events (type, customer_id, run_id, send_id, at, data)
SELECT 'landing', s.customer_id, s.run_id, s.id, ${d.jsonAt(1, 'time')}, NULL FROM ${d.jsonRows(0)} JOIN sends s ON s.id = ${d.jsonAt(0, 'int')}`;
  if (d.kind === 'postgres') {
    // PostgreSQL's RETURNING sees only the inserted row; the SELECT over its output reads the
    // targets in the statement's snapshot, as fresh as a read of their own.
    return `WITH v AS (${insert} RETURNING send_id)
SELECT v.send_id, ${TARGET_COLUMNS.map(([name, column]) => `${column} AS ${name}`).join(', ')}, ${incidentJson('postgres')} AS incident ${TARGET_FROM} JOIN v ON v.send_id = s.id`;
  }
  const target = `json_object(${TARGET_COLUMNS.map(([name, column]) => `'${name}', ${column}`).join(', ')}, 'incident', ${incidentJson('sqlite')})`;
  return `${insert}
RETURNING send_id, (SELECT ${target} ${TARGET_FROM} WHERE s.id = events.send_id) AS target`;
}

/** A returned row as a ViewRow: SQLite's is one JSON text, PostgreSQL's the columns with the incident as parsed JSON. */
function viewRowOf(row: { target?: string } & ViewRow): ViewRow {
  return row.target === undefined ? row : (JSON.parse(row.target) as ViewRow);
}

export class LandingViews {
  private readonly group: GroupCommit<View, ViewRow | null>;

  constructor(db: Database, private readonly targets: LinkTargets) {
    const sql = viewSql(db.dialect);
    this.group = new GroupCommit<View, ViewRow | null>(async (views) => {
      const rows = await db.hot.writeRows<{ send_id: number; target?: string } & ViewRow>(sql, [JSON.stringify(views.map((v) => [v.sendId, v.at.toISOString()]))]);
      // RETURNING's order is not the insert's: match by send. Two views of one send in a group read the same.
      const bySend = new Map(rows.map((r) => [Number(r.send_id), r]));
      return views.map((v) => {
        const row = bySend.get(v.sendId);
        return row === undefined ? null : viewRowOf(row);
      });
    });
  }

  /** Records a view of the send's landing page and returns what the page shows; null, and no view, for a send that does not exist. */
  async record(sendId: string, at: Date): Promise<Viewed | null> {
    const id = sendRowId(sendId);
    if (id === null) return null;
    const row = await this.group.run({ sendId: id, at });
    if (!row) return null;
    const i = row.incident;
    const updates = i ? [...i.updates].sort((a, b) => b[0] - a[0]).map(([, kind, message]) => ({ kind, message })) : [];
    return { target: await this.targets.target(row), incident: i ? wordsOf(i, updates) : null };
  }
}
