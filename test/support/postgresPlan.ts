/**
 * How PostgreSQL would run a statement, as the nodes of its EXPLAIN (FORMAT JSON) plan, for the
 * tests that check an index serves a query. Sequential scans are off for the question (SET LOCAL,
 * in a transaction of its own): the test shops are small enough that the planner rightly reads a
 * whole table instead, while the question is whether the indexes can serve the query at all; a
 * scan of a whole index still shows, as an index node without an Index Cond.
 */
import type { Database } from '../../src/db/database';

export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  /** With `analyze`: rows read from the table for an Index Only Scan, and rows returned. */
  'Heap Fetches'?: number;
  'Actual Rows'?: number;
  Plans?: PlanNode[];
}

/** Every node of the plan, the root first; with `analyze` the statement runs (EXPLAIN ANALYZE). */
export function postgresPlan(db: Database, sql: string, params: unknown[], { analyze = false } = {}): Promise<PlanNode[]> {
  return db.write(async (tx) => {
    await tx.query('SET LOCAL enable_seqscan = off');
    const [row] = await tx.query(`EXPLAIN (${analyze ? 'ANALYZE, ' : ''}FORMAT JSON) ${sql}`, params);
    return nodesOf(row['QUERY PLAN'][0].Plan as PlanNode);
  });
}

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];
