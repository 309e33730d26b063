import { CodeIssuer } from '../../../src/customer/codes';
import { CODE_ALPHABET, CODE_BITS, generateCode, normalizeCode } from '../../../src/customer/codeFormat';
import { anOffer, IN_THREE_WEEKS, NOW } from '../../support/campaignFixtures';
import { testServices, TestServices } from '../../support/services';

describe('issuing an offer\'s code', () => {
  let s: TestServices;
  let issuer: CodeIssuer;

  beforeAll(async () => {
    s = await testServices({}, () => NOW);
    issuer = new CodeIssuer(s.db);
  });
  afterAll(() => s.dispose());

  const codesOf = (enrolmentId: number) => s.db.reader.query('SELECT code, discount, currency, expires_at, issued_at, send_id FROM codes WHERE enrolment_id = $1', [enrolmentId]);

  it('issues on the first redeem with the terms frozen from the enrolment, and the same code after', async () => {
    const offer = await anOffer(s.db);
    const first = await issuer.issue(offer.sendId, NOW);
    expect(first).toEqual({ status: 'issued', code: expect.stringMatching(/^WELCOME(-[2-9A-HJKMNP-TV-Z]{4}){5}$/) });
    expect(await issuer.issue(offer.sendId, new Date(NOW.getTime() + 86_400_000))).toEqual({ status: 'existing', code: (first as { code: string }).code });
    const [row] = await codesOf(offer.enrolmentId);
    expect(row).toEqual({
      code: (first as { code: string }).code,
      discount: JSON.stringify({ id: 'pct-15', kind: 'percent_off', label: '15% off your next order', percent: 15, maxDiscount: '25.00', pRedeem: 0.3 }),
      currency: 'EUR', expires_at: IN_THREE_WEEKS.toISOString(), issued_at: NOW.toISOString(), send_id: offer.sendId,
    });
  });

  it('issues nothing without an offer, after the offer ended, or for a send that does not exist', async () => {
    const nostalgia = await anOffer(s.db, { rung: null });
    expect(await issuer.issue(nostalgia.sendId, NOW)).toEqual({ status: 'no-offer' });
    const ended = await anOffer(s.db, { offerExpiresAt: NOW });
    expect(await issuer.issue(ended.sendId, NOW)).toEqual({ status: 'ended', endedAt: NOW.toISOString() });
    expect(await issuer.issue(99_999_999, NOW)).toEqual({ status: 'unknown' });
    expect(await s.db.reader.query('SELECT CAST(COUNT(*) AS INTEGER) AS n FROM codes WHERE enrolment_id IN ($1, $2)', [nostalgia.enrolmentId, ended.enrolmentId])).toEqual([{ n: 0 }]);
  });

  it('tries a fresh code when a new one collides with an existing one', async () => {
    const [a, b] = [await anOffer(s.db), await anOffer(s.db)];
    const zeros = () => 0;
    expect(await new CodeIssuer(s.db, zeros).issue(a.sendId, NOW)).toEqual({ status: 'issued', code: 'WELCOME-2222-2222-2222-2222-2222' });
    let calls = 0;
    const collideOnce = (size: number) => (calls++ < 20 ? 0 : (calls * 7) % size);
    const second = await new CodeIssuer(s.db, collideOnce).issue(b.sendId, NOW);
    expect(second.status).toBe('issued');
    expect((second as { code: string }).code).not.toBe('WELCOME-2222-2222-2222-2222-2222');
  });

  it('concurrent redeems of several offers share inserts, and each offer still gets exactly one code (issue 16)', async () => {
    const offers = [await anOffer(s.db), await anOffer(s.db), await anOffer(s.db)];
    // The first two fresh codes are the same string: the second loses on the unique code, not on its offer, and must try again.
    let calls = 0;
    const twinsFirst = (size: number) => {
      const k = Math.floor(calls++ / 20);
      return k < 2 ? 1 : (k * 7 + calls) % size;
    };
    const local = new CodeIssuer(s.db, twinsFirst);
    const outcomes = await Promise.all([...offers, ...offers, ...offers].map((o) => local.issue(o.sendId, NOW)));
    for (const [i, offer] of offers.entries()) {
      const mine = [outcomes[i], outcomes[i + 3], outcomes[i + 6]];
      const [row] = await codesOf(offer.enrolmentId);
      expect(mine.filter((o) => o.status === 'issued')).toHaveLength(1);
      expect(mine.map((o) => (o as { code: string }).code)).toEqual([row.code, row.code, row.code]);
      expect(await codesOf(offer.enrolmentId)).toHaveLength(1);
    }
  });

  it('200 concurrent first redeems of one offer issue exactly one code', async () => {
    const offer = await anOffer(s.db);
    const outcomes = await Promise.all(Array.from({ length: 200 }, () => issuer.issue(offer.sendId, NOW)));
    expect(outcomes.filter((o) => o.status === 'issued')).toHaveLength(1);
    const codes = new Set(outcomes.map((o) => (o as { code: string }).code));
    expect(codes.size).toBe(1);
    expect(await codesOf(offer.enrolmentId)).toHaveLength(1);
  });
});

describe('the shape of a code', () => {
  it('carries at least 80 bits, in hyphenated groups, without look-alike characters', () => {
    expect(CODE_BITS).toBeGreaterThan(80);
    expect(CODE_ALPHABET).not.toMatch(/[01ILOU]/);
    const many = Array.from({ length: 2000 }, () => generateCode());
    for (const code of many) expect(code).toMatch(/^[A-Z0-9]{4,}(-[A-Z0-9]{4,})+$/);
    expect(new Set(many).size).toBe(many.length);
  });

  it('reads a code as a checkout may send it', () => {
    expect(normalizeCode('  welcome-7kq2-m9xd-3pra-h4tw-q8nz ')).toBe('WELCOME-7KQ2-M9XD-3PRA-H4TW-Q8NZ');
    expect(normalizeCode('WELCOME')).toBeNull();
    expect(normalizeCode('<script>')).toBeNull();
    expect(normalizeCode(42)).toBeNull();
  });
});
