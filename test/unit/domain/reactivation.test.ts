/**
 * P(at least one purchase within a window) under BG/NBD, worked by hand: a customer can only drop
 * out right after a purchase, so one who is alive and buys nothing in the window stays alive
 * throughout, and P(none | alive) is the gamma mixture of e^(−λt), ((α+T)/(α+T+t))^(r+x).
 */
import { pReactivation } from '../../../src/domain/reactivation';

const cdnow = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

describe('P(reactivation within a window)', () => {
  it('for a brand-new customer it is the paper\'s unconditional 1 − P(X(t) = 0) = 1 − (α/(α+t))^r', () => {
    expect(pReactivation(cdnow, 60 / 7, 0, 0, 0)).toBeCloseTo(1 - (4.414 / (4.414 + 60 / 7)) ** 0.243, 12);
  });

  it('for a lapsed customer: P(alive) × (1 − ((α+T)/(α+T+t))^(r+x))', () => {
    // x = 2, t_x = 30.43, T = 38.86 weeks, window 60 days: P(alive) 0.726579, then 0.242134.
    expect(pReactivation(cdnow, 60 / 7, 2, 30.43, 38.86)).toBeCloseTo(0.242134, 6);
    // x = 0: alive for sure (no purchase to drop out after), 1 − (43.274/51.845)^0.243 = 0.042963.
    expect(pReactivation(cdnow, 60 / 7, 0, 0, 38.86)).toBeCloseTo(0.042963, 6);
    expect(pReactivation(cdnow, 0, 2, 30.43, 38.86)).toBe(0);
  });
});
