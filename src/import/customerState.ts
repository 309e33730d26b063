/**
 * What a customer's facts do to what is stored about them. Newer information wins, part by part
 * and by the time of the information: a profile statement (names, or a new email) newer than
 * the stored one replaces the fields it gives, a consent newer than the stored one replaces it.
 * A newer statement takes its time even when it agrees with what is stored: otherwise an older
 * one that disagrees, met later (a file sorted newest first, a second export), would still find
 * the old time and win, and a customer who last said no to marketing could end up a yes. Pure.
 *
 * The importer follows every customer it knows as a KnownCustomer, changed in place: most facts
 * of an order history repeat what the customer's earlier rows said, or only move a time, and
 * then nothing is allocated (a new object or string per fact, a quarter of a million customers
 * over, cost 35 MB of peak memory in old-generation garbage).
 */
import type { CustomerFacts } from './customerFacts';

/** Separates the fields of `values`; no name, address or consent holds it. */
export const SEP = '\u001f';

/** What an import compares with; '' is a null column (no fact value is empty: formats trim and drop empty cells). */
export interface KnownCustomer {
  /** First name, last name, email and consent, joined by SEP (valuesOf). */
  values: string;
  profileAt: string;
  consentAt: string;
}

/** Joined, not a template: a template makes a rope that keeps every part alive (measured as 140 MB at a quarter of a million customers). */
export const valuesOf = (firstName: string, lastName: string, email: string, consent: string): string => [firstName, lastName, email, consent].join(SEP);

/** The columns `values` joins, in order, for the database to build the same string. */
export const VALUE_COLUMNS = ['first_name', 'last_name', 'email', 'consent'] as const;

/** What is stored for a customer inserted from `f`. */
export function insertedCustomer(f: CustomerFacts): KnownCustomer {
  return {
    values: valuesOf(f.firstName ?? '', f.lastName ?? '', f.email ?? '', f.consent ?? 'unknown'),
    profileAt: f.at,
    consentAt: f.consent === undefined ? '' : (f.consentAt ?? f.at),
  };
}

/** The four fields of `values`. */
export function fieldsOf(values: string): { firstName: string; lastName: string; email: string; consent: string } {
  const [firstName, lastName, email, consent] = values.split(SEP);
  return { firstName, lastName, email, consent };
}

/**
 * Whether `f` is a statement about the profile: it gives a name, or an email other than the
 * stored one. An email alone that agrees says nothing new about the names: it must not outdate
 * an older row that does give them (exports leave names blank on some orders).
 */
function statesProfile(known: KnownCustomer, f: CustomerFacts): boolean {
  if (f.firstName !== undefined || f.lastName !== undefined) return true;
  if (f.email === undefined) return false;
  const start = fieldStart(known.values, 2);
  return agrees(known.values, start, f.email) < 0;
}

/** Where field `n` (0-based) of `values` starts. */
function fieldStart(values: string, n: number): number {
  let at = 0;
  for (let i = 0; i < n; i++) at = values.indexOf(SEP, at) + 1;
  return at;
}

/**
 * Applies `f` to `known` in place, as applyUpdates does in SQL (which stays the authority).
 * Returns what happened: 'nothing' (then no UPDATE is needed), 'time' (only a time moved), or
 * 'changed' (a stored value changed).
 */
export function applyFacts(known: KnownCustomer, f: CustomerFacts): 'nothing' | 'time' | 'changed' {
  const profile = (known.profileAt === '' || f.at > known.profileAt) && statesProfile(known, f);
  const consentAt = f.consentAt ?? f.at;
  const consent = f.consent !== undefined && (known.consentAt === '' || consentAt > known.consentAt);
  if (!profile && !consent) return 'nothing';
  let changed = false;
  if (profile) known.profileAt = f.at;
  if (consent) known.consentAt = consentAt;
  if (!agreesWith(known.values, profile ? f : undefined, consent ? f.consent : undefined)) {
    const was = fieldsOf(known.values);
    known.values = valuesOf(
      profile && f.firstName !== undefined ? f.firstName : was.firstName,
      profile && f.lastName !== undefined ? f.lastName : was.lastName,
      profile && f.email !== undefined ? f.email : was.email,
      consent ? (f.consent as string) : was.consent,
    );
    changed = true;
  }
  return changed ? 'changed' : 'time';
}

/** Whether the profile fields `f` gives and `consent` all equal what `values` holds; read in place. */
function agreesWith(values: string, f: CustomerFacts | undefined, consent: string | undefined): boolean {
  let from = agrees(values, 0, f?.firstName);
  if (from >= 0) from = agrees(values, from, f?.lastName);
  if (from >= 0) from = agrees(values, from, f?.email);
  return from >= 0 && agrees(values, from, consent) >= 0;
}

/** Where the next field starts if the field at `from` agrees with `value` (undefined agrees), else -1. */
function agrees(values: string, from: number, value: string | undefined): number {
  const end = values.indexOf(SEP, from);
  const stop = end === -1 ? values.length : end;
  if (value !== undefined && (stop - from !== value.length || !values.startsWith(value, from))) return -1;
  return stop + 1;
}
