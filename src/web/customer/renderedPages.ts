/**
 * Landing pages as rendered, kept per link token so a reload, a redeem's redirect back or a mail
 * scanner's visit before the customer's does not build and render the same page again (issue 16:
 * the model, the page's signed links and handlebars were most of a landing page's CPU).
 *
 * An entry is served only while nothing it was built from has changed: `state` is everything the
 * page shows that is read per request (the link target with its code, the incident's words),
 * compared in full, and `validUntil` is the first instant the clock alone would change it (see
 * validUntil below). What else the page depends on (the shop, PUBLIC_URL, the templates, the
 * signing keys, the run's frozen definition) is fixed for the life of the routes that own the cache.
 */
interface Entry {
  state: string;
  validUntil: number;
  body: Buffer;
  bytes: number;
}

/** Dates on the page are days in the shop's zone and "years with us" turns at noon UTC: UTC offsets are whole quarter hours. */
const QUARTER_HOUR = 15 * 60_000;

export class RenderedPages {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  /** The bound is on bytes kept (bodies, states and keys), not on pages: an apology's page is longer than a welcome-back. */
  constructor(private readonly maxBytes = 32 * 1024 * 1024) {}

  /** The page kept for this key if it was built from the same state and the clock has not moved past what it shows. */
  get(key: string, state: string, now: number): Buffer | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.state !== state || now >= entry.validUntil) {
      this.drop(key, entry);
      return null;
    }
    // Least recently used goes first: a hit moves the entry to the end of the map's order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.body;
  }

  set(key: string, state: string, validUntil: number, body: Buffer): void {
    const old = this.entries.get(key);
    if (old) this.drop(key, old);
    const entry = { state, validUntil, body, bytes: body.length + 2 * (state.length + key.length) };
    if (entry.bytes > this.maxBytes) return;
    this.entries.set(key, entry);
    this.bytes += entry.bytes;
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.drop(k, e);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private drop(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}

/**
 * The first instant after `now` at which a page built at `now` could read differently: the next
 * quarter hour (a new day in the shop's zone, "in 3 days" becoming "in 2 days", another year with
 * us), or sooner an expiry that turns an open offer or a shown code into an ended one.
 */
export function validUntil(now: number, expiries: readonly (string | number | null | undefined)[]): number {
  let until = Math.floor(now / QUARTER_HOUR) * QUARTER_HOUR + QUARTER_HOUR;
  for (const e of expiries) {
    if (e === null || e === undefined) continue;
    const at = typeof e === 'number' ? e : Date.parse(e);
    if (at > now && at < until) until = at;
  }
  return until;
}
