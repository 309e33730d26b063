/**
 * Property: a signed link token with any single character changed (to any other character,
 * URL-safe or not) is refused, for any send id, purpose, expiry and key: never `ok`, never
 * `expired` (which would still trust its payload).
 */
import fc from 'fast-check';
import { createLinkSigner, LINK_PURPOSES } from '../../../src/links/tokens';

const NOW = new Date('2025-06-20T12:00:00Z');
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const arbClaims = fc.record({
  sendId: fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme' }).filter((s) => Buffer.byteLength(s) <= 64),
  purpose: fc.constantFrom(...LINK_PURPOSES),
  expiresAt: fc.integer({ min: 0, max: 0xffffffff }),
});

describe('signed link tokens, property', () => {
  it('refuses a token with any single character changed', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 32, maxLength: 48 }),
        arbClaims,
        // The last character half the time: its spare bits are where a lax decoder is fooled.
        fc.oneof(fc.constant(-1), fc.nat()),
        // Another URL-safe character (often one differing in the low bits only), or an unsafe one.
        fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 63 }), fc.constantFrom('+', '/', '=', '.', ' ', '%')),
        (key, claims, at, change) => {
          const signer = createLinkSigner({ current: key });
          const token = signer.sign(claims);
          const i = at < 0 ? token.length - 1 : at % token.length;
          const replacement = typeof change === 'string' ? change : BASE64URL[BASE64URL.indexOf(token[i]) ^ change];
          const changed = token.slice(0, i) + replacement + token.slice(i + 1);
          expect(['tampered', 'unknown-key']).toContain(signer.verify(changed, NOW).status);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
