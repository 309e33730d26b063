/**
 * When a step may go out: not before it is due, inside the campaign's daily send window in the
 * customer's (else the shop's) time zone. Quiet hours are everything outside the window.
 */
export interface SendWindow {
  /** `HH:MM`, local time, inclusive. */
  from: string;
  /** `HH:MM`, local time, exclusive. A window may wrap midnight (22:00 → 06:00). */
  to: string;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function minutesOf(hhmm: string): number {
  const m = HHMM.exec(hhmm);
  if (!m) throw new RangeError(`"${hhmm}" is not a time like 09:30`);
  return Number(m[1]) * 60 + Number(m[2]);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes since local midnight of `at` in `timeZone`. */
export function localMinutes(at: Date, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  const parts = f.formatToParts(at);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value);
  return hour * 60 + minute;
}

export function insideWindow(at: Date, window: SendWindow, timeZone: string): boolean {
  const now = localMinutes(at, timeZone);
  const [from, to] = [minutesOf(window.from), minutesOf(window.to)];
  return from <= to ? now >= from && now < to : now >= from || now < to;
}

/**
 * The first minute at or after `due` inside the window. Steps in whole minutes keep this exact
 * across DST changes (a local hour that is skipped or repeated) without calendar arithmetic.
 */
export function nextSendTime(due: Date, window: SendWindow | undefined, timeZone: string): Date {
  if (!window) return due;
  if (insideWindow(due, window, timeZone)) return due;
  const start = Math.ceil(due.getTime() / 60_000) * 60_000;
  const gap = (minutesOf(window.from) - localMinutes(new Date(start), timeZone) + 1440) % 1440;
  // Jump close to the opening (DST can shift it by an hour), then walk minute by minute.
  let t = start + Math.max(0, gap - 90) * 60_000;
  for (let i = 0; i < 2 * 1440; i++, t += 60_000) {
    if (insideWindow(new Date(t), window, timeZone)) return new Date(t);
  }
  throw new RangeError(`send window ${window.from}-${window.to} never opens`);
}
