/** The checkout API's request bodies, checked field by field; every problem names its field. */
import { InputError } from '../domain/errors';
import { isCurrency, parseAmountToMinor } from '../domain/money';
import { normalizeCode } from './codeFormat';

export interface CodeQuery {
  /** Normalized, or null when the text cannot be a code (answered as an unknown code). */
  code: string | null;
  /** As sent, for messages. */
  rawCode: string;
  email: string | null;
  orderTotalMinor: number;
  currency: string;
}

export interface RedeemQuery extends CodeQuery {
  orderId: string;
}

type Body = Record<string, unknown>;

function objectOf(body: unknown): Body {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InputError('the body must be a JSON object, e.g. {"code": "WELCOME-…", "orderTotal": "42.50", "currency": "EUR"}');
  }
  return body as Body;
}

function text(body: Body, field: string, max: number): string {
  const value = body[field];
  if (typeof value !== 'string' || !value.trim()) throw new InputError(`is required, as a string`, { field });
  if (value.length > max) throw new InputError(`is ${value.length} characters long; at most ${max}`, { field });
  return value.trim();
}

export function parseCodeQuery(raw: unknown): CodeQuery {
  const body = objectOf(raw);
  const code = text(body, 'code', 64);
  const currency = text(body, 'currency', 3).toUpperCase();
  if (!isCurrency(currency)) throw new InputError(`"${currency}" is not an ISO 4217 currency code such as EUR`, { field: 'currency' });
  const total = body.orderTotal;
  if (typeof total !== 'string') throw new InputError('must be a decimal string like "42.50" (numbers lose cents to floating point)', { field: 'orderTotal' });
  const minor = parseAmountToMinor(total, currency);
  if (typeof minor !== 'number') throw new InputError(minor.problem, { field: 'orderTotal' });
  let email: string | null = null;
  if (body.email !== undefined && body.email !== null) email = text(body, 'email', 320).toLowerCase();
  return { code: normalizeCode(code), rawCode: code, email, orderTotalMinor: minor, currency };
}

export function parseRedeemQuery(raw: unknown): RedeemQuery {
  const query = parseCodeQuery(raw);
  return { ...query, orderId: parseOrderId(raw) };
}

export function parseOrderId(raw: unknown): string {
  return text(objectOf(raw), 'orderId', 191);
}
