/**
 * What a code takes off one order. Pure, over the rung frozen in the code when it was issued,
 * in decimal.js: a percentage is rounded to the currency's minor unit half-even (the domain's
 * rule, see money.ts), capped by the rung's maxDiscount, and no discount exceeds the order.
 */
import { formatMinor, minorToMoney, Money, moneyToMinor } from '../domain/money';
import type { OfferKind, OfferRung } from '../domain/offers';

/** What the checkout API answers: amounts as decimal strings in the code's currency. */
export interface DiscountQuote {
  kind: OfferKind;
  /** The customer-facing words, e.g. "15% off your next order". */
  label: string;
  /** Taken off this order's total. "0.00" for free shipping and gifts, which `freeShipping` and `gift` describe. */
  amount: string;
  currency: string;
  freeShipping: boolean;
  /** What to add to the parcel, for a gift. */
  gift: string | null;
  expiresAt: string;
}

const MONEY_FIELDS = ['amount', 'maxDiscount', 'shippingCost', 'giftCost'] as const;

/** The rung as stored at launch (JSON, money as decimal strings) back into domain money. */
export function rungFromStored(json: string): OfferRung {
  const raw = JSON.parse(json) as Record<string, unknown>;
  for (const field of MONEY_FIELDS) {
    if (typeof raw[field] === 'string' || typeof raw[field] === 'number') raw[field] = new Money(raw[field] as string);
  }
  return raw as unknown as OfferRung;
}

export function discountMinor(rung: OfferRung, orderTotalMinor: number, currency: string): number {
  const minor = (amount: Money) => moneyToMinor(amount, currency);
  let off: number;
  switch (rung.kind) {
    case 'percent_off':
      off = minor(minorToMoney(orderTotalMinor, currency).mul(rung.percent).div(100));
      if (rung.maxDiscount !== undefined) off = Math.min(off, minor(rung.maxDiscount));
      break;
    case 'fixed_credit':
      off = minor(rung.amount);
      break;
    case 'free_shipping':
    case 'gift':
      off = 0;
      break;
  }
  return Math.min(off, orderTotalMinor);
}

export function quote(rung: OfferRung, discount: number, currency: string, expiresAt: string): DiscountQuote {
  return {
    kind: rung.kind,
    label: rung.label,
    amount: formatMinor(discount, currency),
    currency,
    freeShipping: rung.kind === 'free_shipping',
    gift: rung.kind === 'gift' ? rung.label : null,
    expiresAt,
  };
}
