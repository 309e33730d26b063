/**
 * Every table that holds something about a customer, and what `customer forget` does to it.
 * A test reads the schema and fails when a table with a `customer_id` or `email` column is
 * missing here: a new table about people must say how it is exported and erased.
 *
 * What is erased: who the person is (email, names, the shop's id for them) and what they wrote
 * or what describes them (feedback, order lines, the history facts frozen at enrolment, SMTP
 * replies that may quote the address). What stays, on rows no longer tied to anyone: amounts,
 * days, statuses, codes and scores, so every report adds up exactly as before.
 */

export interface CustomerTable {
  table: string;
  /** Rows ordered by this, for a stable export. */
  orderBy: string;
  /**
   * The SET clause applied to the customer's rows (`$now` is the time of the forget), or null
   * when the row holds nothing personal once the customer row is anonymous.
   */
  erase: string | null;
  why: string;
}

export const CUSTOMER_TABLES: readonly CustomerTable[] = [
  { table: 'orders', orderBy: 'ordered_at, order_id', erase: "items = '[]', order_name = NULL", why: 'amounts, days and discount codes stay for revenue and code attribution' },
  { table: 'customer_scores', orderBy: 'model_version, as_of', erase: null, why: 'numbers only; the report\'s expected reactivations read them' },
  { table: 'enrolments', orderBy: 'id', erase: 'facts = NULL', why: 'budget, offer and holdout stay for the report; facts name products and days' },
  { table: 'sends', orderBy: 'id', erase: 'detail = NULL', why: 'statuses stay for the report; an SMTP reply may quote the address' },
  { table: 'events', orderBy: 'id', erase: null, why: 'types, times and amounts only' },
  { table: 'codes', orderBy: 'id', erase: null, why: 'the code and its terms stay: an order naming it must still redeem once' },
  { table: 'redemptions', orderBy: 'redeemed_at, order_id', erase: null, why: 'amounts only' },
  { table: 'feedback', orderBy: 'id', erase: "message = '', subject = NULL, from_email = NULL, from_name = NULL", why: 'the customer\'s own words and a forwarded email\'s sender; the row stays so feedback counts still add up' },
  { table: 'feedback_cases', orderBy: 'id', erase: 'email = NULL, name = NULL, subject = NULL', why: 'who wrote and about what; state and times stay for the inbox and digest counts' },
  { table: 'feedback_replies', orderBy: 'id', erase: "to_email = '', subject = '', body = '', detail = NULL", why: 'what staff wrote to them and where; status and times stay' },
  { table: 'incident_customers', orderBy: 'id', erase: null, why: 'harmed amounts stay for the incident\'s scope' },
];

/**
 * Rows about an address that no customer row held when they were written: a forwarded email from
 * a sender the shop has no order from, the case it opened, the replies sent to it. Found by the
 * address (stored lower case) and erased with the same clause as the customer's own rows.
 */
export const SENDER_TABLES: readonly { table: 'feedback' | 'feedback_cases' | 'feedback_replies'; address: string }[] = [
  { table: 'feedback', address: 'from_email' },
  { table: 'feedback_cases', address: 'email' },
  { table: 'feedback_replies', address: 'to_email' },
];

export function eraseClauseOf(table: string): string {
  const clause = CUSTOMER_TABLES.find((t) => t.table === table)?.erase;
  if (!clause) throw new Error(`no erase clause for ${table}`);
  return clause;
}

/** Tables keyed by an address rather than a customer id (tables above erase their own address columns). */
export const ADDRESS_TABLES = ['customers', 'suppressions'] as const;

/** Tables with an address that is not a customer's: the shop's own staff. */
export const STAFF_TABLES = ['staff_users'] as const;

/** What the customer row keeps: its id (every table above points at it), consent `no`, and when. */
export const ERASE_CUSTOMER = "email = NULL, first_name = NULL, last_name = NULL, external_id = NULL, consent = 'no', consent_source = 'forgotten', consent_at = $now, profile_at = NULL, updated_at = $now";
