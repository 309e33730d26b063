/**
 * The inputs of scoring that come from configuration or from a person (CLI flags, query
 * strings): checked once here, with errors that name the flag or setting and what is allowed.
 */
import type { Config } from '../config';
import type { BudgetPolicy } from '../domain/budget';
import { InputError } from '../domain/errors';
import { Money } from '../domain/money';
import { OfferLadder, parseOfferLadder } from '../domain/offers';
import { dayNumber } from '../domain/rfm';
import { defaultLadder } from './defaultLadder';

/** A calendar day `YYYY-MM-DD`, or an InputError naming `field`. */
export function calendarDay(text: string, field: string): string {
  try {
    dayNumber(text);
    return text;
  } catch {
    throw new InputError(`"${text}" is not a calendar day like 1997-09-30`, { field });
  }
}

/** A number within [min, max] (min excluded when `above`), from a flag or query string. */
export function numberIn(value: string | number, field: string, range: { min: number; max: number; above?: boolean; whole?: boolean }): number {
  const n = typeof value === 'number' ? value : value.trim() === '' ? NaN : Number(value);
  const low = range.above ? n > range.min : n >= range.min;
  if (Number.isFinite(n) && low && n <= range.max && (!range.whole || Number.isInteger(n))) return n;
  const kind = range.whole ? 'a whole number' : 'a number';
  const from = range.above ? `more than ${range.min}` : `at least ${range.min}`;
  throw new InputError(`${JSON.stringify(value)} is not allowed; expected ${kind} ${from} and at most ${range.max}`, { field });
}

/** The budget rule's inputs for the shop, from the value settings. */
export function budgetPolicy(config: Config): BudgetPolicy {
  const value = config.value;
  return {
    currency: config.shop.currency,
    share: value.share,
    cac: new Money(value.cac),
    perCustomerCap: value.customerCap === undefined ? undefined : new Money(value.customerCap),
    zeroValue: value.zeroValue,
    makeGoodWithinCap: value.makeGoodWithinCap,
  };
}

/** OFFER_LADDER when configured (validated, errors name the rung and field), else the built-in one. */
export function offerLadder(config: Config): OfferLadder {
  const raw = config.value.offerLadder;
  if (raw === undefined) return defaultLadder(config.shop.currency, new Money(config.value.cac));
  return parseOfferLadder(raw, { field: 'OFFER_LADDER' });
}
