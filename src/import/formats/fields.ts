/**
 * What every format checks the same way: ids, emails, amounts, currencies, timestamps, consent,
 * status, items. Each check names where it failed so the person fixing the file finds it at
 * once; `Place` is the file and line (CSV) or nothing (JSON, whose field path says it all).
 */
import type { ZodError } from 'zod';
import { InputError } from '../../domain/errors';
import { isCurrency, parseAmountToMinor } from '../../domain/money';
import { parseTimestamp, TimeZone } from '../../domain/time';
import type { Consent, OrderRecord } from '../records';

/** What a format needs from the shop: its zone for naive timestamps, its currency for blank cells. */
export interface FormatOptions {
  zone: TimeZone;
  defaultCurrency?: string;
}

export interface Place {
  file?: string;
  line?: number;
}

/** Database columns for ids are bounded; a longer "id" is a shifted column, not an id. */
const MAX_ID = 255;
/** RFC 5321's limit on a forward path. */
const MAX_EMAIL = 254;
/** Characters an email address (outside quotes, which nobody uses) cannot contain. */
const NOT_IN_EMAIL = new Uint8Array(128);
for (let code = 0; code <= 32; code++) NOT_IN_EMAIL[code] = 1;
for (const char of '<>()[]\\,;:"') NOT_IN_EMAIL[char.charCodeAt(0)] = 1;
const CANCELLED = new Set(['cancelled', 'canceled', 'voided']);
const CONSENT = new Map<string, Consent>([
  ['yes', 'yes'], ['y', 'yes'], ['true', 'yes'], ['1', 'yes'], ['subscribed', 'yes'],
  ['no', 'no'], ['n', 'no'], ['false', 'no'], ['0', 'no'], ['unsubscribed', 'no'], ['not_subscribed', 'no'],
]);

export function fail(place: Place, field: string, problem: string): never {
  throw new InputError(problem, { file: place.file, line: place.line, field });
}

/** The value at a column position; undefined for a column the file does not have (-1). */
export const cell = (fields: string[], position: number): string | undefined => (position < 0 ? undefined : fields[position]);

/** Trimmed text, or undefined when the cell is empty. */
export function optionalText(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  return text === '' ? undefined : text;
}

/** Control characters (C0, DEL, C1): a tab or a line break inside a quoted name cell, or worse. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_RUNS = new RegExp(`${CONTROL.source}+`, 'g');

/**
 * A person's name as a greeting can use it: control characters become a space (`Ann\nMarie`
 * is Ann Marie), then trimmed; undefined when nothing is left. The importer also relies on it:
 * no stored name holds a control character (customerState joins fields with one).
 */
export function personName(value: string | undefined): string | undefined {
  return plainText(value);
}

/**
 * Any imported free text (product names, discount codes, ids): control characters become a
 * space, as in names, then trimmed; undefined when nothing is left. A product name reaches the
 * plain-text part of an email, where a line break would start a line of the sender's choosing.
 */
export function plainText(value: string | undefined): string | undefined {
  return optionalText(value !== undefined && CONTROL.test(value) ? value.replace(CONTROL_RUNS, ' ') : value);
}

/** Whether `value` holds a control character personName would replace. */
export function hasControlCharacters(value: string | undefined): boolean {
  return value !== undefined && CONTROL.test(value);
}

export function optionalId(value: string | undefined, place: Place, field: string): string | undefined {
  const id = plainText(value);
  if (id !== undefined && id.length > MAX_ID) fail(place, field, `is ${id.length} characters long; an id has at most ${MAX_ID}`);
  return id;
}

export function requiredId(value: string | undefined, place: Place, field: string): string {
  return optionalId(value, place, field) ?? fail(place, field, 'is empty; every order needs its id');
}

/** Trimmed and lower-cased, so `Maria@Example.org ` and `maria@example.org` are one customer. */
export function optionalEmail(value: string | undefined, place: Place, field: string): string | undefined {
  const text = optionalText(value);
  if (text === undefined) return undefined;
  const shape = emailShape(text);
  if (shape === INVALID) fail(place, field, `"${text}" is not an email address like maria@example.com`);
  return shape === LOWER_CASE ? text : text.toLowerCase();
}

const INVALID = 0;
const LOWER_CASE = 1;
const MIXED_CASE = 2;

/**
 * Practical, not RFC 5322: one @ with text before it, no spaces or separators, no empty dotted
 * parts, and a domain ending in a dot and two or more letters. One scan both checks it and says
 * whether it needs lower-casing: toLowerCase copies the string even when nothing changes, and
 * this runs once per row.
 */
