/**
 * The offer ladder `score` and the offer advisor use when OFFER_LADDER is not configured
 * (campaigns carry their own).
 *
 * Amounts are fractions of the configured CAC rather than fixed numbers, so the ladder makes
 * sense in any currency (10.00 means little in JPY) and at any price level: a budget never
 * exceeds CAC, so a rung that costs more than CAC could never be offered anyway. With the
 * default CAC of 30.00 this is: a 10.00 credit, 20% off up to 10.00, 15% off up to 7.50,
 * 10% off up to 5.00, free shipping costing us 5.00. Redemption rates are the domain's
 * defaults per kind, on the high side on purpose (see DEFAULT_P_REDEEM).
 */
import { formatMoney, Money, currencyExponent } from '../domain/money';
import { DEFAULT_P_REDEEM, OfferLadder } from '../domain/offers';

export function defaultLadder(currency: string, cac: Money): OfferLadder {
  // Rounded down to the minor unit: a configured amount is always a whole number of cents.
  const part = (divisor: number) => cac.div(divisor).toDecimalPlaces(currencyExponent(currency), Money.ROUND_DOWN);
  const show = (amount: Money) => `${formatMoney(amount, currency)} ${currency}`;
  const [third, quarter, sixth] = [part(3), part(4), part(6)];
  const percentOff = (percent: number, max: Money) => ({
    kind: 'percent_off' as const,
    id: `percent-${percent}`,
    label: `${percent}% off your next order (up to ${show(max)})`,
    pRedeem: DEFAULT_P_REDEEM.percent_off,
    percent,
    maxDiscount: max,
  });
  return [
    { kind: 'fixed_credit', id: 'credit', label: `${show(third)} off your next order`, pRedeem: DEFAULT_P_REDEEM.fixed_credit, amount: third },
    percentOff(20, third),
    percentOff(15, quarter),
    percentOff(10, sixth),
    { kind: 'free_shipping', id: 'free-shipping', label: 'Free shipping on your next order', pRedeem: DEFAULT_P_REDEEM.free_shipping, shippingCost: sixth },
  ];
}
