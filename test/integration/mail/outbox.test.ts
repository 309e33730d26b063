import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { buildMessage } from '../../../src/mail/message';
import { createOutboxMailer } from '../../../src/mail/transport';
import { messageFacts } from '../../unit/mail/builders';

const content = (words: string) => ({ subject: 'A note from Bean There', html: `<p>${words}</p>`, text: `${words}\n` });

describe('the outbox mailer', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rekindle-outbox-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes OUTBOX_DIR/<campaign>/<send id>.eml, a complete message that parses', async () => {
    const mailer = createOutboxMailer({ dir });
    const message = await buildMessage(messageFacts(), content('Hello again'));
    const file = path.join(dir, 'nostalgia-winback', '4711.eml');
    expect(await mailer.send(message)).toEqual({ status: 'delivered', messageId: message.messageId, detail: file });
    expect(readFileSync(file).equals(message.raw)).toBe(true);
    const parsed = await simpleParser(readFileSync(file));
    expect(parsed.messageId).toBe(message.messageId);
    expect(parsed.text).toBe('Hello again\n');
    expect(readdirSync(path.dirname(file))).toEqual(['4711.eml']); // no temporary file left behind
  });

  it('never rewrites an email that is already there, and says it left before', async () => {
    const mailer = createOutboxMailer({ dir });
    const first = await buildMessage(messageFacts(), content('First words'));
    const second = await buildMessage(messageFacts(), content('Other words'));
    await mailer.send(first);
    expect(await mailer.send(second)).toMatchObject({ status: 'already-delivered' });
    expect(readFileSync(path.join(dir, 'nostalgia-winback', '4711.eml')).equals(first.raw)).toBe(true);
  });

  it('lets exactly one of many simultaneous writers of a send win, whole', async () => {
    const mailers = Array.from({ length: 8 }, () => createOutboxMailer({ dir }));
    const messages = await Promise.all(mailers.map((_, i) => buildMessage(messageFacts(), content(`Writer ${i} `.repeat(2000)))));
    const outcomes = await Promise.all(mailers.map((m, i) => m.send(messages[i])));
    expect(outcomes.filter((o) => o.status === 'delivered')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'already-delivered')).toHaveLength(7);
    const written = readFileSync(path.join(dir, 'nostalgia-winback', '4711.eml'));
    expect(messages.some((m) => m.raw.equals(written))).toBe(true);
    expect(readdirSync(path.join(dir, 'nostalgia-winback'))).toEqual(['4711.eml']);
  });

  it('tells whether a send left, for reconciling after a crash', async () => {
    const mailer = createOutboxMailer({ dir });
    const message = await buildMessage(messageFacts(), content('Hi'));
    await mailer.send(message);
    expect(await mailer.evidence({ campaign: 'nostalgia-winback', sendId: '4711' })).toBe('delivered');
    expect(await mailer.evidence({ campaign: 'nostalgia-winback', sendId: '4712' })).toBe('not-delivered');
    // And the Message-ID it left with, so a send reconciled as delivered can still be matched to a reply.
    expect(await mailer.deliveredMessageId({ campaign: 'nostalgia-winback', sendId: '4711' })).toBe(message.messageId);
    expect(await mailer.deliveredMessageId({ campaign: 'nostalgia-winback', sendId: '4712' })).toBeNull();
  });

  it('classifies an outbox it cannot write as fatal, naming OUTBOX_DIR', async () => {
    const blocked = path.join(dir, 'not-a-folder');
    writeFileSync(blocked, 'a file where the outbox should be');
    const outcome = await createOutboxMailer({ dir: blocked }).send(await buildMessage(messageFacts(), content('Hi')));
    expect(outcome).toEqual({ status: 'failed', failure: { kind: 'fatal', reason: expect.stringContaining('OUTBOX_DIR') } });
  });

  it('refuses names that could leave the outbox folder', async () => {
    const message = { ...(await buildMessage(messageFacts(), content('Hi'))), campaign: '../escape' };
    await expect(createOutboxMailer({ dir }).send(message)).rejects.toThrow(RangeError);
  });
});
