/**
 * The ONE list of per-recipient fields an email template may use. Templates are checked against
 * it when they are compiled (render.ts): an undeclared field, or an optional one used outside an
 * `{{#if}}`, is an error naming the template file and the field — never a silent blank.
 *
 * Every value is display-ready text: dates, money and years are formatted here, once, in the
 * shop's time zone, so templates stay logic-less. Optional things are `null`, never missing.
 */
import { z } from 'zod';

const text = z.string();
const maybe = <T extends z.ZodType>(t: T) => t.nullable();

export const recipientFieldsSchema = z.object({
  /** As the customer gave it, trimmed; null when unknown or unusable. */
  firstName: maybe(text),
  /** "Dear Maria" or, without a name, "Hello again" — always set, no trailing comma. */
  greeting: text,
  shopName: text,
  /** The shop's postal address, one line, shown in every footer. */
  postalAddress: text,
  /** "12 March 2019" */
  firstOrderDate: maybe(text),
  /** "March 2019" */
  customerSince: maybe(text),
  /** "a year", "over a year", "a year and a half", "almost two years", "five years"; null under a year. */
  yearsWithUs: maybe(text),
  lastOrderDate: maybe(text),
  /** Most bought first; may be empty. */
  favouriteProducts: z.array(text),
  /** The first of favouriteProducts, for prose. */
  favouriteProduct: maybe(text),
  /** What is new since they left. */
  whatsNew: z.array(z.object({ title: text, detail: text })),
  offer: maybe(
    z.object({
      /** The rung's customer-facing words, e.g. "15% off your next order". */
      label: text,
      /** Short form: "15%", "€10.00", "free shipping", "a gift". */
      value: text,
      expiresOn: text,
      /** "in 3 days", "tomorrow", "today". */
      expiresIn: text,
    }),
  ),
  /** What an incident owes this customer, lower case, to follow "We owe you": "a refund of €12.40 for the shipping". */
  makeGood: maybe(z.object({ label: text })),
  incident: maybe(
    z.object({
      /** A noun phrase that reads inside a sentence: "the late deliveries in March". */
      title: text,
      /** The business's own words, active voice: "We shipped your order nine days late." */
      whatHappened: text,
      /** What we are doing and by when. */
      plan: maybe(text),
      /** The latest progress, for update emails. */
      update: maybe(text),
      /** What changed so it never happens again, for the closing email. */
      whatChanged: maybe(text),
    }),
  ),
  spokesperson: z.object({ name: text, firstName: text, role: text, photoUrl: maybe(text) }),
  /** The real inbox replies go to. */
  replyTo: text,
  /** A phone number or booking link for those who want a conversation. */
  talkToUs: maybe(z.object({ label: text, href: text })),
  links: z.object({
    landing: text,
    /** The "how can we make it right?" form on the landing page. */
    feedback: text,
    /** The plain "stop writing to me" link in the body. */
    stop: text,
    /** The footer unsubscribe link (same page as stop). */
    unsubscribe: text,
    /** The open pixel. */
    open: text,
    /** A personal video message, through click tracking. */
    video: maybe(text),
    /** The shop itself, through click tracking. */
    shop: maybe(text),
  }),
});

export type RecipientFields = z.output<typeof recipientFieldsSchema>;
export type RecipientLinks = RecipientFields['links'];

/** Field paths in declaration order, for error messages ("declared: firstName, greeting, ..."). */
export function declaredFieldNames(schema: z.ZodType = recipientFieldsSchema, prefix = ''): string[] {
  const inner = schema instanceof z.ZodNullable ? (schema.unwrap() as z.ZodType) : schema;
  if (inner instanceof z.ZodObject) {
    return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([k, v]) => {
      const name = prefix ? `${prefix}.${k}` : k;
      const nested = declaredFieldNames(v, name);
      return nested.length ? nested : [name];
    });
  }
  return [];
}

/** For tests and previews: the hot path trusts the builder and does not re-validate. */
export function checkFields(fields: unknown): RecipientFields {
  return recipientFieldsSchema.parse(fields);
}

/** The leanest possible recipient: every optional field null, every list empty. */
export function emptyFields(): RecipientFields {
  return emptyOf(recipientFieldsSchema) as RecipientFields;
}

function emptyOf(schema: z.ZodType): unknown {
  if (schema instanceof z.ZodNullable) return null;
  if (schema instanceof z.ZodArray) return [];
  if (schema instanceof z.ZodObject) {
    return Object.fromEntries(Object.entries(schema.shape as Record<string, z.ZodType>).map(([k, v]) => [k, emptyOf(v)]));
  }
  return '';
}
