/**
 * Turns what we know about one customer (and the campaign speaking to them) into the declared
 * fields: names cleaned, dates in the shop's time zone, years in words. Pure; `now` is injected.
 */
import { InputError } from '../domain/errors';
import { yearsInWords } from '../domain/time';
import { formatMoney, isCurrency, Money } from '../domain/money';
import type { OfferRung } from '../domain/offers';
import type { RecipientFields, RecipientLinks } from './fields';

export interface CustomerFacts {
  firstName?: string | null;
  firstOrderAt?: Date | null;
  lastOrderAt?: Date | null;
  /** Most bought first. */
  favouriteProducts?: readonly string[];
  offer?: { label: string; value: string; expiresAt: Date } | null;
  makeGood?: { label: string } | null;
}

export interface CampaignVoice {
  shop: { name: string; postalAddress: string; timeZone: string };
  spokesperson: { name: string; role: string; photoUrl?: string | null; replyTo: string; talkToUs?: string | null };
  whatsNew?: readonly { title: string; detail: string }[];
  incident?: RecipientFields['incident'];
}

export function recipientFields(customer: CustomerFacts, voice: CampaignVoice, links: RecipientLinks, now: Date): RecipientFields {
  const tz = voice.shop.timeZone;
  const firstName = cleanFirstName(customer.firstName);
  const favourites = (customer.favouriteProducts ?? []).map((p) => p.trim()).filter(Boolean);
  const offer = customer.offer ?? null;
  const sp = voice.spokesperson;
  return {
    firstName,
    greeting: firstName ? `Dear ${firstName}` : 'Hello again',
    shopName: voice.shop.name,
    postalAddress: voice.shop.postalAddress,
    firstOrderDate: customer.firstOrderAt ? formatDate(customer.firstOrderAt, tz) : null,
    customerSince: customer.firstOrderAt ? formatMonth(customer.firstOrderAt, tz) : null,
    yearsWithUs: customer.firstOrderAt ? yearsInWords(customer.firstOrderAt, now) : null,
    lastOrderDate: customer.lastOrderAt ? formatDate(customer.lastOrderAt, tz) : null,
    favouriteProducts: favourites,
    favouriteProduct: favourites[0] ?? null,
    whatsNew: [...(voice.whatsNew ?? [])],
    offer: offer && {
      label: offer.label,
      value: offer.value,
      expiresOn: formatDate(offer.expiresAt, tz),
      expiresIn: daysLeftInWords(now, offer.expiresAt, tz),
    },
    makeGood: customer.makeGood ?? null,
    incident: voice.incident ?? null,
    spokesperson: {
      name: sp.name,
      firstName: sp.name.trim().split(/\s+/)[0],
      role: sp.role,
      photoUrl: sp.photoUrl ? safeHref(sp.photoUrl, 'spokesperson.photoUrl', ['https:']) : null,
    },
    replyTo: sp.replyTo,
    talkToUs: sp.talkToUs ? talkToUs(sp.talkToUs) : null,
    links,
  };
}

/**
 * A first name we can greet with: letters present, no email address, not absurdly long. ALL CAPS
 * or all lower case becomes "Maria"; anything mixed is kept as the customer wrote it (McDonald).
 */
