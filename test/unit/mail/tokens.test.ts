import { ConfigError } from '../../../src/domain/errors';
import { createLinkSigner, LINK_PURPOSES, linkUrl, TokenClaims } from '../../../src/links/tokens';

const KEY_A = 'a'.repeat(32) + '-first-key';
const KEY_B = 'b'.repeat(32) + '-second-key';
const NOW = new Date('2025-06-20T12:00:00Z');
const nowSec = Math.floor(NOW.getTime() / 1000);
const claims = (overrides: Partial<TokenClaims> = {}): TokenClaims => ({ sendId: '4711', purpose: 'landing', expiresAt: nowSec + 3600, ...overrides });

describe('link tokens', () => {
  const signer = createLinkSigner({ current: KEY_A });

  it('round-trips every purpose, compactly and URL-safe', () => {
    for (const purpose of LINK_PURPOSES) {
      const token = signer.sign(claims({ purpose }));
      expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(token.length).toBeLessThanOrEqual(48);
      expect(signer.verify(token, NOW)).toEqual({ status: 'ok', payload: { ...claims({ purpose }), keyId: signer.currentKeyId } });
    }
  });

  it('carries any send id up to 64 bytes, including a uuid', () => {
    const sendId = '3f6c1c0e-9a51-4b8e-8a0e-2f4d6a1b9c77';
    const result = signer.verify(signer.sign(claims({ sendId })), NOW);
    expect(result.status === 'ok' && result.payload.sendId).toBe(sendId);
    expect(() => signer.sign(claims({ sendId: 'x'.repeat(65) }))).toThrow(RangeError);
    expect(() => signer.sign(claims({ sendId: '' }))).toThrow(RangeError);
  });

  it('calls a token with any byte changed tampered', () => {
    const token = signer.sign(claims());
    const bytes = Buffer.from(token, 'base64url');
    for (let i = 0; i < bytes.length; i++) {
      if (i >= 6 && i < 10) continue; // the key id: an unknown key, tested below
      const changed = Buffer.from(bytes);
      changed[i] ^= 0x01;
      expect(signer.verify(changed.toString('base64url'), NOW).status).toBe('tampered');
    }
  });

  it('calls a changed key id unknown-key, and never returns its payload', () => {
    const bytes = Buffer.from(signer.sign(claims()), 'base64url');
    bytes[7] ^= 0xff;
    expect(signer.verify(bytes.toString('base64url'), NOW)).toEqual({ status: 'unknown-key' });
  });

  it('refuses truncated, padded, re-spelled and junk tokens as tampered', () => {
    const token = signer.sign(claims());
    for (let n = 0; n < token.length; n++) expect(signer.verify(token.slice(0, n), NOW).status).not.toBe('ok');
    expect(signer.verify(token + 'A', NOW).status).toBe('tampered');
    expect(signer.verify(token + '=', NOW).status).toBe('tampered');
    expect(signer.verify(token.slice(0, 5) + '+' + token.slice(6), NOW).status).toBe('tampered');
    expect(signer.verify('', NOW).status).toBe('tampered');
    expect(signer.verify('not a token at all', NOW).status).toBe('tampered');
    expect(signer.verify('A'.repeat(5000), NOW).status).toBe('tampered');
  });

  it('refuses the spare bits of the last character being changed (a non-canonical spelling)', () => {
    // A 6-byte send id makes a 32-byte token: 43 characters carry 258 bits, 2 of them spare.
    const token = signer.sign(claims({ sendId: '123456' }));
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = token.slice(0, -1) + alphabet[alphabet.indexOf(token[token.length - 1]) ^ 1];
    expect(Buffer.from(sibling, 'base64url')).toEqual(Buffer.from(token, 'base64url'));
    expect(signer.verify(sibling, NOW).status).toBe('tampered');
  });

  it('refuses a token made with another key as unknown-key', () => {
    const other = createLinkSigner({ current: KEY_B });
    expect(signer.verify(other.sign(claims()), NOW)).toEqual({ status: 'unknown-key' });
  });

  it('keeps old links working after a rotation, and signs new ones with the new key', () => {
    const before = signer.sign(claims());
    const rotated = createLinkSigner({ current: KEY_B, previous: [KEY_A] });
    expect(rotated.verify(before, NOW).status).toBe('ok');
    const after = rotated.sign(claims());
    expect(rotated.verify(after, NOW)).toMatchObject({ status: 'ok', payload: { keyId: rotated.currentKeyId } });
    expect(rotated.currentKeyId).not.toBe(signer.currentKeyId);
    // Dropping the old key from PREVIOUS_SECRET_KEYS ends its links.
    expect(createLinkSigner({ current: KEY_B }).verify(before, NOW).status).toBe('unknown-key');
  });

  it('expires exactly at expiresAt, and still says whose link it was', () => {
    const token = signer.sign(claims({ expiresAt: nowSec + 1 }));
    expect(signer.verify(token, new Date((nowSec + 1) * 1000 - 1)).status).toBe('ok');
    const expired = signer.verify(token, new Date((nowSec + 1) * 1000));
    expect(expired).toEqual({ status: 'expired', payload: { ...claims({ expiresAt: nowSec + 1 }), keyId: signer.currentKeyId } });
  });

  it('refuses a token of another purpose when one is expected (a foreign token)', () => {
    const open = signer.sign(claims({ purpose: 'open' }));
    expect(signer.verify(open, NOW, 'unsubscribe').status).toBe('tampered');
    expect(signer.verify(open, NOW, 'open').status).toBe('ok');
  });

  it('says which setting holds a key that is too short', () => {
    expect(() => createLinkSigner({ current: 'short' })).toThrow(ConfigError);
    expect(() => createLinkSigner({ current: KEY_A, previous: ['short'] })).toThrow(/PREVIOUS_SECRET_KEYS/);
  });

  it('builds the URL the public routes serve', () => {
    expect(linkUrl('https://shop.example/rekindle/', 'unsubscribe', 'TOKEN')).toBe('https://shop.example/rekindle/u/TOKEN');
  });
});

