/** What a chunk says about one customer, and the key that says who the customer is. Pure. */
import type { CustomerFields } from './records';

export interface CustomerFacts extends CustomerFields {
  /** When these facts were true: the order time, or the import time for customer files. */
  at: string;
  consentAt?: string;
}

/** External id when the source has one, else the email: `x:1042` or `e:kim@example.com`. */
export const identityOf = (c: CustomerFields): string => (c.externalId !== undefined ? `x:${c.externalId}` : `e:${c.email}`);
