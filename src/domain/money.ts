/**
 * Money is decimal.js everywhere it is money. The database keeps integer minor units plus an
 * ISO 4217 currency; amounts cross into and out of text only through this module.
 *
 * Rounding: values are rounded to the currency's minor unit only at the edges (storage, display,
 * JSON), ROUND_HALF_EVEN unless a caller states otherwise (budgets round down, see budget.ts).
 */
import Decimal from 'decimal.js';

export const Money = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN });
export type Money = Decimal;

const knownCurrencies = new Set<string>(
  (Intl as unknown as { supportedValuesOf(key: string): string[] }).supportedValuesOf('currency'),
);
const exponentCache = new Map<string, number>();

export function isCurrency(code: string): boolean {
  return knownCurrencies.has(code);
}

/** Digits after the decimal point in the currency's minor unit (EUR 2, JPY 0, KWD 3). */
export function currencyExponent(currency: string): number {
  let exponent = exponentCache.get(currency);
  if (exponent === undefined) {
    if (!isCurrency(currency)) throw new RangeError(`unknown currency "${currency}"`);
    exponent = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits as number;
    exponentCache.set(currency, exponent);
  }
  return exponent;
}

const DECIMAL = /^(\d{1,15})(?:\.(\d+))?$/;

/**
 * Parses a non-negative decimal amount written with a dot ("12.50") into integer minor units.
 * Returns a reason string instead of throwing so parsers can attach file/line/column.
 */
export function parseAmountToMinor(text: string, currency: string): number | { problem: string } {
  const trimmed = text.trim();
  const match = DECIMAL.exec(trimmed);
  if (!match) {
    if (/^-/.test(trimmed)) return { problem: `"${text}" is negative; amounts must be zero or more` };
    if (/^\d+,\d+$/.test(trimmed)) return { problem: `"${text}" is not a decimal number; use a dot` };
    return { problem: `"${text}" is not a decimal number like 12.50` };
  }
  const exponent = currencyExponent(currency);
  const fraction = match[2] ?? '';
  const significant = fraction.replace(/0+$/, '');
  if (significant.length > exponent) {
    return { problem: `"${text}" has more decimals than ${currency} allows (${exponent})` };
  }
  const minor = Number(match[1] + fraction.padEnd(exponent, '0').slice(0, exponent));
  if (!Number.isSafeInteger(minor)) return { problem: `"${text}" is too large` };
  return minor;
}

export function minorToMoney(minor: number, currency: string): Money {
  return new Money(minor).div(new Money(10).pow(currencyExponent(currency)));
}

export function moneyToMinor(amount: Money, currency: string, rounding: Decimal.Rounding = Money.ROUND_HALF_EVEN): number {
  return amount.mul(new Money(10).pow(currencyExponent(currency))).toDecimalPlaces(0, rounding).toNumber();
}

/** The decimal string used in JSON and CSV: "123.40" for EUR, "1234" for JPY. */
export function formatMoney(amount: Money, currency: string, rounding: Decimal.Rounding = Money.ROUND_HALF_EVEN): string {
  return amount.toFixed(currencyExponent(currency), rounding);
}

export function formatMinor(minor: number, currency: string): string {
  return formatMoney(minorToMoney(minor, currency), currency);
}

/**
 * The one door from float64 statistics (likelihood fits, expectations) into money. 15
 * significant digits is what a double holds faithfully; anything beyond is float noise.
 */
export function moneyFromStatistic(value: number): Money {
  if (!Number.isFinite(value)) throw new RangeError(`statistic ${value} cannot become money`);
  return new Money(value.toPrecision(15));
}
