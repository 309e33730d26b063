/**
 * Signed link tokens: every link in an email carries one (send id, purpose, expiry, key id,
 * HMAC-SHA256). They live in URLs, so they are binary and compact: about 45 characters for a
 * numeric send id.
 *
 *   version(1) purpose(1) expiresAt(4, uint32 epoch seconds) keyId(4) sendId(1..64 UTF-8) mac(16)
 *
 * The MAC is HMAC-SHA256 truncated to 128 bits (RFC 2104 allows truncation to half the output;
 * 128 bits is far beyond what an online forger can try). Keys rotate: we sign with the current key
 * and verify with the current or any previous one, picked by key id, so links already in inboxes
 * keep working after SECRET_KEY changes and PREVIOUS_SECRET_KEYS keeps the old one.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '../domain/errors';
import { LruMap } from '../domain/lruMap';

export const LINK_PURPOSES = ['click', 'landing', 'unsubscribe', 'open', 'redeem'] as const;
export type LinkPurpose = (typeof LINK_PURPOSES)[number];

export interface TokenClaims {
  sendId: string;
  purpose: LinkPurpose;
  /** Epoch seconds; the token is expired from this second on. */
  expiresAt: number;
}

export interface TokenPayload extends TokenClaims {
  /** Hex id of the key that signed it (first 4 bytes of a hash of the key). */
  keyId: string;
}

/**
 * `expired` still carries the (authentic) payload so a page can offer to unsubscribe or to write
 * to the shop. `tampered` covers malformed, truncated, forged and foreign-purpose tokens alike:
 * none of them says anything trustworthy.
 */
export type VerifyResult =
  | { status: 'ok'; payload: TokenPayload }
  | { status: 'expired'; payload: TokenPayload }
  | { status: 'tampered' }
  | { status: 'unknown-key' };

export interface LinkSigner {
  sign(claims: TokenClaims): string;
  /** With `purpose`, a token minted for another purpose is refused as tampered (a foreign token). */
  verify(token: string, now: Date, purpose?: LinkPurpose): VerifyResult;
  readonly currentKeyId: string;
}

export interface SigningKeys {
  current: string;
  previous?: readonly string[];
}

const VERSION = 1;
const HEADER = 10; // version, purpose, expiresAt, keyId
const MAC_BYTES = 16;
const MAX_SEND_ID_BYTES = 64;
const AUTHENTIC_TOKENS_KEPT = 10_000;
const MIN_KEY_LENGTH = 32;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

interface Key {
  id: Buffer;
  macKey: Buffer;
}

/** The id is public (it is in every token): derived through a labelled hash, never the key itself. */
function deriveKey(secret: string): Key {
  return {
    id: createHash('sha256').update('rekindle/link-key-id\0').update(secret).digest().subarray(0, 4),
    // A key of its own for links, so SECRET_KEY can serve other purposes without cross-use.
    macKey: createHmac('sha256', secret).update('rekindle/links/v1').digest(),
  };
}

function checkSecret(secret: string, variable: string): void {
  if (secret.length < MIN_KEY_LENGTH) {
    throw new ConfigError(variable, `a signing key has ${secret.length} characters; it needs at least ${MIN_KEY_LENGTH} (e.g. \`openssl rand -hex 32\`)`);
  }
}

