/**
 * PostgreSQL's bulk fast path for orders (issue 15): a chunk's rows go in by COPY FROM STDIN,
 * which skips the per-row statement and JSON work of INSERT ... SELECT over jsonb. The reader
 * packs such a chunk as COPY rows already (copyRows.ts). It is only
 * tried where every row of the chunk should be new (the orders table was empty before the
 * import), inside a savepoint: if an order id is already there (repeated across chunks of the
 * file) COPY fails as a whole, the savepoint undoes it, and the caller writes the chunk the
 * ordinary way, which tells a repeat from a conflict and names both lines.
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { EntityManager } from 'typeorm';
import { from as copyFrom } from 'pg-copy-streams';
import type { PoolClient } from 'pg';
import { COPY_COLUMNS, copyBody } from './copyRows';
import type { OrderChunk } from './orderChunk';

/** Below this many rows a savepoint and a COPY cost more than one INSERT (a webhook's single order). */
export const COPY_MIN_ROWS = 64;

const SAVEPOINT = 'rekindle_copy_orders';
const COPY = `COPY orders (${COPY_COLUMNS.join(', ')}) FROM STDIN`;

/**
 * Copies a chunk packed as COPY rows (shape 'copy') into orders; true if all went in, false (and
 * nothing written) if COPY was refused, for the caller to write them the ordinary way.
 */
export async function copyNewOrders(tx: EntityManager, chunk: Pick<OrderChunk, 'orders' | 'customerOf' | 'copy'>, customerIds: readonly number[], batchId: number): Promise<boolean> {
  const text = copyBody(chunk, customerIds, batchId);
  const client = await clientOf(tx);
  await client.query(`SAVEPOINT ${SAVEPOINT}`);
  try {
    await pipeline(Readable.from([text]), client.query(copyFrom(COPY)));
  } catch {
    await client.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
    return false;
  }
  await client.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
  return true;
}

/** Copies rows already in COPY's text format into `table` (`columns` in their order); an error fails the statement, and the transaction with it. */
export async function copyRows(tx: EntityManager, table: string, columns: string, text: string): Promise<void> {
  const client = await clientOf(tx);
  await pipeline(Readable.from([text]), client.query(copyFrom(`COPY ${table} (${columns}) FROM STDIN`)));
}

async function clientOf(tx: EntityManager): Promise<PoolClient> {
  const runner = tx.queryRunner;
  if (!runner) throw new Error('COPY needs the EntityManager of a transaction');
  return (await runner.connect()) as PoolClient;
}
