import type { DataSource, EntityManager } from 'typeorm';
import { dialectOf, SqlDialect } from './sqlDialect';
import { WriteQueue } from './writeQueue';

/**
 * The app's handle on the database: reads go straight to the pool, writes run as transactions
 * through the write queue on SQLite (one writer) and directly on PostgreSQL (row locks).
 */
export class Database {
  readonly dialect: SqlDialect;
  private readonly queue = new WriteQueue();

  constructor(readonly dataSource: DataSource) {
    this.dialect = dialectOf(dataSource);
  }

  get reader(): EntityManager {
    return this.dataSource.manager;
  }

  write<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    const transaction = () => this.dataSource.transaction(work);
    return this.dialect.kind === 'sqlite' ? this.queue.run(transaction) : transaction();
  }

  /** Rows changed by an UPDATE/DELETE: the arbiter of every conditional update. */
  async execute(tx: EntityManager, sql: string, params: unknown[]): Promise<number> {
    if (!tx.queryRunner) throw new Error('Database.execute needs the EntityManager of a transaction');
    const result = await tx.queryRunner.query(sql, params, true);
    return result.affected ?? 0;
  }

  close(): Promise<void> {
    return this.dataSource.destroy();
  }
}
