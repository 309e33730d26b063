/** How the console writes times for people: "5 Dec 2026, 21:15" in the shop's time zone. */
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
