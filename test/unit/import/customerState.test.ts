import fc from 'fast-check';
import type { CustomerFacts } from '../../../src/import/customerFacts';
import { applyFacts, fieldsOf, insertedCustomer, KnownCustomer, valuesOf } from '../../../src/import/customerState';

const at = (n: number) => new Date(Date.UTC(2025, 0, 1) + n * 60_000).toISOString();
/** Kim, who said no to marketing at minute 10. */
const stored = (): KnownCustomer => ({ values: valuesOf('Kim', '', 'kim@example.com', 'no'), profileAt: at(10), consentAt: at(10) });

describe('what facts do to a known customer', () => {
  it('starts from what an insert stores', () => {
    expect(insertedCustomer({ email: 'a@example.com', at: at(1) })).toEqual({ values: valuesOf('', '', 'a@example.com', 'unknown'), profileAt: at(1), consentAt: '' });
    expect(insertedCustomer({ email: 'a@example.com', consent: 'yes', consentAt: at(0), at: at(1) }).consentAt).toBe(at(0));
  });

  it('ends with the newest statement, whatever order the facts come in (newest first included)', () => {
    const statement = fc.record({ minute: fc.integer({ min: 0, max: 40 }), firstName: fc.constantFrom('Kim', 'Kimberly'), consent: fc.constantFrom('yes' as const, 'no' as const) });
    fc.assert(
      fc.property(fc.uniqueArray(statement, { selector: (s) => s.minute, minLength: 1, maxLength: 8 }), (statements) => {
        const facts: CustomerFacts[] = statements.map((s) => ({ email: 'kim@example.com', firstName: s.firstName, consent: s.consent, at: at(s.minute) }));
        const applyAll = (order: CustomerFacts[]) => {
          const known = stored();
          for (const f of order) applyFacts(known, f);
          return known;
        };
        const newest = [...statements].sort((a, b) => b.minute - a.minute)[0];
        const expected = newest.minute > 10 ? { firstName: newest.firstName, consent: newest.consent, at: at(newest.minute) } : { firstName: 'Kim', consent: 'no', at: at(10) };
        const known = applyAll(facts);
        expect(fieldsOf(known.values)).toMatchObject({ firstName: expected.firstName, consent: expected.consent });
        expect([known.profileAt, known.consentAt]).toEqual([expected.at, expected.at]);
        expect(applyAll([...facts].reverse())).toEqual(known);
      }),
    );
  });

  it('moves only the time for a newer statement that agrees, so an older one met later cannot win', () => {
    const known = stored();
    expect(applyFacts(known, { email: 'kim@example.com', consent: 'no', at: at(50) })).toBe('time');
    // Consent is its own statement; an email that agrees says nothing about the profile.
    expect(known).toEqual({ values: valuesOf('Kim', '', 'kim@example.com', 'no'), profileAt: at(10), consentAt: at(50) });
    expect(applyFacts(known, { email: 'kim@example.com', consent: 'yes', at: at(30) })).toBe('nothing');
    expect(applyFacts(known, { email: 'kim@example.com', consent: 'no', at: at(50) })).toBe('nothing');
  });

  it('changes only the fields a newer fact gives, and consent only by its own time', () => {
    const known = stored();
    expect(applyFacts(known, { lastName: 'Lee', at: at(20) })).toBe('changed');
    expect(fieldsOf(known.values)).toEqual({ firstName: 'Kim', lastName: 'Lee', email: 'kim@example.com', consent: 'no' });
    expect(applyFacts(known, { consent: 'yes', consentAt: at(30), at: at(5) })).toBe('changed');
    expect(known).toMatchObject({ profileAt: at(20), consentAt: at(30) });
    expect(fieldsOf(known.values).consent).toBe('yes');
  });

  it('does not let an email that agrees outdate the names: exports leave names blank on some orders', () => {
    const known = stored();
    expect(applyFacts(known, { email: 'kim@example.com', at: at(50) })).toBe('nothing');
    expect(applyFacts(known, { email: 'kim@example.com', firstName: 'Kimberly', at: at(30) })).toBe('changed');
    expect(fieldsOf(known.values).firstName).toBe('Kimberly');
    // A new address is a statement of its own.
    expect(applyFacts(known, { email: 'kim@new.example', at: at(40) })).toBe('changed');
    expect(known).toMatchObject({ profileAt: at(40) });
    expect(fieldsOf(known.values)).toMatchObject({ firstName: 'Kimberly', email: 'kim@new.example' });
  });
});
