/**
 * Which week's digest is due: weeks start on Monday in the shop's time zone, and the digest goes
 * out from 08:00 that Monday. A Monday missed while no `serve` ran is still sent later that day
 * (until Tuesday 08:00); after that the week's news is stale and it is skipped.
 */
import { parseTimestamp, TimeZone } from './time';

export interface DigestWeek {
  /** Its Monday, `YYYY-MM-DD` in the shop's time zone: the key a digest is sent once under. */
  week: string;
  dueFrom: number;
  dueUntil: number;
}

const DAY = 86_400_000;
const SEND_AT = '08:00:00';

export function digestWeek(nowMs: number, zone: TimeZone): DigestWeek {
  const today = zone.day(nowMs);
  const midnight = Date.parse(`${today}T00:00:00Z`);
  const sinceMonday = (new Date(midnight).getUTCDay() + 6) % 7;
  const monday = new Date(midnight - sinceMonday * DAY).toISOString().slice(0, 10);
  const tuesday = new Date(midnight - (sinceMonday - 1) * DAY).toISOString().slice(0, 10);
  return { week: monday, dueFrom: localTime(`${monday}T${SEND_AT}`, zone), dueUntil: localTime(`${tuesday}T${SEND_AT}`, zone) };
}

function localTime(text: string, zone: TimeZone): number {
  const at = parseTimestamp(text, zone);
  if (typeof at !== 'number') throw new RangeError(at.problem);
  return at;
}