describe('verifying a token again (issue 16)', () => {
  // A spy on node:crypto's real createHmac, which counts the MACs computed and changes nothing.
  const crypto = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  afterEach(() => jest.restoreAllMocks());

  it('checks the MAC of a token once, yet its purpose and expiry on every call', () => {
    const signer = createLinkSigner({ current: KEY_A });
    const token = signer.sign(claims({ expiresAt: nowSec + 60 }));
    const hmac = jest.spyOn(crypto, 'createHmac');
    expect(signer.verify(token, NOW, 'landing').status).toBe('ok');
    const first = hmac.mock.calls.length;
    expect(first).toBeGreaterThan(0);
    expect(signer.verify(token, NOW, 'landing')).toEqual({ status: 'ok', payload: { ...claims({ expiresAt: nowSec + 60 }), keyId: signer.currentKeyId } });
    expect(signer.verify(token, NOW, 'redeem').status).toBe('tampered');
    expect(signer.verify(token, new Date((nowSec + 60) * 1000), 'landing').status).toBe('expired');
    expect(hmac.mock.calls.length).toBe(first);
  });

  it('keeps no forged token: each is checked again, and stays tampered', () => {
    const signer = createLinkSigner({ current: KEY_A });
    const token = signer.sign(claims());
    const forged = token.slice(0, -2) + (token.endsWith('AA') ? 'AB' : 'AA');
    const hmac = jest.spyOn(crypto, 'createHmac');
    expect(signer.verify(forged, NOW).status).toBe('tampered');
    expect(signer.verify(forged, NOW).status).toBe('tampered');
    expect(hmac).toHaveBeenCalledTimes(2);
  });

  it('does not let a caller change what a kept token says', () => {
    const signer = createLinkSigner({ current: KEY_A });
    const token = signer.sign(claims());
    const first = signer.verify(token, NOW);
    if (first.status === 'ok') expect(() => Object.assign(first.payload, { sendId: '1' })).toThrow(TypeError);
    const again = signer.verify(token, NOW);
    expect(again.status === 'ok' && again.payload.sendId).toBe('4711');
  });
});
