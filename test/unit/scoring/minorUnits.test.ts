import fc from 'fast-check';
import { formatMinor, moneyFromStatistic, moneyToMinor } from '../../../src/domain/money';
import { minorToText, statisticToMinor } from '../../../src/scoring/minorUnits';

const slow = (value: number, currency: string) => moneyToMinor(moneyFromStatistic(value), currency) + 0;

describe('the million-row money shortcuts agree with money.ts exactly', () => {
  it('statisticToMinor on any float the models produce', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true }), fc.constantFrom('EUR', 'JPY', 'KWD'), (value, currency) => {
        expect(statisticToMinor(value, currency)).toBe(slow(value, currency));
      }),
      { numRuns: 20000 },
    );
  });

  it('statisticToMinor next to half a minor unit, where float and decimal could disagree', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10_000_000, max: 10_000_000 }), fc.integer({ min: -3, max: 3 }), (cents, ulps) => {
        let value = (cents + 0.5) / 100;
        for (let k = 0; k < Math.abs(ulps); k++) value = ulps > 0 ? nextUp(value) : -nextUp(-value);
        expect(statisticToMinor(value, 'EUR')).toBe(slow(value, 'EUR'));
      }),
      { numRuns: 20000 },
    );
    expect(statisticToMinor(0.125, 'EUR')).toBe(12);
    expect(statisticToMinor(0.135, 'EUR')).toBe(14);
    expect(Object.is(statisticToMinor(-0.001, 'EUR'), 0)).toBe(true);
  });

  it('minorToText is formatMinor', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.constantFrom('EUR', 'JPY', 'KWD'), (minor, currency) => {
        const exponent = { EUR: 2, JPY: 0, KWD: 3 }[currency] as number;
        expect(minorToText(minor, exponent)).toBe(formatMinor(minor, currency));
      }),
    );
  });
});

function nextUp(x: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, x >= 0 ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}
