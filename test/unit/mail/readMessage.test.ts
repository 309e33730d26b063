/** Reading back the bytes message.ts builds: headers decoded, both parts recovered exactly. */
import { buildMessage } from '../../../src/mail/message';
import { decodeWords, readMessage } from '../../../src/mail/readMessage';

describe('readMessage', () => {
  it('recovers the subject, addresses and both parts of a message we built, accents and long lines included', async () => {
    const html = `<html><body><p>Dear Aïcha, it's been a while — ${'très '.repeat(40)}long.</p><a href="https://shop.example/w/abc?x=1&amp;y=2">Look</a></body></html>`;
    const text = `Dear Aïcha,\n\nit's been a while = still here.\n${'x'.repeat(200)}`;
    const message = await buildMessage(
      {
        sendId: '42', campaign: 'nostalgia-winback', runId: '3', step: 1,
        to: { address: 'aicha@example.com', name: 'Aïcha' },
        from: { address: 'hello@shop.example', spokesperson: 'Chloé Martin', shop: 'Bean There' },
        replyTo: 'chloe@shop.example',
        listUnsubscribe: { url: 'https://shop.example/u/tok', mailto: 'mailto:unsub@shop.example' },
        publicUrl: 'https://shop.example', date: new Date('2025-06-02T08:00:00Z'),
      },
      { subject: 'Aïcha, we miss you ☕', html, text },
    );
    const read = readMessage(message.raw);
    expect(read.headers.subject).toBe('Aïcha, we miss you ☕');
    expect(read.headers.from).toBe('Chloé Martin from Bean There <hello@shop.example>');
    expect(read.headers.to).toBe('Aïcha <aicha@example.com>');
    expect(read.headers['reply-to']).toBe('chloe@shop.example');
    expect(read.headers['x-rekindle-step']).toBe('1');
    expect(read.html).toBe(html);
    expect(read.text).toBe(text);
  });

  it('joins adjacent encoded words and reads base64 ones', () => {
    expect(decodeWords('=?UTF-8?Q?Caf=C3=A9?= =?UTF-8?B?4piV?= and more')).toBe('Café☕ and more');
  });
});
