/**
 * One send as a complete RFC 5322 message, built once into bytes that the outbox and SMTP both
 * carry unchanged. Deterministic: the same send and content always give the same bytes — the
 * Message-ID, the Date (from the injected clock) and even the MIME boundaries derive from the send.
 *
 * Also builds the send's links: signed tokens under PUBLIC_URL (routes in links/tokens.ts), with
 * UTM parameters on every link that leads somewhere to look at, never on unsubscribe or the pixel.
 */
import { createHash } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import { epochSeconds, LinkPurpose, LinkSigner, linkUrl } from '../links/tokens';
import type { RecipientLinks } from './fields';
import { encodeQuotedPrintable } from './quotedPrintable';
import type { RenderedEmail } from './render';

export interface LinkContext {
  publicUrl: string;
  signer: LinkSigner;
  sendId: string;
  campaign: string;
  /** 1-based */
  step: number;
  /** When the landing page, click and open links stop working: the offer's end, or a campaign limit. */
  expiresAt: Date;
  /** Unsubscribing must keep working long after the email arrived (RFC 8058 clients act late). */
  unsubscribeExpiresAt: Date;
  /** The mailbox named in the mailto: half of List-Unsubscribe; it must reach a person or a parser. */
  unsubscribeMailbox: string;
  /** Declared by the campaign; reached through the click route, which only redirects to these. */
  clickTargets?: { video?: boolean; shop?: boolean };
}

export interface SendLinks {
  links: RecipientLinks;
  listUnsubscribe: { url: string; mailto: string };
}

/** Anchor of the "how can we make it right?" form on the landing page. */
export const FEEDBACK_ANCHOR = 'make-it-right';

export function buildLinks(ctx: LinkContext): SendLinks {
  const url = (purpose: LinkPurpose, expires: Date) =>
    linkUrl(ctx.publicUrl, purpose, ctx.signer.sign({ sendId: ctx.sendId, purpose, expiresAt: epochSeconds(expires) }));
  const utm = utmQuery(ctx.campaign, ctx.step);
  const landing = `${url('landing', ctx.expiresAt)}?${utm}`;
  const click = url('click', ctx.expiresAt);
  const unsubscribe = url('unsubscribe', ctx.unsubscribeExpiresAt);
  const token = unsubscribe.slice(unsubscribe.lastIndexOf('/') + 1);
  return {
    links: {
      landing,
      feedback: `${landing}#${FEEDBACK_ANCHOR}`,
      stop: unsubscribe,
      unsubscribe,
      open: url('open', ctx.expiresAt),
      video: ctx.clickTargets?.video ? `${click}?to=video&${utm}` : null,
      shop: ctx.clickTargets?.shop ? `${click}?to=shop&${utm}` : null,
    },
    listUnsubscribe: { url: unsubscribe, mailto: `mailto:${ctx.unsubscribeMailbox}?subject=${encodeURIComponent(`unsubscribe ${token}`)}` },
  };
}

export const utmQuery = (campaign: string, step: number): string =>
  `utm_source=rekindle&utm_medium=email&utm_campaign=${encodeURIComponent(campaign)}&utm_content=step-${step}`;

export interface MessageFacts {
  sendId: string;
  campaign: string;
  runId: string;
  /** 1-based */
  step: number;
  to: { address: string; name?: string | null };
  /** The sending address (on the DKIM domain) and who speaks: "Maria Rossi from Bean There". */
  from: { address: string; spokesperson: string; shop: string };
  /** A real inbox, read by a person. */
  replyTo: string;
  listUnsubscribe: SendLinks['listUnsubscribe'];
  /** Its host names the Message-ID domain. */
  publicUrl: string;
  date: Date;
}

export interface OutgoingMessage {
  sendId: string;
  campaign: string;
  messageId: string;
  envelope: { from: string; to: string[] };
  /** The complete message, CRLF line endings, as it goes on the wire and into the outbox. */
  raw: Buffer;
}

export async function buildMessage(facts: MessageFacts, content: RenderedEmail): Promise<OutgoingMessage> {
  const { root, messageId, text, html } = mimeTree(facts, content);
  const raw = alternativeBytes(root, text, html) ?? (await root.build());
  return { sendId: facts.sendId, campaign: facts.campaign, messageId, envelope: { from: facts.from.address, to: [facts.to.address] }, raw };
}

/** The message as nodemailer's MIME tree, with both bodies pre-encoded (`text` and `html`: each part, headers and body). */
export function mimeTree(facts: MessageFacts, content: RenderedEmail): { root: ReturnType<MailComposer['compile']>; messageId: string; text: string; html: string } {
  const messageId = messageIdFor(facts);
  const text = textPart('plain', content.text);
  const html = textPart('html', content.html);
  const composer = new MailComposer({
    from: { name: `${facts.from.spokesperson} from ${facts.from.shop}`, address: facts.from.address },
    to: facts.to.name ? { name: facts.to.name, address: facts.to.address } : facts.to.address,
    replyTo: facts.replyTo,
    subject: content.subject,
    messageId,
    date: facts.date,
    // Bodies arrive pre-encoded: MailComposer's own encoder was most of the cost of a 20 KB email.
    text: { raw: text },
    html: { raw: html },
    baseBoundary: digest(messageId).slice(0, 16),
    headers: {
      'X-Rekindle-Campaign': facts.campaign,
      'X-Rekindle-Run': facts.runId,
      'X-Rekindle-Step': String(facts.step),
      'List-Unsubscribe': `<${facts.listUnsubscribe.url}>, <${facts.listUnsubscribe.mailto}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  });
  return { root: composer.compile(), messageId, text, html };
}

/**
 * What MimeNode's build() writes for this tree, a multipart/alternative of the two pre-encoded
 * parts, joined as one string: build() streams it through a dozen streams and pipelines (each
 * with its AbortController and DOMException), most of what nodemailer cost a compose. Only the
 * headers are nodemailer's (encoded words, folding, addresses). test/unit/mail/messageBytes.test.ts
 * holds the bytes equal to build()'s; null for any other shape, which build() then makes.
 */
function alternativeBytes(root: ReturnType<MailComposer['compile']>, text: string, html: string): Buffer | null {
  const headers = root.buildHeaders(); // sets the boundary
  const b = root.boundary;
  if (root.multipart !== 'alternative' || !b || root.childNodes.length !== 2) return null;
  return Buffer.from(`${headers}\r\n\r\n--${b}\r\n${text}\r\n--${b}\r\n${html}\r\n--${b}--\r\n`);
}

const textPart = (subtype: 'plain' | 'html', body: string): string =>
  `Content-Type: text/${subtype}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${encodeQuotedPrintable(body)}`;

/** `<send-42.1a2b3c4d5e6f@shop.example>`: the same send always gets the same id, a retry never a new one. */
export function messageIdFor(facts: Pick<MessageFacts, 'sendId' | 'campaign' | 'runId' | 'to' | 'publicUrl'>): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(facts.sendId)) throw new RangeError(`send id "${facts.sendId}" must be 1-64 letters, digits, _ or -`);
  const hash = digest([facts.campaign, facts.runId, facts.sendId, facts.to.address.toLowerCase()].join('\0')).slice(0, 12);
  return `<send-${facts.sendId}.${hash}@${new URL(facts.publicUrl).hostname}>`;
}

const digest = (text: string): string => createHash('sha256').update(text).digest('hex');
