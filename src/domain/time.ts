/**
 * Instants and shop-local calendar days, from the timestamp shapes imports meet: ISO 8601 with or
 * without an offset, Shopify's `2025-10-07 09:50:26 +0200`, and CDNOW's `19970101`. A timestamp
 * without an offset is wall-clock time in the shop's IANA zone.
 *
 * Intl is the only source of zone rules, and it is slow (microseconds per call) while an import
 * parses a million rows spread over years; so offsets are memoized per day, and within a day
 * that holds a transition, per hour. That is exact as long as a zone changes its offset at most
 * once per period (true of every zone in the tz database); an hour that holds a transition is
 * resolved exactly, call by call.
 */

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Years outside this range are typos (0205, 20255), not orders. */
const FIRST_YEAR = 1900;
const LAST_YEAR = 2199;
/** Days (since 1970) the hot path memoizes in arrays, one slot each, with a day's margin. */
const FIRST_DAY = daysFromCivil(FIRST_YEAR, 1, 1) - 1;
const DAY_SLOTS = daysFromCivil(LAST_YEAR + 1, 1, 1) + 1 - FIRST_DAY;
/** Marks a slot not computed yet (NaN is taken: it marks a period holding a transition). */
const UNKNOWN = Infinity;
/** Bounds the maps used outside the array range. */
const MEMO_LIMIT = 100_000;

const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const EXPECTED = 'a date and time like 2025-10-07T09:50:26, 2025-10-07T09:50:26+02:00 or 2025-10-07 09:50:26 +0200';

export type Parsed = number | { problem: string };

const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm): several times cheaper than Date.UTC per row. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return era * 146097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719468;
}

/**
 * The value `exact` gives throughout each period (a day or an hour) holding `at`, or NaN when it
 * differs between the period's first and last second (a transition lies inside). Days from
 * 1900 to 2199 sit in an array, so the per-row lookup does no hashing.
 */
class PeriodMemo {
  private readonly slots: Float64Array;
  private readonly beyond = new Map<number, number>();

  constructor(private readonly length: number, private readonly exact: (ms: number) => number) {
    this.slots = new Float64Array(length === DAY ? DAY_SLOTS : 0).fill(UNKNOWN);
  }

  get(at: number): number {
    const key = Math.floor(at / this.length);
    const slot = key - FIRST_DAY;
    if (slot >= 0 && slot < this.slots.length) {
      const value = this.slots[slot];
      return value !== UNKNOWN ? value : (this.slots[slot] = this.compute(key));
    }
    let value = this.beyond.get(key);
    if (value === undefined) {
      if (this.beyond.size >= MEMO_LIMIT) this.beyond.clear();
      this.beyond.set(key, (value = this.compute(key)));
    }
    return value;
  }

  private compute(key: number): number {
    const first = this.exact(key * this.length);
    return first === this.exact((key + 1) * this.length - 1) ? first : NaN;
  }
}

/** A shop's time zone with its offsets memoized; get one through `timeZone(name)`. */
export class TimeZone {
  private readonly format: Intl.DateTimeFormat;
  /** Offset (ms to add to UTC) per UTC day, then per hour within days with a transition. */
  private readonly byUtcDay: PeriodMemo;
  private readonly byUtcHour: PeriodMemo;
  /** The offset that maps a wall-clock time to one instant, per local day and hour. */
  private readonly byLocalDay: PeriodMemo;
  private readonly byLocalHour: PeriodMemo;

  constructor(readonly name: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: name, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    this.byUtcDay = new PeriodMemo(DAY, this.exactOffset);
    this.byUtcHour = new PeriodMemo(HOUR, this.exactOffset);
    this.byLocalDay = new PeriodMemo(DAY, this.uniqueOffset);
    this.byLocalHour = new PeriodMemo(HOUR, this.uniqueOffset);
  }

  /** Milliseconds to add to the UTC instant `ms` to get the zone's wall-clock time. */
  offsetAt(ms: number): number {
    let offset = this.byUtcDay.get(ms);
    if (Number.isNaN(offset)) offset = this.byUtcHour.get(ms);
    return Number.isNaN(offset) ? this.exactOffset(ms) : offset;
  }

  /**
   * The instant at which the zone's clocks show `wall` (a wall-clock time written as if it were
   * UTC). Like Temporal's 'compatible' disambiguation: a time skipped by a spring-forward gap
   * moves forward by the gap (02:30 → 03:30), a time repeated by a fall-back is the first one.
   */
  fromLocal(wall: number): number {
    let offset = this.byLocalDay.get(wall);
    if (Number.isNaN(offset)) offset = this.byLocalHour.get(wall);
    return Number.isNaN(offset) ? this.resolveLocal(wall) : wall - offset;
  }

