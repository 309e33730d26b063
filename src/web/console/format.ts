/**
 * How the console writes figures and times for people: "5 Dec 2026, 21:15" in the shop's time
 * zone (lists), and for the campaign pages money as "1,234.00 USD" from the decimal strings the
 * reports carry (never through a float), counts with thousands separators, dates in words, and
 * Chart.js configurations serialised for a `<script type="application/json">` block.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

export function dateTime(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '';
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone });
    formatters.set(timeZone, f);
  }
  return f.format(new Date(iso));
}

const COUNT = new Intl.NumberFormat('en-GB');

export function count(n: number): string {
  return COUNT.format(n);
}

/** "1,234.00 USD" from "1234.00"; a minus sign kept; "—" for a figure that cannot be computed. */
export function money(amount: string | null, currency: string): string {
  if (amount === null) return '—';
  const [whole, fraction] = amount.replace(/^-/, '').split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${amount.startsWith('-') ? '−' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`} ${currency}`;
}

/** "2 June 2025" in the shop's time zone. */
export function dateText(iso: string, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: zone }).format(new Date(iso));
}

/** "2 June 2025, 10:00" in the shop's time zone. */
export function dateTimeText(iso: string, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: zone }).format(new Date(iso));
}

/** Text from the domain (a pause reason, a report caveat) with its ISO instants written as dates in words. */
export function instantsInWords(text: string, zone: string): string {
  return text.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g, (iso) => dateTimeText(iso, zone));
}

/** "4 days", "1 day". */
export function plural(n: number, word: string): string {
  return `${count(n)} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * A Chart.js configuration as the text of a JSON script block: `<` escaped so no `</script>` in a
 * label can end the block early (and `>`/`&` for good measure); JSON.parse reads it back unchanged.
 */
export function chartJson(config: unknown): string {
  return JSON.stringify(config).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}
