/**
 * Answers kept while the database has not changed: a console page that aggregates a million
 * orders (a run's report, a campaign's preview) reads the kept answer until anything is written,
 * and only the first request after a change pays for the queries. Exact, not a time to live:
 *
 * - the stamp says whether anything was written since (see `Database.changeStamp`), whatever
 *   table, so a new kind of write can never be missed by a list of "what this page depends on";
 * - an answer is kept only when the stamp read before computing it is still the stamp after, and
 *   no write was open meanwhile (on SQLite's one connection a read inside another job's open
 *   transaction sees rows that may yet be rolled back); otherwise it is returned, not kept;
 * - concurrent requests for the same key and stamp share one computation.
 *
 * What the answer depends on besides the database (the run, the campaign file's content, the
 * day) belongs in the key.
 */
import { LruMap } from '../domain/lruMap';

export interface StampSource {
  changeStamp(): Promise<string>;
  /** A write is queued or open. */
  readonly writing: boolean;
}

interface Entry<V> {
  stamp: string;
  value: Promise<V>;
}

export class StampedMemo<V> {
  private readonly entries: LruMap<string, Entry<V>>;

  /** `capacity`: answers kept at most, the least recently read dropped first. */
  constructor(private readonly source: StampSource, capacity: number) {
    this.entries = new LruMap(capacity);
  }

  async get(key: string, compute: () => Promise<V>): Promise<V> {
    const stamp = await this.source.changeStamp();
    const kept = this.entries.peek(key);
    if (kept && kept.stamp === stamp) return (this.entries.get(key) as Entry<V>).value;
    if (this.source.writing) return compute();
    const value = compute();
    const entry = { stamp, value };
    this.entries.set(key, entry);
    const forget = () => {
      if (this.entries.peek(key) === entry) this.entries.delete(key);
    };
    try {
      const result = await value;
      if (this.source.writing || (await this.source.changeStamp()) !== stamp) forget();
      return result;
    } catch (error) {
      forget();
      throw error;
    }
  }

  /** How many answers are kept (tests). */
  get size(): number {
    return this.entries.size;
  }
}
