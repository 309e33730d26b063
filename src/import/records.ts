/**
 * What every input format (generic CSV, Shopify CSV, CDNOW log, JSON API, Shopify webhook) turns
 * its rows into. The importer only ever sees these, so formats never touch the database.
 */
export type Consent = 'yes' | 'no';

export interface CustomerFields {
  /** The shop's own customer id (generic `customer_id`, CDNOW id); absent when email identifies. */
  externalId?: string;
  /** Trimmed, lower-cased. */
  email?: string;
  firstName?: string;
  lastName?: string;
  /** Marketing consent as stated by this source; absent = the source says nothing (unknown). */
  consent?: Consent;
}

export interface OrderRecord {
  /** The shop's order id; idempotency key of the import. */
  orderId: string;
  customer: CustomerFields;
  /** UTC instant, ISO 8601 with milliseconds and Z: `2025-10-07T07:50:26.000Z`. */
  orderedAt: string;
  /** Calendar day of the order in the shop's time zone, `YYYY-MM-DD`; RFM counts purchase days. */
  orderedDay: string;
  /** ISO 4217, upper case. */
  currency: string;
  /** Gross order total in integer minor units (cents). */
  amountMinor: number;
  /** Refunded so far, minor units, never more than amountMinor. Net revenue = amount - refunded. */
  refundedMinor: number;
  /** Cancelled orders are kept and counted, but are neither revenue nor purchases. */
  status: 'kept' | 'cancelled';
  discountCode?: string;
  /** Line item / product names, in order; they feed the customer's favourite products. */
  items: string[];
  /** The shop's own name for the order when the id is another number: Shopify's `#1043`. */
  orderName?: string;
  /** First source line of this order (1-based, counting the header), for error messages. */
  line: number;
}

export interface CustomerRecord extends CustomerFields {
  /** When the consent was given or withdrawn, if the source says; ISO UTC. */
  consentAt?: string;
  line: number;
}

export type ImportFormat = 'generic' | 'shopify' | 'cdnow';
