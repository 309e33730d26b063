/**
 * Group commit on the write queue. SQLite has one writer, and a write's cost is mostly its trips
 * to the driver and its commit, not its rows: jobs that arrive while one group is being written
 * all go into the next one, written by one statement (see HotPath.writeOne). Each job still gets
 * its own result (a conditional insert says per job whether it won); callers wait until their
 * job is committed. If a group fails, its jobs are retried one at a time, so one bad job never
 * takes the others down with it.
 */

/** Writes a group of jobs and answers each, in order; it must commit before it resolves. */
type Work<J, R> = (jobs: readonly J[]) => Promise<R[]>;

interface Waiting<J, R> {
  job: J;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<J, R> {
  private pending: Waiting<J, R>[] = [];
  private writing = false;

  constructor(private readonly work: Work<J, R>, private readonly maxGroup = 500) {}

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
        const results = await this.work(group.map((g) => g.job));
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
      const [result] = await this.work([g.job]);
      g.resolve(result);
    } catch (error) {
      g.reject(error);
    }
  }
}
