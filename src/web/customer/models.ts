/**
 * What each page shows, built from a verified link's target. The personal parts (greeting,
 * their history, the offer, the incident) come from the same builder as the emails, so a
 * customer reads the same dates, names and amounts on the page as in the email that led there.
 */
import type { IncidentWords } from '../../campaigns/runInfo';
import type { LinkTarget } from '../../customer/linkTarget';
import { rungFromStored } from '../../customer/discount';
import type { RecipientFields } from '../../mail/fields';
import { displayMoney, formatDate, offerValue, recipientFields } from '../../mail/recipient';

export interface Form {
  action: string;
  csrf: string;
}

export interface Shop {
  name: string;
  postalAddress: string;
  timeZone: string;
}

export interface LandingLinks {
  redeem: Form | null;
  feedback: Form;
  unsubscribe: string;
  video: string | null;
}

const NO_LINKS: RecipientFields['links'] = { landing: '', feedback: '', stop: '', unsubscribe: '', open: '', video: null, shop: null };

/** The email's fields for this customer, as the page shows them. */
export function personalFields(target: LinkTarget, incident: IncidentWords | null, shop: Shop, now: Date): RecipientFields {
  const c = target.campaign;
  const day = (d: string | undefined) => (d ? new Date(`${d}T12:00:00Z`) : null);
  const rung = target.offer ? rungFromStored(target.offer) : null;
  const offer = rung && target.treatment !== 'nostalgia-only' && target.offerExpiresAt
    ? { label: rung.label, value: offerValue(rung, target.currency), expiresAt: new Date(target.offerExpiresAt) }
    : null;
  const makeGood = rung?.kind === 'fixed_credit' && target.treatment === 'make-good' ? { label: `a ${displayMoney(rung.amount, target.currency)} credit on your next order` } : null;
  return recipientFields(
    { firstName: target.firstName, firstOrderAt: day(target.facts?.firstOrderDay), lastOrderAt: day(target.facts?.lastOrderDay), favouriteProducts: target.facts?.favouriteProducts ?? [], offer, makeGood },
    {
      shop: { name: shop.name, postalAddress: shop.postalAddress, timeZone: shop.timeZone },
      spokesperson: c.spokesperson,
      whatsNew: c.content?.whatsNew ?? [],
      incident: incident && { title: incident.title, whatHappened: incident.whatHappened, plan: incident.plan, update: incident.update, whatChanged: incident.whatChanged },
    },
    NO_LINKS,
    now,
  );
}

export function landingModel(target: LinkTarget, fields: RecipientFields, links: LandingLinks, shop: Shop, now: Date): Record<string, unknown> {
  const apology = target.campaign.kind === 'incident';
  const name = fields.firstName;
  const code = target.code;
  const nowIso = now.toISOString();
  const date = (iso: string) => formatDate(new Date(iso), shop.timeZone);
  const offerOpen = !!fields.offer && !!target.offerExpiresAt && target.offerExpiresAt > nowIso;
  return {
    title: apology ? `We got this wrong: a note from ${shop.name}` : `Welcome back to ${shop.name}`,
    heading: apology ? (name ? `${name}, we got this wrong` : 'We got this wrong') : name ? `Welcome back, ${name}` : 'Welcome back',
    apology,
    f: fields,
    hasOffer: !!fields.offer,
    code: code && !code.redeemedAt && code.expiresAt > nowIso ? { value: code.code, expiresOn: date(code.expiresAt) } : null,
    redeemedOn: code?.redeemedAt ? date(code.redeemedAt) : null,
    offerEndedOn: fields.offer && !offerOpen && !code?.redeemedAt && target.offerExpiresAt ? date(target.offerExpiresAt) : null,
    redeem: offerOpen && !code ? links.redeem : null,
    feedback: links.feedback,
    unsubscribe: links.unsubscribe,
    video: links.video,
  };
}

export function endedModel(target: LinkTarget, fields: RecipientFields, endedAt: Date, forms: { feedback: Form; unsubscribe: Form }, shop: Shop): Record<string, unknown> {
  return {
    title: `This offer has ended — ${shop.name}`,
    f: fields,
    endedOn: formatDate(endedAt, shop.timeZone),
    hadOffer: !!target.offer && target.treatment !== 'nostalgia-only',
    feedback: forms.feedback,
    unsubscribeForm: forms.unsubscribe,
    email: maskEmail(target.email),
  };
}

export function unsubscribeModel(target: LinkTarget, fields: RecipientFields, form: Form, feedbackHref: string, shop: Shop): Record<string, unknown> {
  return { title: `Stop emails from ${shop.name}`, f: fields, form, email: maskEmail(target.email), feedbackHref };
}

/** `m•••@example.com`: enough for the customer to recognise the address, little for anyone else. */
export function maskEmail(email: string | null): string | null {
  if (!email) return null;
  const at = email.lastIndexOf('@');
  return at < 1 ? null : `${email[0]}•••${email.slice(at)}`;
}
