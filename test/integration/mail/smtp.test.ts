import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { ConfigError } from '../../../src/domain/errors';
import type { RetryPolicy } from '../../../src/mail/classify';
import { buildMessage, OutgoingMessage } from '../../../src/mail/message';
import { compileEmail } from '../../../src/mail/render';
import { createOutboxMailer, createSmtpMailer, DKIM_HEADER_FIELDS, Mailer } from '../../../src/mail/transport';
import { EMAILS_DIR, fields, links, messageFacts, template } from '../../unit/mail/builders';
import { verifyDkim } from './dkim';
import { Sink, startSink } from './smtpSink';
import { startSmtpSink } from '../../support/smtpSink';

const retry: RetryPolicy = { maxAttempts: 3, baseDelayMs: 60_000, maxDelayMs: 600_000, jitter: 0, random: () => 0 };

async function realMessage(overrides: Parameters<typeof messageFacts>[0] = {}): Promise<OutgoingMessage> {
  const email = await compileEmail({ file: template('nostalgia-winback/2-a-thank-you'), subject: 'A thank-you from {{shopName}}' }, { emailsDir: EMAILS_DIR });
  return buildMessage(messageFacts(overrides), email.render(fields()));
}

describe('the SMTP mailer against a real loopback server', () => {
  let sink: Sink;
  let mailer: Mailer | undefined;
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rekindle-smtp-'));
  });
  afterEach(async () => {
    await mailer?.close();
    mailer = undefined;
    await sink?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers the complete message: every header, both parts, the envelope', async () => {
    sink = await startSink();
    mailer = createSmtpMailer({ url: sink.url(), retry });
    const message = await realMessage();
    expect(await mailer.send(message)).toEqual({ status: 'delivered', messageId: message.messageId, detail: expect.stringMatching(/^250/) });

    expect(sink.received).toHaveLength(1);
    const [got] = sink.received;
    expect({ from: got.from, to: got.to }).toEqual({ from: 'hello@beanthere.example', to: ['maria@example.com'] });
    const parsed = await simpleParser(got.raw);
    const line = (key: string) => parsed.headerLines.find((h) => h.key === key)?.line.replace(/\r?\n\s+/g, ' ');
    const { listUnsubscribe } = links();
    expect(line('from')).toBe('From: Ana Lopez from Bean There <hello@beanthere.example>');
    expect(line('reply-to')).toBe('Reply-To: ana@beanthere.example');
    expect(line('to')).toBe('To: Maria Rossi <maria@example.com>');
    expect(parsed.subject).toBe('A thank-you from Bean There');
    expect(parsed.messageId).toBe(message.messageId);
    expect(line('x-rekindle-campaign')).toBe('X-Rekindle-Campaign: nostalgia-winback');
    expect(line('x-rekindle-run')).toBe('X-Rekindle-Run: run-7');
    expect(line('x-rekindle-step')).toBe('X-Rekindle-Step: 2');
    expect(line('list-unsubscribe')).toBe(`List-Unsubscribe: <${listUnsubscribe.url}>, <${listUnsubscribe.mailto}>`);
    expect(line('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(parsed.html).toContain('15% off your next order');
    expect(parsed.text).toContain('See my welcome-back offer: https://rekindle.beanthere.example/w/');
  });

  it('carries byte for byte what the outbox writes', async () => {
    sink = await startSink();
    mailer = createSmtpMailer({ url: sink.url(), retry });
    const message = await realMessage();
    await mailer.send(message);
    await createOutboxMailer({ dir }).send(message);
    const file = readFileSync(path.join(dir, 'nostalgia-winback', '4711.eml'));
    expect(sink.received[0].raw.equals(file)).toBe(true);
  });

  it('escapes a dot that starts a line, so a "." line in the body cannot end DATA early', async () => {
    sink = await startSink();
    mailer = createSmtpMailer({ url: sink.url(), retry });
    const message = await realMessage();
    const raw = Buffer.concat([message.raw, Buffer.from('.\r\n..two dots\r\n.\r\nthe end, no line break')]);
    expect(await mailer.send({ ...message, raw })).toMatchObject({ status: 'delivered' });
    // The sink takes the dots back out; the missing last line break is the only thing added.
    expect(sink.received[0].raw.toString('latin1')).toBe(`${raw.toString('latin1')}\r\n`);
  });

  it('classifies a 4xx as transient, and the retry goes through', async () => {
    sink = await startSink({ rcpt: (_address, attempt) => (attempt === 1 ? '451 4.7.1 Greylisted, please try again later' : undefined) });
    mailer = createSmtpMailer({ url: sink.url(), retry });
    const message = await realMessage();
    expect(await mailer.send(message, 1)).toEqual({ status: 'failed', failure: { kind: 'transient', reason: expect.stringContaining('451'), retryAfterMs: 60_000 } });
    expect(await mailer.send(message, 2)).toMatchObject({ status: 'delivered' });
    expect(sink.received).toHaveLength(1);
  });

  it('classifies a 5xx for the recipient as permanent', async () => {
    sink = await startSink({ rcpt: () => '550 5.1.1 Mailbox does not exist' });
    mailer = createSmtpMailer({ url: sink.url(), retry });
    expect(await mailer.send(await realMessage())).toEqual({ status: 'failed', failure: { kind: 'permanent', reason: expect.stringContaining('5.1.1') } });
  });

  it('classifies a refused login as fatal, saying what to fix', async () => {
    sink = await startSink({ auth: { user: 'rekindle', pass: 'right' } });
    mailer = createSmtpMailer({ url: sink.url({ user: 'rekindle', pass: 'wrong' }), retry });
    expect(await mailer.send(await realMessage())).toEqual({ status: 'failed', failure: { kind: 'fatal', reason: expect.stringMatching(/refused our login.*SMTP_URL/) } });
  });

  it('logs in when the credentials are right', async () => {
    sink = await startSink({ auth: { user: 'rekindle', pass: 'right' } });
    mailer = createSmtpMailer({ url: sink.url({ user: 'rekindle', pass: 'right' }), retry });
    expect(await mailer.send(await realMessage())).toMatchObject({ status: 'delivered' });
  });

  it('classifies a policy block of our sender or our content as fatal', async () => {
    sink = await startSink({ mailFrom: () => '550 5.7.1 Sender address rejected: not permitted' });
    mailer = createSmtpMailer({ url: sink.url(), retry });
    expect(await mailer.send(await realMessage())).toMatchObject({ status: 'failed', failure: { kind: 'fatal' } });
    await mailer.close();
    await sink.close();

    sink = await startSink({ data: () => '554 5.7.1 Message rejected as spam' });
    mailer = createSmtpMailer({ url: sink.url(), retry });
    expect(await mailer.send(await realMessage())).toMatchObject({ status: 'failed', failure: { kind: 'fatal' } });
  });

  it('classifies a server that is not there as transient', async () => {
    sink = await startSink();
    const url = sink.url();
    await sink.close();
    mailer = createSmtpMailer({ url, retry, connectionTimeout: 2000 });
    expect(await mailer.send(await realMessage())).toMatchObject({ status: 'failed', failure: { kind: 'transient' } });
    sink = await startSink();
  });

  it('sends many emails through one pool of at most maxConnections connections', async () => {
    sink = await startSink();
    mailer = createSmtpMailer({ url: sink.url(), retry, maxConnections: 2 });
    const messages = await Promise.all(Array.from({ length: 20 }, (_, i) => realMessage({ sendId: `s${i}`, to: { address: `c${i}@example.com` } })));
    const outcomes = await Promise.all(messages.map((m) => mailer!.send(m)));
    expect(outcomes.every((o) => o.status === 'delivered')).toBe(true);
    expect(sink.received).toHaveLength(20);
    expect(sink.connections).toBeLessThanOrEqual(2);
  });

  it('signs with DKIM over both unsubscribe headers, and the signature verifies', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyFile = path.join(dir, 'dkim.pem');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    sink = await startSink();
    mailer = createSmtpMailer({ url: sink.url(), retry, dkim: { domain: 'beanthere.example', selector: 'rk2025', privateKeyFile: keyFile } });
    const message = await realMessage();
    await mailer.send(message);

    const received = sink.received[0].raw;
    const result = verifyDkim(received, publicKey);
    expect(result.tags).toMatchObject({ d: 'beanthere.example', s: 'rk2025', c: 'relaxed/relaxed', a: 'rsa-sha256' });
    expect(result.signedHeaders).toEqual(expect.arrayContaining(['from', 'subject', 'list-unsubscribe', 'list-unsubscribe-post', 'message-id', 'x-rekindle-campaign']));
    expect(result.bodyHashMatches).toBe(true);
    expect(result.signatureValid).toBe(true);

    // Only the signature was added: the rest is what the outbox would hold.
    const signatureEnd = received.toString('latin1').search(/\r\n(?![ \t])/) + 2; // the end of the folded header
    expect(received.subarray(0, 16).toString()).toBe('DKIM-Signature: ');
    expect(received.subarray(signatureEnd).equals(message.raw)).toBe(true);

    // And a changed byte anywhere breaks it, as it must.
    const tampered = Buffer.from(received.toString('latin1').replace('List-Unsubscribe=One-Click', 'List-Unsubscribe=One-Clock'), 'latin1');
    expect(verifyDkim(tampered, publicKey).signatureValid).toBe(false);
  });

  it('tells a connection dropped after the end of DATA was written (uncertain) from one dropped before the body (transient), DKIM-signed too', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyFile = path.join(dir, 'dkim.pem');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const dropping = await startSmtpSink();
    try {
      for (const dkim of [undefined, { domain: 'beanthere.example', selector: 'rk2025', privateKeyFile: keyFile }]) {
        mailer = createSmtpMailer({ url: dropping.url(), retry, dkim });
        const message = await realMessage();
        dropping.dropAfterData(1);
        expect(await mailer.send(message)).toEqual({ status: 'failed', messageId: message.messageId, failure: { kind: 'uncertain', reason: expect.stringContaining('after the whole message was sent') } });
        dropping.dropMidData(1);
        expect(await mailer.send(message)).toEqual({ status: 'failed', failure: { kind: 'transient', reason: expect.stringContaining('connection problem'), retryAfterMs: 60_000 } });
        expect(await mailer.send(message)).toMatchObject({ status: 'delivered' });
        await mailer.close();
      }
      // Each round: the dropped-after copy (the server had it whole) and the delivered one.
      expect(dropping.received).toHaveLength(4);
    } finally {
      await dropping.close();
    }
  });

  it('names the setting when the DKIM key cannot be read', () => {
    expect(() => createSmtpMailer({ url: 'smtp://127.0.0.1:2525', dkim: { domain: 'd.example', selector: 's', privateKeyFile: path.join(dir, 'missing.pem') } })).toThrow(ConfigError);
    expect(DKIM_HEADER_FIELDS.split(':')).toEqual(expect.arrayContaining(['List-Unsubscribe', 'List-Unsubscribe-Post']));
  });
});
