import { WriteQueue } from '../../../src/db/writeQueue';

describe('WriteQueue', () => {
  it('runs jobs one at a time, in order, and a failure does not stop the queue', async () => {
    const queue = new WriteQueue();
    let running = 0;
    let maxRunning = 0;
    const order: number[] = [];
    const jobs = Array.from({ length: 50 }, (_, i) =>
      queue.run(async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((r) => setTimeout(r, i % 3));
        order.push(i);
        running--;
        if (i === 10) throw new Error('job 10 failed');
        return i;
      }),
    );
    const results = await Promise.allSettled(jobs);
    expect(maxRunning).toBe(1);
    expect(order).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
  });

  it('refuses a nested call instead of waiting for itself forever', async () => {
    const queue = new WriteQueue();
    await expect(queue.run(() => queue.run(async () => 1))).rejects.toThrow(/inside a queued write/);
    await expect(queue.run(async () => 2)).resolves.toBe(2);
  });
});
