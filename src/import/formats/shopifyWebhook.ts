/**
 * Shopify's `orders/create` and `orders/updated` webhook body (the REST Order resource) → one
 * order record that matches what the orders CSV export gives for the same order: orderId is the
 * export's `Id`, the customer is the trimmed, lower-cased email. Shopify sends about a hundred
 * more fields; only these are read, and unknown ones are ignored.
 */
import { z } from 'zod';
import type { Consent, OrderRecord } from '../records';
import { timeZone, toUtcIso } from '../../domain/time';
import { amountMinor, consentFromBoolean, currencyCode, fail, fromZod, optionalEmail, optionalText, orderInstant, personName, plainText } from './fields';
import { splitName } from './shopify';

const text = z.string().nullish();
const flag = z.boolean().nullish();
const money = z.string({ error: 'must be a decimal string like "12.50", as Shopify sends it' });

const webhookSchema = z.looseObject({
  id: z.union([z.number(), z.string()], { error: 'is required: the order id' }),
  admin_graphql_api_id: text,
  name: text,
  email: text,
  contact_email: text,
  created_at: z.string({ error: 'is required: when the order was placed' }),
  updated_at: text,
  currency: z.string({ error: 'is required: the shop currency' }),
  total_price: money,
  cancelled_at: text,
  discount_codes: z.array(z.looseObject({ code: text })).nullish(),
  buyer_accepts_marketing: flag,
  line_items: z.array(z.looseObject({ name: text, title: text })).nullish(),
  refunds: z.array(z.looseObject({
    transactions: z.array(z.looseObject({ amount: money, kind: text, status: text })).nullish(),
  })).nullish(),
  customer: z.looseObject({
    email: text,
    first_name: text,
    last_name: text,
    accepts_marketing: flag,
    email_marketing_consent: z.looseObject({ state: text }).nullish(),
  }).nullish(),
  billing_address: z.looseObject({ name: text, first_name: text, last_name: text }).nullish(),
});

type Webhook = z.infer<typeof webhookSchema>;

const CONSENT_STATES = new Map<string, Consent>([['subscribed', 'yes'], ['unsubscribed', 'no'], ['not_subscribed', 'no']]);
const none = {};

/**
 * Shopify order ids pass 2^53 in places, where a JSON number silently loses digits; the GraphQL
 * id (`gid://shopify/Order/…`) carries them as text, so it wins when present.
 */
function orderId(w: Webhook): string {
  const fromGid = /\/Order\/(\d+)$/.exec(w.admin_graphql_api_id ?? '');
  if (fromGid) return fromGid[1];
  if (typeof w.id === 'string') return plainText(w.id) ?? fail(none, 'id', 'is empty');
  if (!Number.isSafeInteger(w.id) || w.id <= 0) {
    fail(none, 'id', `${w.id} is not an order id JSON can carry exactly; include admin_graphql_api_id`);
  }
  return String(w.id);
}

/** Newest consent wording first: email_marketing_consent replaced accepts_marketing in 2022. */
function consentOf(w: Webhook): Consent | undefined {
  const state = w.customer?.email_marketing_consent?.state;
  if (state) return CONSENT_STATES.get(state);
  return consentFromBoolean(w.customer?.accepts_marketing ?? w.buyer_accepts_marketing ?? undefined);
}

/** Successful refund transactions, capped at the total: Shopify's numbers are the truth, never a reason to drop the order. */
function refundedOf(w: Webhook, amount: number, currency: string): number {
  let refunded = 0;
  (w.refunds ?? []).forEach((refund, r) => {
    (refund.transactions ?? []).forEach((t, i) => {
      if ((t.kind ?? 'refund') !== 'refund' || (t.status ?? 'success') !== 'success') return;
      refunded += amountMinor(t.amount, currency, none, `refunds[${r}].transactions[${i}].amount`);
    });
  });
  return Math.min(refunded, amount);
}

export function orderFromShopifyWebhook(payload: unknown, options: { shopTimeZone: string }): OrderRecord {
  return shopifyOrderUpdate(payload, options).record;
}

/** The order, and when Shopify last changed it (UTC ISO; absent in old payloads): a delivery older than the stored one is stale. */
export function shopifyOrderUpdate(payload: unknown, options: { shopTimeZone: string }): { record: OrderRecord; updatedAt?: string } {
  const parsed = webhookSchema.safeParse(payload, { reportInput: true });
  if (!parsed.success) throw fromZod(parsed.error);
  const w = parsed.data;
  const zone = timeZone(options.shopTimeZone);
  const updated = optionalText(w.updated_at ?? undefined);
  const updatedAt = updated === undefined ? undefined : toUtcIso(orderInstant(updated, zone, none, 'updated_at'));
  return { record: recordOf(w, zone), updatedAt };
}

function recordOf(w: Webhook, zone: ReturnType<typeof timeZone>): OrderRecord {
  const email = optionalEmail(w.email ?? w.customer?.email ?? w.contact_email ?? undefined, none, 'email');
  if (email === undefined) fail(none, 'email', 'is missing (also customer.email); the email identifies the customer');
  const at = orderInstant(w.created_at, zone, none, 'created_at');
  const currency = currencyCode(w.currency, none, 'currency');
  const amount = amountMinor(w.total_price, currency, none, 'total_price');
  const names = w.customer?.first_name || w.customer?.last_name
    ? { firstName: personName(w.customer.first_name ?? undefined), lastName: personName(w.customer.last_name ?? undefined) }
    : splitName(w.billing_address?.name ?? undefined);
  return {
    orderId: orderId(w),
    customer: { externalId: undefined, email, firstName: names.firstName, lastName: names.lastName, consent: consentOf(w) },
    orderedAt: toUtcIso(at),
    orderedDay: zone.day(at),
    currency,
    amountMinor: amount,
    refundedMinor: refundedOf(w, amount, currency),
    status: optionalText(w.cancelled_at ?? undefined) === undefined ? 'kept' : 'cancelled',
    discountCode: plainText(w.discount_codes?.[0]?.code ?? undefined),
    items: (w.line_items ?? []).map((item) => plainText(item.name ?? item.title ?? undefined)).filter((name): name is string => name !== undefined),
    orderName: plainText(w.name ?? undefined),
    line: 1,
  };
}
