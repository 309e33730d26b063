/**
 * Finding customers by what support staff know of them: an email (or its start), a name (first,
 * last, or "first last"), the shop's customer id or our id. Every branch is an index range read
 * (customers_email, and the lower-cased name indexes of the CustomerSearch migration), so a
 * search costs the same with a hundred customers or a million.
 */
import type { Database } from '../../db/database';

export interface FoundCustomer {
  id: number;
  email: string | null;
  name: string;
  externalId: string | null;
}

const LIMIT = 50;

interface Row {
  id: number;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  external_id: string | null;
}

export async function searchCustomers(db: Database, query: string): Promise<FoundCustomer[]> {
  const text = query.trim().toLowerCase().replace(/\s+/g, ' ');
  if (text === '') return [];
  const d = db.dialect;
  const params: unknown[] = [];
  const p = (value: unknown) => {
    params.push(value);
    return d.param(params.length - 1);
  };
  // `column >= prefix AND column < prefix + U+10FFFF` is the prefix match an index can serve, in
  // byte order only (UTF-8's bytes sort as its code points, and U+10FFFF is the last): SQLite's
  // BINARY, and "C" on PostgreSQL, whose default collation may be linguistic (1732410000000-SearchInByteOrder).
  const bytes = (column: string) => (d.kind === 'postgres' ? `(${column} COLLATE "C")` : column);
  const starts = (column: string, prefix: string) => `(${bytes(column)} >= ${p(prefix)} AND ${bytes(column)} < ${p(`${prefix}\u{10FFFF}`)})`;
  const nameStarts = (column: string, prefix: string) => `(${caseVariants(prefix).map((v) => starts(`lower(${column})`, v)).join(' OR ')})`;
  const words = text.split(' ');
  let where: string;
  if (text.includes('@') || words.length === 1) {
    const alternatives = [starts('email', text)];
    if (!text.includes('@')) alternatives.push(nameStarts('first_name', text), nameStarts('last_name', text), `external_id = ${p(query.trim())}`);
    if (/^\d{1,9}$/.test(text)) alternatives.push(`id = ${p(Number(text))}`);
    where = alternatives.join(' OR ');
  } else {
    where = `${nameStarts('first_name', words[0])} AND ${nameStarts('last_name', words.slice(1).join(' '))}`;
  }
  const rows: Row[] = await db.reader.query(`SELECT id, email, first_name, last_name, external_id FROM customers WHERE ${where} ORDER BY id LIMIT ${LIMIT + 1}`, params);
  return rows.map((r) => ({ id: Number(r.id), email: r.email, name: nameOf(r), externalId: r.external_id }));
}

/**
 * SQLite's lower() folds ASCII letters only (as PostgreSQL's does under a "C" ctype): to it a stored
 * "Åsa" stays "Åsa", while what staff type is lower-cased here in full ("åsa"). So a name's start
 * is also looked for with its non-ASCII letters in the other case: the first three such letters,
 * at most eight ranges, each an index read.
 */
export function caseVariants(prefix: string): string[] {
  let variants = [''];
  let letters = 0;
  for (const c of prefix) {
    const upper = c.toUpperCase();
    const other = c > '\x7f' && upper !== c && [...upper].length === 1 && letters < 3 ? upper : null;
    if (other) letters++;
    variants = variants.flatMap((v) => (other ? [v + c, v + other] : [v + c]));
  }
  return variants;
}

export function nameOf(r: { first_name: string | null; last_name: string | null }): string {
  return [r.first_name, r.last_name].filter((part) => part).join(' ');
}

export const SEARCH_LIMIT = LIMIT;
