/**
 * `POST /api/orders`: one order object or an array of them, with the generic CSV's fields in
 * camelCase. Money is a decimal string, as everywhere in our JSON: a JSON number cannot say
 * 0.10 exactly. Errors name the field path, `[3].amount` for the fourth order of a batch.
 */
import { z } from 'zod';
import { InputError } from '../../domain/errors';
import { timeZone, toUtcIso } from '../../domain/time';
import type { OrderRecord } from '../records';
import {
  amountMinor, consentFromBoolean, currencyCode, fail, fromZod, optionalEmail, optionalId, personName, plainText,
  orderInstant, orderStatus, refundedMinor, requiredId,
} from './fields';

/** A request bigger than this should be a file import. */
export const MAX_ORDERS_PER_REQUEST = 10_000;

const text = (what: string) => z.string({ error: (issue) => (issue.input === undefined ? `is required (${what})` : `must be ${what}`) });
const optional = (what: string) => text(what).nullish();
const decimal = 'a decimal string like "12.50" (a JSON number cannot hold cents exactly)';

export const apiOrderSchema = z.strictObject({
  orderId: text('a string'),
  customerId: optional('a string'),
  email: optional('a string'),
  firstName: optional('a string'),
  lastName: optional('a string'),
  orderedAt: text('an ISO 8601 date-time string like "2025-10-07T09:50:26+02:00"'),
  amount: text(decimal),
  currency: optional('an ISO 4217 code like "EUR"'),
  refundedAmount: optional(decimal),
  status: optional('a string such as "cancelled"'),
  discountCode: optional('a string'),
  items: z.array(text('a string'), { error: 'must be an array of product names' }).nullish(),
  acceptsMarketing: z.boolean({ error: 'must be true or false' }).nullish(),
});

export type ApiOrder = z.infer<typeof apiOrderSchema>;

export interface ApiOptions {
  shopTimeZone: string;
  /** Used when an order has no currency. */
  defaultCurrency?: string;
}

/** Validates a request body (one order or an array) into records; line = position in the batch. */
export function ordersFromApiBody(body: unknown, options: ApiOptions): OrderRecord[] {
  if (Array.isArray(body)) {
    if (body.length === 0) throw new InputError('the array has no orders');
    if (body.length > MAX_ORDERS_PER_REQUEST) {
      throw new InputError(`${body.length} orders in one request; send at most ${MAX_ORDERS_PER_REQUEST}, or import a file`);
    }
    return body.map((order, index) => orderFromApi(order, index + 1, `[${index}].`, options));
  }
  if (body === null || typeof body !== 'object') throw new InputError('the body must be an order object or an array of them');
  return [orderFromApi(body, 1, '', options)];
}

function orderFromApi(input: unknown, position: number, prefix: string, options: ApiOptions): OrderRecord {
  const parsed = apiOrderSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) throw fromZod(parsed.error, prefix);
  const o = parsed.data;
  const place = {};
  const field = (name: string): string => prefix + name;
  const zone = timeZone(options.shopTimeZone);
  const externalId = optionalId(o.customerId ?? undefined, place, field('customerId'));
  const email = optionalEmail(o.email ?? undefined, place, field('email'));
  if (externalId === undefined && email === undefined) fail(place, field('customerId'), 'is missing, and so is email; one of them must say whose order it is');
  const at = orderInstant(o.orderedAt, zone, place, field('orderedAt'));
  const currency = currencyCode(o.currency ?? undefined, place, field('currency'), options.defaultCurrency);
  const amount = amountMinor(o.amount, currency, place, field('amount'));
  return {
    orderId: requiredId(o.orderId, place, field('orderId')),
    customer: {
      externalId,
      email,
      firstName: personName(o.firstName ?? undefined),
      lastName: personName(o.lastName ?? undefined),
      consent: consentFromBoolean(o.acceptsMarketing ?? undefined),
    },
    orderedAt: toUtcIso(at),
    orderedDay: zone.day(at),
    currency,
    amountMinor: amount,
    refundedMinor: refundedMinor(o.refundedAmount ?? undefined, amount, currency, place, field('refundedAmount')),
    status: orderStatus(o.status ?? undefined),
    discountCode: plainText(o.discountCode ?? undefined),
    items: (o.items ?? []).map((item) => plainText(item)).filter((item): item is string => item !== undefined),
    line: position,
  };
}