function emailShape(email: string): typeof INVALID | typeof LOWER_CASE | typeof MIXED_CASE {
  const at = email.indexOf('@');
  if (at <= 0 || at !== email.lastIndexOf('@') || email.length > MAX_EMAIL) return INVALID;
  let previous = 46;
  let lastDot = -1;
  let lower = true;
  for (let i = 0; i < email.length; i++) {
    const code = email.charCodeAt(i);
    if (code < 128 && NOT_IN_EMAIL[code] === 1) return INVALID;
    if (code === 46 || i === at) {
      if (previous === 46) return INVALID;
      if (i > at) lastDot = i;
      previous = 46;
    } else {
      if (code === 95 && i > at) return INVALID;
      if ((code >= 65 && code <= 90) || code > 127) lower = false;
      previous = code;
    }
  }
  if (previous === 46 || lastDot === -1 || email.length - lastDot < 3) return INVALID;
  for (let i = lastDot + 1; i < email.length; i++) {
    const code = email.charCodeAt(i);
    if (code < 48 || code > 57) return lower ? LOWER_CASE : MIXED_CASE;
  }
  return INVALID;
}

let lastCurrencyText = '';
let lastCurrencyCode = '';

export function currencyCode(value: string | undefined, place: Place, field: string, fallback?: string): string {
  const text = optionalText(value);
  if (text === undefined) {
    return fallback ?? fail(place, field, 'is empty; expected an ISO 4217 currency code such as EUR or USD');
  }
  // Files repeat one currency on every row: skip the lookup when it is the last one seen.
  if (text === lastCurrencyText) return lastCurrencyCode;
  const code = text.toUpperCase();
  if (!isCurrency(code)) fail(place, field, `"${text}" is not an ISO 4217 currency code such as EUR or USD`);
  lastCurrencyText = text;
  lastCurrencyCode = code;
  return code;
}

export function amountMinor(value: string | undefined, currency: string, place: Place, field: string): number {
  if (value === undefined || value.trim() === '') return fail(place, field, 'is empty; expected an amount like 12.50');
  const minor = parseAmountToMinor(value, currency);
  return typeof minor === 'number' ? minor : fail(place, field, minor.problem);
}

/** An empty refund cell means nothing was refunded. */
export function refundedMinor(value: string | undefined, amount: number, currency: string, place: Place, field: string): number {
  if (value === undefined || value.trim() === '') return 0;
  const refunded = amountMinor(value, currency, place, field);
  if (refunded > amount) fail(place, field, `"${value.trim()}" is more than the order's amount; a refund is at most the amount paid`);
  return refunded;
}

/** Epoch ms of an order's timestamp; see `parseTimestamp` for the accepted shapes. */
export function orderInstant(value: string | undefined, zone: TimeZone, place: Place, field: string): number {
  const text = optionalText(value);
  if (text === undefined) return fail(place, field, 'is empty; expected a date and time like 2025-10-07T09:50:26');
  const ms = parseTimestamp(text, zone);
  return typeof ms === 'number' ? ms : fail(place, field, ms.problem);
}

/** yes/no, true/false, 1/0 (and Shopify's consent states); empty means the source does not say. */
export function consent(value: string | undefined, place: Place, field: string): Consent | undefined {
  const text = optionalText(value);
  if (text === undefined) return undefined;
  return CONSENT.get(text.toLowerCase()) ?? fail(place, field, `"${text}" is not yes or no (also accepted: true/false, 1/0)`);
}

export function consentFromBoolean(value: boolean | undefined): Consent | undefined {
  return value === undefined ? undefined : value ? 'yes' : 'no';
}

/** Only a cancellation removes an order from revenue; any other status keeps it. */
export function orderStatus(value: string | undefined): OrderRecord['status'] {
  const text = optionalText(value);
  return text !== undefined && CANCELLED.has(text.toLowerCase()) ? 'cancelled' : 'kept';
}

/** `Beans, dark|Mug` → ['Beans, dark', 'Mug']. A loop, not split/map/filter: it runs per row. */
export function splitItems(value: string | undefined): string[] {
  const items: string[] = [];
  if (value === undefined) return items;
  for (let start = 0; ;) {
    const bar = value.indexOf('|', start);
    const item = plainText(bar === -1 ? value.slice(start) : value.slice(start, bar));
    if (item !== undefined) items.push(item);
    if (bar === -1) return items;
    start = bar + 1;
  }
}

/** `[3].amount`, `refunds[0].transactions[1].amount`: where a JSON value sits. */
function jsonPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`)).join('');
}

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

const EXPECTED_JSON: Record<string, string> = {
  object: 'an object', array: 'an array', string: 'a string', number: 'a number', boolean: 'true or false',
};

/** The first problem zod found, as an InputError naming the field path (after `prefix`). */
export function fromZod(error: ZodError, prefix = ''): InputError {
  const issue = error.issues[0];
  const field = (prefix + jsonPath(issue.path)).replace(/\.$/, '').replace(/\.\[/g, '[') || undefined;
  if (issue.code === 'unrecognized_keys') {
    return new InputError(`unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}; check the spelling`, { field });
  }
  if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input')) {
    const input = (issue as { input?: unknown }).input;
    const expected = EXPECTED_JSON[issue.expected] ?? issue.expected;
    return new InputError(input === undefined ? `is required (${expected})` : `must be ${expected}, not ${describeJson(input)}`, { field });
  }
  return new InputError(issue.message, { field });
}
