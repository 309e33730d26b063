import { RefusalRow, Settled } from '../../../src/campaigns/refusalRow';

const delivered = (id: number): Settled<number> => ({ ctx: id, outcome: { status: 'delivered', messageId: `<${id}@x>`, detail: '250 ok' } });
const refused = (id: number): Settled<number> => ({ ctx: id, outcome: { status: 'failed', failure: { kind: 'permanent', reason: '550 5.1.1 user unknown' } } });
const retry = (id: number): Settled<number> => ({ ctx: id, outcome: { status: 'failed', failure: { kind: 'transient', reason: '451 later', retryAfterMs: 1000 } } });
const kinds = (out: Settled<number>[]) => out.map((s) => [s.ctx, s.outcome.status === 'failed' ? s.outcome.failure.kind : 'delivered']);

describe('RefusalRow', () => {
  it('lets a short row through as permanent once a delivery ends it, and at the end of the batch', () => {
    const row = new RefusalRow<number>(3);
    expect(row.next(refused(1))).toEqual([]);
    expect(row.next(retry(2))).toEqual([retry(2)]); // a retry neither ends nor extends the row
    expect(row.next(refused(3))).toEqual([]);
    expect(kinds(row.next(delivered(4)))).toEqual([[1, 'permanent'], [3, 'permanent'], [4, 'delivered']]);
    expect(row.next(refused(5))).toEqual([]);
    expect(kinds(row.rest())).toEqual([[5, 'permanent']]);
    expect(row.isTripped).toBe(false);
  });

  it('turns a full row, and every refusal after it, fatal, naming the last reply', () => {
    const refusals = new RefusalRow<number>(3);
    refusals.next(refused(1));
    refusals.next(refused(2));
    const row = refusals.next(refused(3));
    expect(refusals.isTripped).toBe(true);
    expect(kinds(row)).toEqual([[1, 'fatal'], [2, 'fatal'], [3, 'fatal']]);
    expect(row[0].outcome).toMatchObject({ failure: { reason: expect.stringMatching(/refused 3 recipients in a row.*550 5\.1\.1.*nobody was suppressed/) } });
    expect(kinds(refusals.next(refused(4)))).toEqual([[4, 'fatal']]);
    expect(refusals.rest()).toEqual([]);
  });
});