  /** The calendar day `YYYY-MM-DD` of instant `ms` in this zone. */
  day(ms: number): string {
    return dayName(Math.floor((ms + this.offsetAt(ms)) / DAY));
  }

  private readonly exactOffset = (ms: number): number => {
    const whole = ms - (((ms % 1000) + 1000) % 1000);
    let year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    for (const part of this.format.formatToParts(whole)) {
      if (part.type === 'year') year = Number(part.value);
      else if (part.type === 'month') month = Number(part.value);
      else if (part.type === 'day') day = Number(part.value);
      else if (part.type === 'hour') hour = Number(part.value);
      else if (part.type === 'minute') minute = Number(part.value);
      else if (part.type === 'second') second = Number(part.value);
    }
    return Date.UTC(year, month - 1, day, hour, minute, second) - whole;
  };

  /** Offsets that map `wall` to an instant showing `wall`: none in a gap, two in an overlap. */
  private fits(wall: number): { fits: number[]; before: number } {
    const before = this.offsetAt(wall - DAY);
    const after = this.offsetAt(wall + DAY);
    const candidates = before === after ? [before] : [before, after];
    return { fits: candidates.filter((offset) => this.offsetAt(wall - offset) === offset), before };
  }

  /** The offset that maps `wall` to exactly one instant; NaN in a gap or an overlap. */
  private readonly uniqueOffset = (wall: number): number => {
    const { fits } = this.fits(wall);
    return fits.length === 1 ? fits[0] : NaN;
  };

  private resolveLocal(wall: number): number {
    const { fits, before } = this.fits(wall);
    return fits.length === 0 ? wall - before : wall - Math.max(...fits);
  }
}

const dayNames: (string | undefined)[] = new Array<string | undefined>(DAY_SLOTS).fill(undefined);

/** `YYYY-MM-DD` of a day counted from 1970-01-01. */
function dayName(number: number): string {
  const slot = number - FIRST_DAY;
  const known = dayNames[slot];
  if (known !== undefined) return known;
  const name = new Date(number * DAY).toISOString().slice(0, 10);
  if (slot >= 0 && slot < DAY_SLOTS) dayNames[slot] = name;
  return name;
}

const zones = new Map<string, TimeZone>();

/** The memoizing zone for an IANA name; throws a RangeError for a name Intl does not know. */
export function timeZone(name: string): TimeZone {
  let zone = zones.get(name);
  if (zone === undefined) {
    try {
      zone = new TimeZone(name);
    } catch {
      throw new RangeError(`"${name}" is not an IANA time zone such as Europe/Berlin or UTC`);
    }
    zones.set(name, zone);
  }
  return zone;
}

export function isTimeZone(name: string): boolean {
  try {
    timeZone(name);
    return true;
  } catch {
    return false;
  }
}

function calendarProblem(text: string, year: number, month: number, day: number): string | undefined {
  if (year < FIRST_YEAR || year > LAST_YEAR) return `"${text}" has year ${year}; expected ${FIRST_YEAR}–${LAST_YEAR}`;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (month < 1 || month > 12 || day < 1 || day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1])) {
    return `"${text}" is not a calendar date (month ${month}, day ${day})`;
  }
  return undefined;
}

/** The number written by `count` ASCII digits at `at`, or NaN. */
function digitsAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (!(digit >= 0 && digit <= 9)) return NaN;
    value = value * 10 + digit;
  }
  return value;
}

/** Position after `2025-10-07T09:50[:26[.123]]` (T, t or a space), or -1; fills `clock`. */
function scanDateTime(text: string, clock: number[]): number {
  const date = text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45;
  clock[0] = digitsAt(text, 0, 4), clock[1] = digitsAt(text, 5, 2), clock[2] = digitsAt(text, 8, 2);
  clock[3] = clock[4] = clock[5] = clock[6] = 0;
  if (!date || Number.isNaN(clock[0] + clock[1] + clock[2])) return -1;
  if (text.length === 10) return 10;
  const separator = text[10];
  if ((separator !== 'T' && separator !== 't' && separator !== ' ') || text[13] !== ':') return -1;
  clock[3] = digitsAt(text, 11, 2), clock[4] = digitsAt(text, 14, 2);
  let at = 16;
  if (text[at] === ':') {
    clock[5] = digitsAt(text, 17, 2);
    at = 19;
    if (text[at] === '.' || text[at] === ',') {
      const from = ++at;
      while (at < text.length && at - from < 9 && text.charCodeAt(at) >= 48 && text.charCodeAt(at) <= 57) at++;
      if (at === from) return -1;
      clock[6] = digitsAt((text.slice(from, at) + '00').slice(0, 3), 0, 3);
    }
  }
  return Number.isNaN(clock[3] + clock[4] + clock[5]) ? -1 : at;
}

