import { personName } from '../../../src/import/formats/fields';

describe('personName', () => {
  it('turns control characters into spaces and trims, as a greeting can use the name', () => {
    expect(personName('Ann\nMarie')).toBe('Ann Marie');
    expect(personName(' Ann\u001f\u0085Marie\t')).toBe('Ann Marie');
    expect(personName('Zoë')).toBe('Zoë');
    expect(personName('\u0000\t ')).toBeUndefined();
    expect(personName(undefined)).toBeUndefined();
  });
});
