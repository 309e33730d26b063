import { yearsInWords } from '../../../src/domain/time';

const since = new Date('2019-03-12T12:00:00Z');
const after = (months: number) => {
  const d = new Date(since.getTime());
  d.setUTCMonth(d.getUTCMonth() + months);
  return d;
};

describe('yearsInWords: how long a customer has been with us, truthfully', () => {
  it('says nothing under a year', () => {
    expect(yearsInWords(since, after(11))).toBeNull();
    expect(yearsInWords(since, new Date(after(12).getTime() - 1))).toBeNull();
  });

  it('never rounds 18 to 23 months down to "a year"', () => {
    expect([12, 14, 15, 17, 18, 20, 21, 23, 24].map((m) => yearsInWords(since, after(m)))).toEqual([
      'a year', 'a year', 'over a year', 'over a year', 'a year and a half', 'a year and a half', 'almost two years', 'almost two years', 'two years',
    ]);
  });

  it('keeps it true over many years', () => {
    expect([26, 27, 30, 33, 60, 150, 300].map((m) => yearsInWords(since, after(m)))).toEqual([
      'two years', 'over two years', 'two and a half years', 'almost three years', 'five years', 'twelve and a half years', '25 years',
    ]);
  });
});
