/**
 * The digest as one RFC 5322 message to every owner, through the same Mailer as campaign sends:
 * the outbox (`OUTBOX_DIR/owner-digests/<id>.eml`) without SMTP_URL, the SMTP pool with it.
 */
import { createHash } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { OutgoingMessage } from '../mail/message';
import type { SendOutcome } from '../mail/transport';
import type { Services } from '../wiring';
import { collectDigest, composeDigest, DIGEST_FOLDER } from './digest';

/** `id` names the outbox file and seeds the Message-ID: `week-2025-06-09`, `on-demand-…`. */
export async function sendDigest(services: Services, to: string[], id: string, attempt = 1): Promise<SendOutcome> {
  const { subject, text, html } = composeDigest(await collectDigest(services));
  const { config } = services;
  const hash = createHash('sha256').update(`${DIGEST_FOLDER}\0${id}\0${to.join(',')}`).digest('hex').slice(0, 12);
  const messageId = `<digest-${id}.${hash}@${new URL(config.publicUrl).hostname}>`;
  const raw = await new MailComposer({
    from: { name: `Rekindle at ${config.shop.name}`, address: config.mail.from },
    to,
    subject,
    messageId,
    date: services.clock(),
    text,
    html,
  }).compile().build();
  const message: OutgoingMessage = { sendId: id, campaign: DIGEST_FOLDER, messageId, envelope: { from: config.mail.from, to }, raw };
  return services.mailer().send(message, attempt);
}
