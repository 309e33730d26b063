/**
 * The discount inside an imported order that names one of a run's codes. The shop's export
 * records what the customer paid (Shopify's `Total` is after discounts), so the discount is
 * worked back from that: p% off a total G leaves N = G × (1 − p/100), so G − N = N × p / (100 − p),
 * capped by the rung's maxDiscount; a fixed credit is its amount, at most what the order would
 * have cost. Free shipping and gifts take nothing off the order's amount.
 */
import { minorToMoney, Money, moneyToMinor } from '../domain/money';
import { rungFromStored } from '../customer/discount';

export function discountInsideNet(storedRung: string, netMinor: number, currency: string): number {
  const rung = rungFromStored(storedRung);
  const net = minorToMoney(netMinor, currency);
  switch (rung.kind) {
    case 'percent_off': {
      if (rung.percent >= 100) return rung.maxDiscount === undefined ? 0 : moneyToMinor(rung.maxDiscount, currency);
      let off = net.mul(rung.percent).div(new Money(100).minus(rung.percent));
      if (rung.maxDiscount !== undefined) off = Money.min(off, rung.maxDiscount);
      return moneyToMinor(off, currency);
    }
    case 'fixed_credit':
      return moneyToMinor(rung.amount, currency);
    case 'free_shipping':
    case 'gift':
      return 0;
  }
}