export function createLinkSigner(keys: SigningKeys): LinkSigner {
  checkSecret(keys.current, 'SECRET_KEY');
  (keys.previous ?? []).forEach((k) => checkSecret(k, 'PREVIOUS_SECRET_KEYS'));
  const current = deriveKey(keys.current);
  const byId = new Map<string, Key>();
  for (const key of [current, ...(keys.previous ?? []).map(deriveKey)]) {
    const id = key.id.toString('hex');
    const known = byId.get(id);
    if (known && !known.macKey.equals(key.macKey)) {
      throw new ConfigError('PREVIOUS_SECRET_KEYS', `two keys share the key id ${id}; replace one of them`);
    }
    byId.set(id, key);
  }
  /**
   * Tokens whose MAC has been checked, with what they say, most recently used last (issue 16: a
   * reloaded page, a redeem's redirect back and a scanner's visit check the same token again, and
   * the HMAC was the largest part of a repeated page's own code). A token's authenticity cannot
   * change while this signer's keys do not; purpose and expiry are still checked on every call.
   * Only authentic tokens are kept, so forged ones cannot fill it; the bound keeps it small.
   */
  const authentic = new LruMap<string, Readonly<TokenPayload>>(AUTHENTIC_TOKENS_KEPT);
  return {
    currentKeyId: current.id.toString('hex'),
    sign: (claims) => sign(current, claims),
    verify: (token, now, purpose) => {
      let payload = authentic.get(token);
      if (!payload) {
        const checked = authenticate(byId, token);
        if (checked === 'tampered' || checked === 'unknown-key') return { status: checked };
        authentic.set(token, (payload = Object.freeze(checked)));
      }
      if (purpose !== undefined && payload.purpose !== purpose) return { status: 'tampered' };
      return Math.floor(now.getTime() / 1000) >= payload.expiresAt ? { status: 'expired', payload } : { status: 'ok', payload };
    },
  };
}

function sign(key: Key, claims: TokenClaims): string {
  const sendId = Buffer.from(claims.sendId, 'utf8');
  if (sendId.length === 0 || sendId.length > MAX_SEND_ID_BYTES) {
    throw new RangeError(`sendId must be 1 to ${MAX_SEND_ID_BYTES} bytes, got ${sendId.length}`);
  }
  if (!Number.isInteger(claims.expiresAt) || claims.expiresAt < 0 || claims.expiresAt > 0xffffffff) {
    throw new RangeError(`expiresAt must be whole epoch seconds before 2106, got ${claims.expiresAt}`);
  }
  const body = Buffer.alloc(HEADER + sendId.length);
  body.writeUInt8(VERSION, 0);
  body.writeUInt8(LINK_PURPOSES.indexOf(claims.purpose), 1);
  body.writeUInt32BE(claims.expiresAt, 2);
  key.id.copy(body, 6);
  sendId.copy(body, HEADER);
  return Buffer.concat([body, mac(key, body)]).toString('base64url');
}

/** The token's claims if its MAC is right under one of the keys; nothing about purpose or expiry. */
function authenticate(keys: Map<string, Key>, token: string): TokenPayload | 'tampered' | 'unknown-key' {
  const bytes = decode(token);
  if (!bytes || bytes.length < HEADER + 1 + MAC_BYTES || bytes[0] !== VERSION) return 'tampered';
  const purpose = LINK_PURPOSES[bytes[1]];
  if (purpose === undefined) return 'tampered';
  const keyId = bytes.subarray(6, 10).toString('hex');
  const key = keys.get(keyId);
  if (!key) return 'unknown-key';
  const body = bytes.subarray(0, bytes.length - MAC_BYTES);
  if (!timingSafeEqual(mac(key, body), bytes.subarray(bytes.length - MAC_BYTES))) return 'tampered';
  return { sendId: body.subarray(HEADER).toString('utf8'), purpose, expiresAt: body.readUInt32BE(2), keyId };
}

const mac = (key: Key, body: Buffer): Buffer => createHmac('sha256', key.macKey).update(body).digest().subarray(0, MAC_BYTES);

/**
 * Only the canonical spelling decodes: Node's base64url decoder ignores stray characters and the
 * unused bits of the last one, so without the round-trip check two different strings (one of them
 * "tampered") would verify as the same token.
 */
function decode(token: string): Buffer | undefined {
  if (token.length > 200 || !BASE64URL.test(token)) return undefined;
  const bytes = Buffer.from(token, 'base64url');
  return bytes.toString('base64url') === token ? bytes : undefined;
}

/**
 * Where each purpose is served under PUBLIC_URL. The public routes mount these paths; the mail
 * module builds links with them, so both sides agree by construction.
 */
export const LINK_ROUTES: Readonly<Record<LinkPurpose, string>> = {
  landing: '/w',
  click: '/c',
  unsubscribe: '/u',
  open: '/o',
  redeem: '/r',
};

export function linkUrl(publicUrl: string, purpose: LinkPurpose, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${LINK_ROUTES[purpose]}/${token}`;
}

export const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);
