import { digestWeek } from '../../../src/domain/digestWeek';
import { timeZone } from '../../../src/domain/time';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('digestWeek', () => {
  it('names the week by its Monday in the shop\'s time zone and is due from 08:00 that Monday to 08:00 Tuesday', () => {
    const w = digestWeek(at('2025-06-11T12:00:00Z'), timeZone('UTC'));
    expect([w.week, iso(w.dueFrom), iso(w.dueUntil)]).toEqual(['2025-06-09', '2025-06-09T08:00:00.000Z', '2025-06-10T08:00:00.000Z']);
    expect(digestWeek(at('2025-06-15T23:59:59Z'), timeZone('UTC')).week).toBe('2025-06-09');
    expect(digestWeek(at('2025-06-16T00:00:00Z'), timeZone('UTC')).week).toBe('2025-06-16');
  });

  it('follows the shop\'s day, not UTC\'s', () => {
    // Monday 00:30 UTC is still Sunday afternoon in Los Angeles.
    expect(digestWeek(at('2025-06-09T00:30:00Z'), timeZone('America/Los_Angeles')).week).toBe('2025-06-02');
    const berlin = digestWeek(at('2025-06-08T22:30:00Z'), timeZone('Europe/Berlin'));
    expect([berlin.week, iso(berlin.dueFrom)]).toEqual(['2025-06-09', '2025-06-09T06:00:00.000Z']);
  });

  it('keeps 08:00 local across a daylight-saving change', () => {
    // Berlin moves to summer time on Sunday 30 March 2025.
    expect(iso(digestWeek(at('2025-03-26T12:00:00Z'), timeZone('Europe/Berlin')).dueFrom)).toBe('2025-03-24T07:00:00.000Z');
    expect(iso(digestWeek(at('2025-04-02T12:00:00Z'), timeZone('Europe/Berlin')).dueFrom)).toBe('2025-03-31T06:00:00.000Z');
  });
});
