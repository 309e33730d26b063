import { dayNumber, holdoutPurchases, isoDay, PurchaseLogBuilder, summarize } from '../../../src/domain/rfm';

type Row = [string, number];

function logOf(...customers: Row[][]) {
  const builder = new PurchaseLogBuilder(4);
  for (const rows of customers) {
    builder.addCustomer();
    for (const [day, amount] of rows) builder.addPurchase(day, amount);
  }
  return builder.build();
}

describe('calendar days', () => {
  it('round-trips and rejects what is not a day', () => {
    expect(dayNumber('1970-01-01')).toBe(0);
    expect(dayNumber('1997-09-30') - dayNumber('1997-01-01')).toBe(272);
    expect(isoDay(dayNumber('2024-02-29'))).toBe('2024-02-29');
    for (const bad of ['2023-02-29', '2023-13-01', '2023-1-01', '01/02/2023', '']) {
      expect(() => dayNumber(bad)).toThrow(RangeError);
    }
  });
});

describe('summarize', () => {
  const log = logOf(
    // repeat buyer, rows out of order, two orders on 01-15
    [['2024-01-15', 10], ['2024-01-01', 50], ['2024-01-15', 5], ['2024-01-29', 30], ['2024-03-01', 99]],
    // one purchase only
    [['2024-01-08', 20]],
    // first purchase after the calibration end: left out
    [['2024-02-20', 20]],
    // a $0 purchase is still a purchase occasion
    [['2024-01-01', 0], ['2024-01-08', 12]],
  );
  const summary = summarize(log, { calibrationEnd: '2024-02-12' });

  it('counts repeat purchase days, recency and age in weeks up to the calibration end', () => {
    expect(summary.length).toBe(3);
    expect(Array.from(summary.customer)).toEqual([0, 1, 3]);
    expect(Array.from(summary.x)).toEqual([2, 0, 1]);
    expect(Array.from(summary.tx)).toEqual([4, 0, 1]);
    expect(Array.from(summary.T)).toEqual([6, 5, 6]);
    expect(isoDay(summary.firstDay[0])).toBe('2024-01-01');
  });

  it('averages repeat purchase days only, same-day amounts summed', () => {
    expect(Array.from(summary.monetary)).toEqual([(15 + 30) / 2, 0, 12]);
  });

  it('works in days too', () => {
    const days = summarize(log, { calibrationEnd: '2024-02-12', unit: 'day' });
    expect(Array.from(days.tx)).toEqual([28, 0, 7]);
    expect(Array.from(days.T)).toEqual([42, 35, 42]);
  });

  it('counts what happened after the calibration end for validation', () => {
    const holdout = holdoutPurchases(log, summary, '2024-03-11');
    expect(holdout.duration).toBe(4);
    expect(Array.from(holdout.purchases)).toEqual([1, 0, 0]);
    expect(Array.from(holdout.amount)).toEqual([99, 0, 0]);
    expect(() => holdoutPurchases(log, summary, '2024-02-12')).toThrow(RangeError);
  });

  it('rejects amounts that are not numbers and rows without a customer', () => {
    expect(() => new PurchaseLogBuilder().addPurchase('2024-01-01', 1)).toThrow(RangeError);
    const builder = new PurchaseLogBuilder();
    builder.addCustomer();
    expect(() => builder.addPurchase('2024-01-01', NaN)).toThrow(RangeError);
  });
});
