/**
 * How the data pages (model, customers, incidents, import) show numbers, money and times to a
 * person: formatted on the server, since the templates are logic-less. Money goes through the
 * shop's minor units and decimal.js first, so what is shown is what is stored.
 */
import { formatMinor } from '../../domain/money';

const counts = new Intl.NumberFormat('en-GB');
const moneyFormats = new Map<string, Intl.NumberFormat>();
const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** `1,204` */
export const count = (n: number): string => counts.format(n);

/** `€12.40` from minor units, exact to the minor unit (the decimal string is what Intl lays out). */
export function money(minor: number, currency: string): string {
  let f = moneyFormats.get(currency);
  if (!f) moneyFormats.set(currency, (f = new Intl.NumberFormat('en-GB', { style: 'currency', currency })));
  return f.format(Number(formatMinor(minor, currency)));
}

/** `12 March 2025` from `2025-03-12` (a calendar day: no time zone moves it). */
export function day(isoDay: string | null | undefined): string {
  if (!isoDay) return '';
  return timeFormat('UTC', false).format(new Date(`${isoDay.slice(0, 10)}T00:00:00Z`));
}

/** `12 March 2025, 10:04` in the shop's time zone, from an ISO instant. */
export function instant(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '';
  return timeFormat(timeZone, true).format(new Date(iso));
}

function timeFormat(timeZone: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${timeZone} ${withTime}`;
  let f = timeFormats.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'long', year: 'numeric', timeZone };
    f = new Intl.DateTimeFormat('en-GB', withTime ? { ...options, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : options);
    timeFormats.set(key, f);
  }
  return f;
}

/** `83%` */
export const percent = (fraction: number, digits = 0): string => `${(fraction * 100).toFixed(digits)}%`;

/** A Chart.js configuration for a `<script type="application/json">`: `<` escaped so no `</script>` can end it. */
export const chartJson = (config: unknown): string => JSON.stringify(config).replace(/</g, '\\u003c');
