/**
 * The links a simulated customer follows, read from the email the outbox holds for their send:
 * the same bytes SMTP would have carried, so the demo exercises what a real reader would click.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { LINK_ROUTES, LinkPurpose } from '../links/tokens';

export interface EmailLinks {
  /** Path and query of the landing page link ("See my welcome-back offer"). */
  landing: string;
  /** Path of the open pixel, when the email has one. */
  open: string | null;
}

/**
 * Soft line breaks removed and =XX escapes decoded: enough to read URLs, which are ASCII (the
 * tokens are base64url), without a MIME parser in the product's dependencies.
 */
function unfoldQuotedPrintable(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Path and query of the first link to `purpose`'s route in an email's raw bytes (read as latin1), or null. */
export function linkInEmail(raw: string, purpose: LinkPurpose): string | null {
  const text = unfoldQuotedPrintable(raw);
  const match = new RegExp(`https?://[^\\s"'<>()]+?(${LINK_ROUTES[purpose]}/[A-Za-z0-9_-]+(\\?[^\\s"'<>()#]*)?)`).exec(text);
  return match ? match[1].replace(/&amp;/g, '&') : null;
}

/** `outbox/<campaign>/<send id>.eml`, as the outbox mailer names it. */
export async function linksOfSend(outboxDir: string, campaign: string, sendId: number): Promise<EmailLinks> {
  const file = path.join(outboxDir, campaign, `${sendId}.eml`);
  const raw = await fs.readFile(file, 'latin1');
  const landing = linkInEmail(raw, 'landing');
  if (!landing) throw new Error(`${file} has no landing page link`);
  return { landing, open: linkInEmail(raw, 'open') };
}
