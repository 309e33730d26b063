/**
 * A batch's outcomes are recorded in one UPDATE per kind of move, not one per send, and keep the
 * rule of every move: only a send in a state the move allows moves, and only the moves that won
 * run their bookkeeping.
 */
import type { EntityManager } from 'typeorm';
import { Move, SendStore } from '../../../src/campaigns/sendStore';
import { lapsedCustomers, openShop, Shop, step, winback } from '../../support/campaignShop';

describe('recording a batch of outcomes', () => {
  let shop: Shop;
  afterEach(() => shop?.dispose());

  it('moves the sends in one statement per kind of move, and only those whose state allows it', async () => {
    shop = await openShop({ customers: lapsedCustomers(60), campaigns: { 'one-step': winback([step('1-we-miss-you')]) } });
    const { runId } = await shop.services.campaigns().launch('one-step', {});
    const db = shop.services.db;
    const store = new SendStore(db);
    const ids = (await shop.sends(runId)).map((s) => s.id).sort((a, b) => a - b);
    const claimed = await store.claim(ids.slice(0, 55), '111-aaaa', new Date('2025-06-02T08:05:00.000Z'), 120_000);
    expect(claimed.size).toBe(55);
    const at = '2025-06-02T08:06:00.000Z';
    const moves: Move[] = [
      ...ids.slice(0, 50).map((id): Move => ({ sendId: id, event: 'delivered', set: { sent_at: at, message_id: `<send-${id}@x>`, detail: '250 ok' } })),
      // Never claimed: still scheduled, so `delivered` may not move it.
      ...ids.slice(56, 58).map((id): Move => ({ sendId: id, event: 'delivered', set: { sent_at: at, message_id: `<send-${id}@x>`, detail: '250 ok' } })),
      ...ids.slice(50, 53).map((id): Move => ({ sendId: id, event: 'transient', set: { due_at: '2025-06-02T09:00:00.000Z', detail: '451 later', lease_until: null } })),
      { sendId: ids[53], event: 'release', set: { claimed_by: null, claimed_at: null, lease_until: null, handed_at: null, attempts: 0 } },
    ];
    const statements: string[] = [];
    const after: number[] = [];
    const write = db.write.bind(db);
    db.write = <T>(work: (tx: EntityManager) => Promise<T>) =>
      write((tx) => {
        const runner = tx.queryRunner!;
        const query = runner.query.bind(runner);
        runner.query = ((sql: string, ...rest: unknown[]) => {
          statements.push(sql);
          return (query as (...a: unknown[]) => Promise<unknown>)(sql, ...rest);
        }) as typeof runner.query;
        return work(tx).finally(() => (runner.query = query));
      });
    const won = await store.apply(moves, async (_tx, m) => void after.push(m.sendId));
    db.write = write;

    expect(won).toBe(54);
    expect(after).toEqual([...ids.slice(0, 54)]);
    expect(statements.filter((sql) => /UPDATE sends/.test(sql))).toHaveLength(3);
    const rows: { id: number; status: string; message_id: string | null; attempts: number; claimed_by: string | null }[] = await db.reader.query(
      'SELECT id, status, message_id, attempts, claimed_by FROM sends ORDER BY id',
    );
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    expect(byId.get(ids[0])).toMatchObject({ status: 'sent', message_id: `<send-${ids[0]}@x>` });
    expect(byId.get(ids[49])).toMatchObject({ status: 'sent', message_id: `<send-${ids[49]}@x>` });
    expect(byId.get(ids[50])).toMatchObject({ status: 'retry', message_id: null });
    expect(byId.get(ids[53])).toMatchObject({ status: 'scheduled', attempts: 0, claimed_by: null });
    expect(byId.get(ids[54])).toMatchObject({ status: 'sending' });
    expect(byId.get(ids[56])).toMatchObject({ status: 'scheduled', message_id: null });
  });
});
