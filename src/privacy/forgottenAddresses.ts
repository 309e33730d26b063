/**
 * Forgotten addresses: after `customer forget`, the suppression list keeps a keyed hash of the
 * address, never the address. The same address imported again hashes the same, so it is never
 * emailed; without the secret key the hash cannot be tested against a list of guesses.
 * Keys are tried current first, then the previous ones, so rotating SECRET_KEY (with the old
 * key in PREVIOUS_SECRET_KEYS) forgets nobody.
 */
import { createHmac } from 'node:crypto';
import type { Database } from '../db/database';

const PREFIX = 'forgotten:';

/** As customers are stored: `Maria@Example.org ` and `maria@example.org` are one address. */
export const normaliseAddress = (email: string): string => email.trim().toLowerCase();

export class ForgottenAddresses {
  /** `keys`: the current secret key first, then previous ones. */
  constructor(private readonly db: Database, private readonly keys: readonly string[]) {
    if (!keys.length) throw new Error('ForgottenAddresses needs the secret key');
  }

  /** The suppression entry written when `email` is forgotten. */
  entryOf(email: string): string {
    return hashWith(this.keys[0], email);
  }

  /** Which of `emails` (as given) were forgotten: one indexed look-up for all of them. */
  async among(emails: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    if (!emails.length) return found;
    const byEntry = new Map<string, string>();
    for (const email of new Set(emails)) for (const key of this.keys) byEntry.set(hashWith(key, email), email);
    const rows: { email: string }[] = await this.db.reader.query(
      `SELECT email FROM suppressions WHERE reason = 'forgotten' AND email IN (${this.db.dialect.jsonList(0)})`,
      [JSON.stringify([...byEntry.keys()])],
    );
    for (const row of rows) found.add(byEntry.get(row.email) as string);
    return found;
  }

  /**
   * A test for many addresses at once (a launch's whole audience): the forgotten entries are read
   * once, and nothing is hashed at all while there are none, as in most shops.
   */
  async matcher(): Promise<((email: string) => boolean) | null> {
    const rows: { email: string }[] = await this.db.reader.query(`SELECT email FROM suppressions WHERE reason = 'forgotten'`);
    if (!rows.length) return null;
    const entries = new Set(rows.map((r) => r.email));
    return (email) => this.keys.some((key) => entries.has(hashWith(key, email)));
  }
}

function hashWith(key: string, email: string): string {
  return PREFIX + createHmac('sha256', key).update(normaliseAddress(email)).digest('hex');
}
