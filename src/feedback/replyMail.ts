/**
 * A reply as the email a person would write: plain text only, in the staff member's name, signed
 * by them, answering the customer's message in its thread. No HTML, no tracking pixel, no
 * tracked links, no List-Unsubscribe: it is one person's answer to a message the customer wrote,
 * not marketing. It goes out from the sending address (MAIL_FROM, on the DKIM domain) with the
 * staff member's name, and `Reply-To` the campaign's spokesperson inbox, whose mail the shop
 * forwards back in, so the customer's answer joins the same case.
 */
import MailComposer from 'nodemailer/lib/mail-composer';
import type { OutgoingMessage } from '../mail/message';

/** The outbox folder replies land in, beside the campaigns' folders. */
export const REPLY_FOLDER = 'feedback-replies';

export interface ReplyFacts {
  replyId: number;
  caseId: number;
  messageId: string;
  inReplyTo: string;
  references: string[];
  subject: string;
  body: string;
  staffName: string;
  shopName: string;
  from: string;
  replyTo: string;
  to: { address: string; name: string | null };
  date: Date;
}

/** What the customer reads: the words as written, then the writer's name and the shop. */
export function replyText(body: string, staffName: string, shopName: string): string {
  return `${body.trimEnd()}\n\n${staffName}\n${shopName}\n`;
}

export async function buildReply(f: ReplyFacts): Promise<OutgoingMessage> {
  const raw = await new MailComposer({
    from: { name: f.staffName, address: f.from },
    replyTo: f.replyTo,
    to: f.to.name ? { name: f.to.name, address: f.to.address } : f.to.address,
    subject: f.subject,
    messageId: f.messageId,
    inReplyTo: f.inReplyTo,
    references: f.references,
    date: f.date,
    text: replyText(f.body, f.staffName, f.shopName),
    headers: { 'X-Rekindle-Case': String(f.caseId) },
  }).compile().build();
  return { sendId: `reply-${f.replyId}`, campaign: REPLY_FOLDER, messageId: f.messageId, envelope: { from: f.from, to: [f.to.address] }, raw };
}
