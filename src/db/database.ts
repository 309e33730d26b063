import type { DataSource, EntityManager } from 'typeorm';
import { HotPath, hotPath } from './hotPath';
import { dialectOf, SqlDialect } from './sqlDialect';
import { StampedMemo, StampSource } from './stampedMemo';
import { WriteQueue } from './writeQueue';

/** See Database.write. */
export type Isolation = 'READ COMMITTED' | 'SERIALIZABLE';

/** Each attempt that fails lets at least one of the transactions it conflicted with commit. */
const SERIALIZABLE_ATTEMPTS = 10;

/**
 * The app's handle on the database: reads go straight to the pool, writes run as transactions
 * through the write queue on SQLite (one writer) and directly on PostgreSQL (row locks).
 */
export class Database implements StampSource {
  readonly dialect: SqlDialect;
  /** Whether writeBulk turns foreign key checks off, so its work must check references itself. */
  readonly bulkSkipsForeignKeys: boolean;
  private readonly queue = new WriteQueue();
  /** Kept statements for the customer's hot path, on the same connection and write queue (hotPath.ts). */
  readonly hot: HotPath;

  constructor(readonly dataSource: DataSource) {
    this.dialect = dialectOf(dataSource);
    this.bulkSkipsForeignKeys = this.dialect.kind === 'sqlite';
    this.hot = hotPath(dataSource, this.dialect, (job) => this.queue.run(job));
  }

  private readonly memos = new Map<string, StampedMemo<unknown>>();

  get reader(): EntityManager {
    return this.dataSource.manager;
  }

  /**
   * One write transaction. The isolation it needs on PostgreSQL is stated by the caller: READ
   * COMMITTED (the default) where a single statement decides the outcome, as everywhere here but
   * launch: a conditional UPDATE whose affected rows arbitrate (`execute`), INSERT ... ON CONFLICT,
   * SELECT ... FOR UPDATE SKIP LOCKED. SERIALIZABLE where the work reads, decides, then writes on
   * what it read (a check for an existing row before inserting one): PostgreSQL aborts one of two
   * such transactions that would have seen each other, and that one runs again from the start.
   * SQLite's one writer (the write queue) serializes every write, whatever is asked.
   */
  write<T>(work: (tx: EntityManager) => Promise<T>, isolation: Isolation = 'READ COMMITTED'): Promise<T> {
    if (this.dialect.kind === 'sqlite') return this.queue.run(() => this.dataSource.transaction(work));
    return isolation === 'SERIALIZABLE' ? this.serializable(work) : this.dataSource.transaction(work);
  }

  private async serializable<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction('SERIALIZABLE', work);
      } catch (error) {
        // 40001: serialization_failure, 40P01: deadlock_detected; both say "run it again".
        const code = (error as { driverError?: { code?: string } }).driverError?.code;
        if ((code !== '40001' && code !== '40P01') || attempt >= SERIALIZABLE_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * A write transaction in which SQLite does not check foreign keys row by row: measured as a
   * third of the time of inserting a million orders. `work` must prove the references it wrote
   * before it returns (see OrderWriter). The pragma cannot change inside a transaction, so it is
   * set around it, inside the queue's turn, and always set back. PostgreSQL checks as always.
   */
  writeBulk<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    if (this.dialect.kind !== 'sqlite') return this.write(work);
    return this.queue.run(async () => {
      await this.dataSource.query('PRAGMA foreign_keys = OFF');
      try {
        return await this.dataSource.transaction(work);
      } finally {
        await this.dataSource.query('PRAGMA foreign_keys = ON');
      }
    });
  }

  /** Rows changed by an UPDATE/DELETE: the arbiter of every conditional update. */
  async execute(tx: EntityManager, sql: string, params: unknown[]): Promise<number> {
    if (!tx.queryRunner) throw new Error('Database.execute needs the EntityManager of a transaction');
    const result = await tx.queryRunner.query(sql, params, true);
    return result.affected ?? 0;
  }

  /**
   * Changes whenever anything is written to the database, by this process or another. SQLite:
   * the rows this connection (the process's only one) changed, and `data_version`, which moves
   * when another connection commits. PostgreSQL: the current snapshot, which moves when any
   * transaction that writes starts or ends (in the whole cluster: more often than needed, never
   * less).
   */
  async changeStamp(): Promise<string> {
    if (this.dialect.kind === 'postgres') {
      const [row] = await this.dataSource.query('SELECT txid_current_snapshot()::text AS s');
      return String(row.s);
    }
    const [row] = await this.dataSource.query('SELECT total_changes() AS c, (SELECT data_version FROM pragma_data_version) AS v');
    return `${row.c}/${row.v}`;
  }

  /**
   * Runs `job` when no transaction is open on SQLite's one connection (a backup's `VACUUM INTO`
   * refuses to run inside one); PostgreSQL runs it at once.
   */
  alone<T>(job: () => Promise<T>): Promise<T> {
    return this.dialect.kind === 'sqlite' ? this.queue.run(job) : job();
  }

  get writing(): boolean {
    return this.queue.busy;
  }

  /** The process's memo called `name` over this database (stampedMemo.ts), made on first use. */
  memo<V>(name: string, capacity: number): StampedMemo<V> {
    let memo = this.memos.get(name);
    if (!memo) this.memos.set(name, (memo = new StampedMemo<unknown>(this, capacity)));
    return memo as StampedMemo<V>;
  }

  async close(): Promise<void> {
    await this.hot.close();
    await this.dataSource.destroy();
  }
}
