import { unsubscribe } from '../../../src/customer/unsubscribe';
import { anOffer, NOW } from '../../support/campaignFixtures';
import { testServices, TestServices } from '../../support/services';

describe('unsubscribe(db, email, source, now)', () => {
  let s: TestServices;

  beforeAll(async () => {
    s = await testServices({}, () => NOW);
  });
  afterAll(() => s.dispose());

  const addSend = (o: { enrolmentId: number; runId: number; customerId: number }, step: number, status: string) =>
    s.db.write((tx) => tx.query('INSERT INTO sends (enrolment_id, run_id, customer_id, step, status, due_at) VALUES ($1, $2, $3, $4, $5, $6)', [o.enrolmentId, o.runId, o.customerId, step, status, NOW.toISOString()]));

  it('suppresses the address and every waiting send of its customers, but not a send already on the wire', async () => {
    const offer = await anOffer(s.db);
    await addSend(offer, 2, 'retry');
    await addSend(offer, 3, 'sending');
    await addSend(offer, 4, 'scheduled');
    expect(await unsubscribe(s.db, `  ${offer.email.toUpperCase()} `, 'mailto', NOW)).toBe(true);
    expect(await s.db.reader.query('SELECT email, reason, source FROM suppressions')).toEqual([{ email: offer.email, reason: 'unsubscribed', source: 'mailto' }]);
    expect(await s.db.reader.query('SELECT step, status FROM sends WHERE enrolment_id = $1 ORDER BY step', [offer.enrolmentId])).toEqual([
      { step: 1, status: 'sent' }, { step: 2, status: 'suppressed' }, { step: 3, status: 'sending' }, { step: 4, status: 'suppressed' },
    ]);
    expect(await s.db.reader.query("SELECT customer_id, data FROM events WHERE type = 'unsubscribe'")).toEqual([{ customer_id: null, data: '{"source":"mailto"}' }]);
  });

  it('is idempotent: a second call changes nothing and records nothing', async () => {
    const offer = await anOffer(s.db);
    const who = { customerId: offer.customerId, runId: offer.runId, sendId: offer.sendId };
    expect(await unsubscribe(s.db, offer.email, 'page', NOW, who)).toBe(true);
    expect(await unsubscribe(s.db, offer.email, 'one-click', new Date(NOW.getTime() + 1000), who)).toBe(false);
    expect(await s.db.reader.query('SELECT source, at FROM suppressions WHERE email = $1', [offer.email])).toEqual([{ source: 'page', at: NOW.toISOString() }]);
    expect(await s.db.reader.query("SELECT CAST(COUNT(*) AS INTEGER) AS n FROM events WHERE type = 'unsubscribe' AND customer_id = $1", [offer.customerId])).toEqual([{ n: 1 }]);
  });
});
