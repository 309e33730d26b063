/**
 * CSRF tokens for the public forms without a session store: an HMAC of the form's purpose and
 * the signed link token it posts to. Only a page we rendered for that link carries the value;
 * a page on another site can neither read ours nor compute it. Keys rotate like the link keys:
 * a form rendered just before SECRET_KEY changed still posts.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SigningKeys } from '../../links/tokens';

export type FormPurpose = 'redeem' | 'feedback' | 'unsubscribe';

export interface Csrf {
  token(purpose: FormPurpose, linkToken: string): string;
  check(purpose: FormPurpose, linkToken: string, given: unknown): boolean;
}

const BYTES = 16;

export function createCsrf(keys: SigningKeys): Csrf {
  const macKeys = [keys.current, ...(keys.previous ?? [])].map((secret) => createHmac('sha256', secret).update('rekindle/csrf/v1').digest());
  const mac = (key: Buffer, purpose: FormPurpose, linkToken: string) =>
    createHmac('sha256', key).update(`${purpose}\0${linkToken}`).digest().subarray(0, BYTES);
  return {
    token: (purpose, linkToken) => mac(macKeys[0], purpose, linkToken).toString('base64url'),
    check(purpose, linkToken, given) {
      if (typeof given !== 'string' || given.length > 64) return false;
      const bytes = Buffer.from(given, 'base64url');
      if (bytes.length !== BYTES || bytes.toString('base64url') !== given) return false;
      return macKeys.some((key) => timingSafeEqual(mac(key, purpose, linkToken), bytes));
    },
  };
}
