import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { epochSeconds } from '../../../src/links/tokens';
import { buildMessage, messageIdFor } from '../../../src/mail/message';
import { encodeQuotedPrintable } from '../../../src/mail/quotedPrintable';
import { compileEmail } from '../../../src/mail/render';
import { EMAILS_DIR, fields, links, messageFacts, signer, template } from './builders';

// libqp is mailparser's own decoder: the one on the receiving side.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const libqp = require('libqp') as { decode(s: string): Buffer };

const content = { subject: 'A thank-you from Bean There — for you', html: '<p>Hello &amp; welcome back</p>', text: 'Hello, welcome back.\n' };

describe('the links of one send', () => {
  const { links: l, listUnsubscribe } = links();

  it('are signed for their purpose and carry UTM parameters where someone will look', () => {
    const landing = new URL(l.landing);
    expect(landing.pathname).toMatch(/^\/w\/[A-Za-z0-9_-]+$/);
    expect(Object.fromEntries(landing.searchParams)).toEqual({ utm_source: 'rekindle', utm_medium: 'email', utm_campaign: 'nostalgia-winback', utm_content: 'step-2' });
    expect(l.feedback).toBe(`${l.landing}#make-it-right`);
    expect(new URL(l.video as string).searchParams.get('to')).toBe('video');
    expect(l.shop).toBeNull();
    const verify = (url: string, purpose: Parameters<typeof signer.verify>[2]) =>
      signer.verify(new URL(url).pathname.split('/')[2], new Date('2025-06-20T12:00:00Z'), purpose);
    expect(verify(l.landing, 'landing')).toMatchObject({ status: 'ok', payload: { sendId: '4711', expiresAt: epochSeconds(new Date('2025-07-01T12:00:00Z')) } });
    expect(verify(l.unsubscribe, 'unsubscribe')).toMatchObject({ status: 'ok', payload: { expiresAt: epochSeconds(new Date('2027-06-20T12:00:00Z')) } });
    expect(verify(l.open, 'open').status).toBe('ok');
  });

  it('keep unsubscribe links and the pixel free of tracking parameters', () => {
    for (const url of [l.unsubscribe, l.stop, l.open, listUnsubscribe.url]) expect(url).not.toContain('utm_');
    expect(listUnsubscribe.mailto).toMatch(/^mailto:unsubscribe@beanthere\.example\?subject=unsubscribe%20[A-Za-z0-9_-]+$/);
  });
});

describe('building the message', () => {
  it('has every header a mailbox provider and our own bookkeeping need', async () => {
    const message = await buildMessage(messageFacts(), content);
    const parsed = await simpleParser(message.raw);
    const { listUnsubscribe } = links();
    expect(parsed.from?.value).toEqual([{ name: 'Ana Lopez from Bean There', address: 'hello@beanthere.example' }]);
    expect(parsed.replyTo?.value[0].address).toBe('ana@beanthere.example');
    expect(parsed.subject).toBe(content.subject);
    expect(parsed.messageId).toBe(message.messageId);
    expect(parsed.date).toEqual(new Date('2025-06-20T12:00:00Z'));
    expect(parsed.headers.get('x-rekindle-campaign')).toBe('nostalgia-winback');
    expect(parsed.headers.get('x-rekindle-run')).toBe('run-7');
    expect(parsed.headers.get('x-rekindle-step')).toBe('2');
    const line = (key: string) => parsed.headerLines.find((h) => h.key === key)?.line.replace(/\r?\n\s+/g, ' ');
    expect(line('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(line('list-unsubscribe')).toBe(`List-Unsubscribe: <${listUnsubscribe.url}>, <${listUnsubscribe.mailto}>`);
    expect(parsed.html).toBe(content.html);
    expect(parsed.text).toBe(content.text);
    expect(message.envelope).toEqual({ from: 'hello@beanthere.example', to: ['maria@example.com'] });
  });

  it('gives the same send the same Message-ID and the same bytes, every time', async () => {
    const a = await buildMessage(messageFacts(), content);
    const b = await buildMessage(messageFacts(), content);
    expect(a.messageId).toMatch(/^<send-4711\.[0-9a-f]{12}@rekindle\.beanthere\.example>$/);
    expect(b.raw.equals(a.raw)).toBe(true);
    expect(messageIdFor(messageFacts({ sendId: '4712' }))).not.toBe(a.messageId);
    expect(() => messageIdFor(messageFacts({ sendId: '../etc' }))).toThrow(RangeError);
  });

  it('carries a customer name that tries to inject headers as a harmless display name', async () => {
    const message = await buildMessage(messageFacts({ to: { address: 'maria@example.com', name: 'Maria\r\nBcc: x@evil.example <{{x}}>' } }), content);
    const parsed = await simpleParser(message.raw);
    expect(parsed.bcc).toBeUndefined();
    expect(parsed.to && !Array.isArray(parsed.to) && parsed.to.value.map((v) => v.address)).toEqual(['maria@example.com']);
  });

  it('sends a real 20 KB email that parses back to what was rendered', async () => {
    const email = await compileEmail({ file: template('nostalgia-winback/2-a-thank-you'), subject: 'A thank-you, {{#if firstName}}{{firstName}}{{else}}old friend{{/if}}' }, { emailsDir: EMAILS_DIR });
    const rendered = email.render(fields({ firstName: 'Zoë' }));
    const parsed = await simpleParser((await buildMessage(messageFacts(), rendered)).raw);
    expect(parsed.subject).toBe('A thank-you, Zoë');
    expect(parsed.html).toBe(rendered.html);
    expect(parsed.text).toBe(rendered.text);
  });
});

describe('quoted-printable', () => {
  const lines = (encoded: string) => encoded.split('\r\n');

  it('round-trips any text, with CRLF line breaks, lines of at most 76 and only printable ASCII', () => {
    const pieces = fc.constantFrom('a', ' ', '\t', '\n', '\r\n', '=', 'é', '€', '😀', '.', 'x'.repeat(80), '\r', '<p style="a:b">');
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string({ unit: 'binary' })), { maxLength: 60 }), (parts) => {
        const text = parts.join('');
        const encoded = encodeQuotedPrintable(text);
        for (const line of lines(encoded)) {
          expect(line.length).toBeLessThanOrEqual(76);
          expect(line).toMatch(/^[\x20-\x7e\t]*$/);
          expect(line).not.toMatch(/[ \t]$/);
        }
        const expected = Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8').toString('utf8');
        expect(libqp.decode(encoded).toString('utf8')).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});
