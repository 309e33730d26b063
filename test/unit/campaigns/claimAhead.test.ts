/** ClaimAhead hands out claimed sends a chunk at a time, claiming the next chunk before it is needed. */
import { ClaimAhead } from '../../../src/campaigns/claimAhead';

const items = (n: number) => Array.from({ length: n }, (_, i) => ({ send: { id: i + 1 } }));

async function drain<T>(queue: ClaimAhead<{ send: { id: number } }>): Promise<number[]> {
  const out: number[] = [];
  for (let item = await queue.next(); item; item = await queue.next()) out.push(item.send.id);
  return out;
}

describe('ClaimAhead', () => {
  it('claims in chunks, in order, and hands out only what it won', async () => {
    const claimed: number[][] = [];
    const queue = new ClaimAhead(items(7), async (ids) => {
      claimed.push(ids);
      return new Set(ids.filter((id) => id !== 4)); // another worker took send 4
    }, 3, 1);
    expect(await drain(queue)).toEqual([1, 2, 3, 5, 6, 7]);
    expect(claimed).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(queue.failure).toBeNull();
  });

  it('has the next chunk claimed before the current one runs out', async () => {
    const claimed: number[][] = [];
    const queue = new ClaimAhead(items(6), async (ids) => (claimed.push(ids), new Set(ids)), 3, 1);
    await queue.next();
    await queue.next(); // one left waiting: the low-water mark
    await queue.next();
    expect(claimed).toEqual([[1, 2, 3], [4, 5, 6]]);
  });

  it('claims nothing more than asked for when concurrent takers wait on one claim', async () => {
    let calls = 0;
    const queue = new ClaimAhead(items(4), async (ids) => (calls++, new Set(ids)), 4, 0);
    const got = await Promise.all([queue.next(), queue.next(), queue.next(), queue.next(), queue.next()]);
    expect(got.map((g) => g?.send.id)).toEqual([1, 2, 3, 4, undefined]);
    expect(calls).toBe(1);
  });

  it('stops handing out sends when a claim fails, and keeps the reason', async () => {
    const queue = new ClaimAhead(items(6), async (ids) => {
      if (ids[0] > 1) throw new Error('database is locked');
      return new Set(ids);
    }, 3, 0);
    expect(await drain(queue)).toEqual([1, 2, 3]);
    expect(queue.failure).toEqual(new Error('database is locked'));
  });

  it('after a halt hands out nothing, claims nothing more, and gives back what it claimed but never handed out', async () => {
    const claimed: number[][] = [];
    let land!: () => void;
    const queue = new ClaimAhead(items(9), (ids) => {
      claimed.push(ids);
      // The second claim is still in flight when the halt comes.
      return claimed.length === 1 ? Promise.resolve(new Set(ids)) : new Promise<Set<number>>((resolve) => (land = () => resolve(new Set(ids))));
    }, 3, 1);
    expect((await queue.next())?.send.id).toBe(1);
    expect((await queue.next())?.send.id).toBe(2);
    expect((await queue.next())?.send.id).toBe(3); // down to the low-water mark: the next chunk is being claimed
    queue.halt();
    expect(await queue.next()).toBeUndefined();
    const given = queue.unclaimed();
    land();
    expect((await given).map((i) => i.send.id)).toEqual([4, 5, 6]);
    expect(claimed).toEqual([[1, 2, 3], [4, 5, 6]]);
  });

  it('with a hand step, stamps a few claimed sends at a time just before handing them out, and drops the ones another worker took over', async () => {
    const stamped: number[][] = [];
    const queue = new ClaimAhead(items(10), async (ids) => new Set(ids), 5, 2, {
      chunk: 2,
      mark: async (ids) => (stamped.push(ids), new Set(ids.filter((id) => id !== 3))), // send 3's lease ran out: taken over
    });
    expect((await queue.next())?.send.id).toBe(1);
    // Claimed five, stamped only the two about to go (and the next two, at half a stamp left).
    expect(stamped.flat().length).toBeLessThanOrEqual(4);
    expect([1, ...(await drain(queue))]).toEqual([1, 2, 4, 5, 6, 7, 8, 9, 10]);
    expect(stamped.flat()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('gives back claimed sends never stamped as handed, after a halt', async () => {
    const stamped: number[] = [];
    const queue = new ClaimAhead(items(6), async (ids) => new Set(ids), 6, 0, { chunk: 2, mark: async (ids) => (stamped.push(...ids), new Set(ids)) });
    expect((await queue.next())?.send.id).toBe(1);
    queue.halt();
    const back = (await queue.unclaimed()).map((i) => i.send.id);
    expect(back.sort()).toEqual([2, 3, 4, 5, 6]);
    expect(stamped.length).toBeLessThanOrEqual(4); // the rest were never handed to the mailer: a crash now would resend them safely
  });
});