export function cleanFirstName(raw: string | null | undefined): string | null {
  const name = (raw ?? '').replace(/\s+/g, ' ').trim();
  if (!name || name.length > 40 || name.includes('@') || !/\p{L}/u.test(name)) return null;
  if (name !== name.toUpperCase() && name !== name.toLowerCase()) return name;
  return name.toLowerCase().replace(/(^|[\s'-])(\p{L})/gu, (_, sep: string, ch: string) => sep + ch.toUpperCase());
}

export { yearsInWords };

/** Creating an Intl formatter costs far more than using one: keep one per time zone and style. */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(style: 'date' | 'month' | 'iso', timeZone: string): Intl.DateTimeFormat {
  const key = `${style}|${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions =
      style === 'date' ? { day: 'numeric', month: 'long', year: 'numeric' } : style === 'month' ? { month: 'long', year: 'numeric' } : { year: 'numeric', month: '2-digit', day: '2-digit' };
    f = new Intl.DateTimeFormat(style === 'iso' ? 'en-CA' : 'en-GB', { ...options, timeZone });
    formatters.set(key, f);
  }
  return f;
}

export const formatDate = (d: Date, timeZone: string): string => formatter('date', timeZone).format(d);
const formatMonth = (d: Date, timeZone: string): string => formatter('month', timeZone).format(d);

/** Calendar days in the shop's time zone, so "tomorrow" means the shop's tomorrow. */
export function daysLeftInWords(now: Date, expiresAt: Date, timeZone: string): string {
  const day = (d: Date) => Date.parse(formatter('iso', timeZone).format(d) + 'T00:00:00Z');
  const days = Math.round((day(expiresAt) - day(now)) / 86_400_000);
  if (days <= 0) return 'today';
  return days === 1 ? 'tomorrow' : `in ${days} days`;
}

const moneyFormats = new Map<string, Intl.NumberFormat>();
/** "€10.00": rounded by the domain's rule, then given as a decimal string so no float is involved. */
export function displayMoney(amount: Money, currency: string): string {
  let f = moneyFormats.get(currency);
  if (!f) {
    f = new Intl.NumberFormat('en-GB', { style: 'currency', currency });
    moneyFormats.set(currency, f);
  }
  // Intl takes decimal strings exactly since Node 19; TypeScript's ES2023 lib does not say so yet.
  return f.format(formatMoney(amount, currency) as unknown as number);
}

/** The short form of an offer for a button or a sentence: "15%", "€10.00", "free shipping". */
export function offerValue(rung: OfferRung, currency: string): string {
  switch (rung.kind) {
    case 'percent_off':
      return `${rung.percent}%`;
    case 'fixed_credit':
      return displayMoney(rung.amount, currency);
    case 'free_shipping':
      return 'free shipping';
    case 'gift':
      return 'a gift';
    default: {
      const never: never = rung;
      throw new TypeError(`unknown offer kind ${JSON.stringify(never)}`);
    }
  }
}

const LABEL_AMOUNT = /\{(amount|maxDiscount|shippingCost|giftCost)\}/g;

/**
 * The rung's words with its amounts in the shop's currency: a campaign file writes
 * "A {amount} credit on your next order", the customer reads "A €10.00 credit on your next order".
 */
export function offerLabel(rung: OfferRung, currency: string): string {
  return rung.label.replace(LABEL_AMOUNT, (whole, field: string) => {
    const value = (rung as unknown as Record<string, unknown>)[field];
    return Money.isDecimal(value) ? displayMoney(value as Money, currency) : whole;
  });
}

/** What is wrong with a rung's words, or null: amounts come from its fields, never typed in without a currency. */
export function offerLabelProblem(rung: OfferRung): string | null {
  const fields = Object.keys(rung).filter((k) => Money.isDecimal((rung as unknown as Record<string, unknown>)[k]));
  const example = fields.length ? `write {${fields[0]}} where the amount goes` : 'leave the amount out';
  for (const [whole, name] of rung.label.matchAll(/\{([^}]*)\}/g)) {
    if (!fields.includes(name)) return `"${rung.label}": ${whole} is not an amount of this offer; ${fields.length ? `it has ${fields.map((f) => `{${f}}`).join(', ')}` : 'it has none'}`;
  }
  const rest = rung.label.replace(LABEL_AMOUNT, '');
  if (/[$€£¥]|\d[.,]\d{2}\b/.test(rest) || [...rest.matchAll(/\b([A-Z]{3}) ?\d/g)].some((m) => isCurrency(m[1]))) {
    return `"${rung.label}" writes an amount itself; ${example}, and every email and page shows it in the shop's currency (SHOP_CURRENCY)`;
  }
  return null;
}

/** A phone number becomes a tel: link, a URL a booking link, an address a mailto: link. */
export function talkToUs(value: string): { label: string; href: string } {
  const v = value.trim();
  if (/^https?:\/\//i.test(v)) return { label: 'book a time to talk with me', href: safeHref(v, 'spokesperson.talkToUs', ['https:', 'http:']) };
  if (/^\+?[\d\s().-]{6,}$/.test(v)) return { label: v, href: `tel:${v.replace(/[^\d+]/g, '')}` };
  if (/^[^\s@]+@[^\s@]+$/.test(v)) return { label: v, href: `mailto:${v}` };
  throw new InputError(`"${value}" is neither a phone number, a web address nor an email address`, { field: 'spokesperson.talkToUs' });
}

/** Only these schemes may end up in an href: never javascript: or data:. */
function safeHref(value: string, field: string, schemes: string[]): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(`"${value}" is not an absolute web address`, { field });
  }
  if (!schemes.includes(url.protocol)) throw new InputError(`"${value}" must start with ${schemes.join(' or ')}//`, { field });
  return url.toString();
}
