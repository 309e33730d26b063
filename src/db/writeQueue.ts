import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Runs write transactions one at a time. SQLite has one connection and one writer: measured
 * here, 200 concurrent TypeORM transactions without this queue all failed ("cannot start a
 * transaction within a transaction") and still committed rows. A job that calls `run` again
 * from inside itself would wait for itself forever, so nesting is refused loudly instead.
 */
export class WriteQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly inside = new AsyncLocalStorage<true>();
  private waiting = 0;

  /**
   * Whether a write is queued or open. On SQLite's one connection a read made meanwhile sees the
   * open transaction's uncommitted rows, so nothing read then may be kept (see stampedMemo.ts).
   */
  get busy(): boolean {
    return this.waiting > 0;
  }

  run<T>(job: () => Promise<T>): Promise<T> {
    if (this.inside.getStore()) {
      return Promise.reject(new Error('WriteQueue.run called from inside a queued write: pass the transaction down instead'));
    }
    this.waiting++;
    const result = this.tail.then(() => this.inside.run(true, job)).finally(() => this.waiting--);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
