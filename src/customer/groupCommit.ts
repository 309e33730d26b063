/**
 * Group commit on the write queue. SQLite has one writer, and a transaction's cost is mostly
 * its BEGIN/COMMIT round trips, not its statements: jobs that arrive while one transaction is
 * being written all go into the next one. Each job still runs its own statements and gets its
 * own result (a conditional write keeps its own affected-row count); callers wait until their
 * job is committed. If a group fails, its jobs are retried one transaction each, so one bad job
 * never takes the others down with it.
 */
import type { Database } from '../db/database';
import type { Exec } from '../db/hotPath';

type Work<J, R> = (exec: Exec, jobs: readonly J[]) => Promise<R[]>;

interface Waiting<J, R> {
  job: J;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<J, R> {
  private pending: Waiting<J, R>[] = [];
  private writing = false;

  constructor(private readonly db: Database, private readonly work: Work<J, R>, private readonly maxGroup = 500) {}

  run(job: J): Promise<R> {
    return new Promise((resolve, reject) => {
      this.pending.push({ job, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.pending.length) {
      const group = this.pending.splice(0, this.maxGroup);
      try {
        const results = await this.db.hot.write((exec) => this.work(exec, group.map((g) => g.job)));
        group.forEach((g, i) => g.resolve(results[i]));
      } catch (error) {
        if (group.length === 1) group[0].reject(error);
        else for (const g of group) await this.alone(g);
      }
    }
    this.writing = false;
  }

  private async alone(g: Waiting<J, R>): Promise<void> {
    try {
      const [result] = await this.db.hot.write((exec) => this.work(exec, [g.job]));
      g.resolve(result);
    } catch (error) {
      g.reject(error);
    }
  }
}
