import fc from 'fast-check';
import { isTimeZone, parseCompactDate, parseTimestamp, timeZone, toUtcIso } from '../../../src/domain/time';

const berlin = timeZone('Europe/Berlin');
const newYork = timeZone('America/New_York');

function iso(text: string, zone = berlin): string {
  const ms = parseTimestamp(text, zone);
  if (typeof ms !== 'number') throw new Error(ms.problem);
  return toUtcIso(ms);
}

function problem(text: string): string {
  const result = parseTimestamp(text, berlin);
  if (typeof result === 'number') throw new Error(`"${text}" was accepted as ${toUtcIso(result)}`);
  return result.problem;
}

/** The zone's wall clock at `ms`, straight from Intl, as the memoized code must agree with. */
function intlOffset(ms: number, zone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  }).formatToParts(whole);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second')) - whole;
}

describe('parseTimestamp', () => {
  it.each([
    // instants, with Z or an offset in every spelling
    ['2025-10-07T09:50:26Z', '2025-10-07T09:50:26.000Z'],
    ['2025-10-07T09:50:26+02:00', '2025-10-07T07:50:26.000Z'],
    ['2025-10-07T09:50:26-0530', '2025-10-07T15:20:26.000Z'],
    ['2025-10-07T09:50+02', '2025-10-07T07:50:00.000Z'],
    ['2025-10-07t09:50:26.5z', '2025-10-07T09:50:26.500Z'],
    ['2025-10-07T09:50:26.123456789+00:00', '2025-10-07T09:50:26.123Z'],
    // Shopify's export, with a space before the offset
    ['2025-10-07 09:50:26 +0200', '2025-10-07T07:50:26.000Z'],
    ['2026-06-15 18:32:00 -0500', '2026-06-15T23:32:00.000Z'],
    // no offset: wall-clock time in the shop zone, summer and winter
    ['2025-07-01T12:00:00', '2025-07-01T10:00:00.000Z'],
    ['2025-01-15 12:00:00', '2025-01-15T11:00:00.000Z'],
    ['2025-07-01T12:00:00', '2025-07-01T16:00:00.000Z', 'America/New_York'],
    ['2025-03-12', '2025-03-11T23:00:00.000Z'],
    // a time skipped by spring-forward moves ahead by the gap; a repeated time is the first one
    ['2025-03-30T02:30:00', '2025-03-30T01:30:00.000Z'],
    ['2025-03-30T01:59:59', '2025-03-30T00:59:59.000Z'],
    ['2025-03-30T03:00:00', '2025-03-30T01:00:00.000Z'],
    ['2025-10-26T02:30:00', '2025-10-26T00:30:00.000Z'],
    ['2025-10-26T03:00:00', '2025-10-26T02:00:00.000Z'],
    ['2025-03-09T02:30:00', '2025-03-09T07:30:00.000Z', 'America/New_York'],
    ['2025-11-02T01:30:00', '2025-11-02T05:30:00.000Z', 'America/New_York'],
    // a half-hour DST shift (Lord Howe Island)
    ['2025-10-05T02:15:00', '2025-10-04T15:45:00.000Z', 'Australia/Lord_Howe'],
    ['2025-04-06T01:45:00', '2025-04-05T14:45:00.000Z', 'Australia/Lord_Howe'],
    ['2025-04-06T02:15:00', '2025-04-05T15:45:00.000Z', 'Australia/Lord_Howe'],
    // 29 February in a leap year
    ['2024-02-29T12:00:00Z', '2024-02-29T12:00:00.000Z'],
  ])('%s is %s (zone %s, else Europe/Berlin)', (text, expected, zone = 'Europe/Berlin') => {
    expect(iso(text, timeZone(zone))).toBe(expected);
  });

  it('says what is wrong with a bad date or time', () => {
    expect(problem('12.03.2025')).toMatch(/is not a date and time like 2025-10-07T09:50:26/);
    expect(problem('2025-02-29T10:00:00')).toMatch(/not a calendar date/);
    expect(problem('2025-13-01')).toMatch(/not a calendar date/);
    expect(problem('2025-10-07T24:00:00')).toMatch(/not a time of day/);
    expect(problem('2025-10-07T10:60:00')).toMatch(/not a time of day/);
    expect(problem('0205-10-07T10:00:00')).toMatch(/year 205/);
    expect(problem('2025-10-07T10:00:00+25:00')).toMatch(/is not a date and time/);
    expect(problem('2025-10-07T10:00:00 +02:00 x')).toMatch(/is not a date and time/);
    expect(problem('2025-10-07T10')).toMatch(/is not a date and time/);
    expect(problem('')).toMatch(/is not a date and time/);
    expect(problem('2100-02-29T12:00:00Z')).toMatch(/not a calendar date/);
  });
});

describe('parseCompactDate', () => {
  it("reads CDNOW's YYYYMMDD as midnight in the shop zone", () => {
    const ms = parseCompactDate('19970101', newYork) as number;
    expect(toUtcIso(ms)).toBe('1997-01-01T05:00:00.000Z');
    expect(newYork.day(ms)).toBe('1997-01-01');
  });

  it('rejects what is not a calendar date', () => {
    expect(parseCompactDate('19971301', newYork)).toEqual({ problem: expect.stringMatching(/not a calendar date/) });
    expect(parseCompactDate('1997-01-01', newYork)).toEqual({ problem: expect.stringMatching(/YYYYMMDD/) });
  });
});

describe('time zones', () => {
  it('knows IANA names and refuses others', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(() => timeZone('Mars/Olympus')).toThrow(/not an IANA time zone/);
  });

  const instants = fc.integer({ min: Date.UTC(1900, 0, 2), max: Date.UTC(2199, 11, 30) });
  const zones = fc.constantFrom('Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'America/Sao_Paulo', 'UTC');

  it('memoized offsets agree with Intl at any instant', () => {
    fc.assert(fc.property(instants, zones, (ms, name) => timeZone(name).offsetAt(ms) === intlOffset(ms, name)), { numRuns: 2000 });
  });

  it('the calendar day is the one Intl shows in the zone', () => {
    fc.assert(
      fc.property(instants, zones, (ms, name) => {
        const expected = new Intl.DateTimeFormat('en-CA', { timeZone: name, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
        return timeZone(name).day(ms) === expected;
      }),
      { numRuns: 1000 },
    );
  });

  it('a wall-clock time read back in its zone is the instant it came from, except in a repeated hour', () => {
    fc.assert(
      fc.property(instants, zones, (ms, name) => {
        const zone = timeZone(name);
        const wall = ms + zone.offsetAt(ms);
        const back = zone.fromLocal(wall);
        return back === ms || (back < ms && back + zone.offsetAt(back) === wall);
      }),
      { numRuns: 2000 },
    );
  });

  it('toUtcIso writes what Date#toISOString writes', () => {
    fc.assert(fc.property(instants, (ms) => toUtcIso(ms) === new Date(ms).toISOString()), { numRuns: 2000 });
  });
});