/** Offset in ms of `Z`, `±HH`, `±HHMM` or `±HH:MM` filling the rest of `text` from `at`; NaN otherwise. */
function offsetFrom(text: string, at: number): number {
  const rest = text.length - at;
  if (rest === 1 && (text[at] === 'Z' || text[at] === 'z')) return 0;
  const sign = text[at] === '+' ? 1 : text[at] === '-' ? -1 : 0;
  if (sign === 0 || (rest !== 3 && rest !== 5 && rest !== 6) || (rest === 6 && text[at + 3] !== ':')) return NaN;
  const hours = digitsAt(text, at + 1, 2);
  const minutes = rest === 3 ? 0 : digitsAt(text, text.length - 2, 2);
  return hours > 18 || minutes > 59 ? NaN : sign * (hours * HOUR + minutes * 60_000);
}

const clock = [0, 0, 0, 0, 0, 0, 0];

/**
 * Parses an ISO 8601 date-time (or date: midnight) into epoch milliseconds. With `Z` or an
 * offset the text names an instant; without, it is wall-clock time in `zone`. Scanned by hand:
 * this runs once per imported row, and a regex with eight groups costs more than the rest.
 */
export function parseTimestamp(text: string, zone: TimeZone): Parsed {
  let at = scanDateTime(text, clock);
  if (at === -1) return { problem: `"${text}" is not ${EXPECTED}` };
  const year = clock[0], month = clock[1], day = clock[2], hour = clock[3], minute = clock[4], second = clock[5];
  const calendar = calendarProblem(text, year, month, day);
  if (calendar !== undefined) return { problem: calendar };
  if (hour > 23 || minute > 59 || second > 59) return { problem: `"${text}" is not a time of day; expected 00:00:00 to 23:59:59` };
  const wall = daysFromCivil(year, month, day) * DAY + hour * HOUR + minute * 60_000 + second * 1000 + clock[6];
  if (at === text.length) return zone.fromLocal(wall);
  if (text[at] === ' ') at++;
  const offset = offsetFrom(text, at);
  if (Number.isNaN(offset)) return { problem: `"${text}" is not ${EXPECTED}` };
  return wall - offset;
}

/** CDNOW's `YYYYMMDD`: a calendar day in `zone`, taken as its midnight. */
export function parseCompactDate(text: string, zone: TimeZone): Parsed {
  const match = COMPACT.exec(text);
  if (match === null) return { problem: `"${text}" is not a date like 19970101 (YYYYMMDD)` };
  const year = +match[1], month = +match[2], day = +match[3];
  const calendar = calendarProblem(text, year, month, day);
  if (calendar !== undefined) return { problem: calendar };
  return zone.fromLocal(daysFromCivil(year, month, day) * DAY);
}

/** `2025-10-07T07:50:26.000Z`: the one text form instants are stored and compared in. */
export function toUtcIso(ms: number): string {
  const day = Math.floor(ms / DAY);
  const rest = ms - day * DAY;
  const clock = `${TWO_DIGITS[Math.floor(rest / HOUR)]}:${TWO_DIGITS[Math.floor(rest / 60_000) % 60]}:${TWO_DIGITS[Math.floor(rest / 1000) % 60]}`;
  return `${dayName(day)}T${clock}.${THREE_DIGITS[rest % 1000]}Z`;
}

const NUMBER_WORDS = ['', 'a', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];
const years = (n: number): string => (n === 1 ? 'a year' : `${NUMBER_WORDS[n] ?? n} years`);

/**
 * How long ago `since` was, in words that stay true wherever in the year it falls: "a year"
 * (12-14 months), "over a year" (15-17), "a year and a half" (18-20), "almost two years"
 * (21-23), "two years", "two and a half years"... Null under a year. Whole calendar months in UTC.
 */
export function yearsInWords(since: Date, now: Date): string | null {
  const inMonth = (d: Date) => (d.getUTCDate() - 1) * DAY + (((d.getTime() % DAY) + DAY) % DAY);
  const months = (now.getUTCFullYear() - since.getUTCFullYear()) * 12 + now.getUTCMonth() - since.getUTCMonth() - (inMonth(now) < inMonth(since) ? 1 : 0);
  if (months < 12) return null;
  const whole = Math.floor(months / 12);
  const rest = months % 12;
  if (rest < 3) return years(whole);
  if (rest < 6) return `over ${years(whole)}`;
  if (rest < 9) return whole === 1 ? 'a year and a half' : `${NUMBER_WORDS[whole] ?? whole} and a half years`;
  return `almost ${years(whole + 1)}`;
}
