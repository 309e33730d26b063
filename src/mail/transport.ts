/**
 * The Mailer port the dispatcher sends through, and its two adapters: the outbox (one .eml file
 * per send, written atomically, never rewritten) and SMTP (one pooled, rate-limited nodemailer
 * transport, DKIM-signed when configured). Both carry the exact bytes message.ts built, so what
 * the outbox shows is what SMTP would have sent (SMTP adds only the DKIM-Signature header).
 */
import { createPrivateKey } from 'node:crypto';
import { constants, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import nodemailer from 'nodemailer';
import { ConfigError } from '../domain/errors';
import { classifySendFailure, DEFAULT_RETRY, RetryPolicy, SendFailure } from './classify';
import type { OutgoingMessage } from './message';

export type SendOutcome =
  /** Accepted by the SMTP server, or written to the outbox. `detail`: the server's reply or the file. */
  | { status: 'delivered'; messageId: string; detail: string }
  /** The outbox already holds this send: it left before (a retry after a crash). Not rewritten. */
  | { status: 'already-delivered'; messageId: string; detail: string }
  /** `messageId`: set when the message may have left (failure kind `uncertain`), to find it by. */
  | { status: 'failed'; failure: SendFailure; messageId?: string };

/** Whether a send whose outcome was lost (a crash mid-send) left: only the outbox can tell. */
export type DeliveryEvidence = 'delivered' | 'not-delivered' | 'unknown';

export interface Mailer {
  readonly kind: 'outbox' | 'smtp';
  /** `attempt` is 1-based; it sizes the backoff of a transient failure. Never throws for a send failure. */
  send(message: OutgoingMessage, attempt?: number): Promise<SendOutcome>;
  evidence(ref: { campaign: string; sendId: string }): Promise<DeliveryEvidence>;
  /** The Message-ID of a send the evidence shows delivered (read back from its outbox file); null when nothing can show it. */
  deliveredMessageId(ref: { campaign: string; sendId: string }): Promise<string | null>;
  close(): Promise<void>;
}

/** SMTP when SMTP_URL is set, otherwise the outbox: the one choice wiring makes. */
export function createMailer(options: { smtp?: SmtpOptions; outboxDir: string; retry?: RetryPolicy }): Mailer {
  return options.smtp ? createSmtpMailer({ retry: options.retry, ...options.smtp }) : createOutboxMailer({ dir: options.outboxDir, retry: options.retry });
}

export function createOutboxMailer(options: { dir: string; retry?: RetryPolicy }): Mailer {
  const retry = options.retry ?? DEFAULT_RETRY;
  const fileOf = (ref: { campaign: string; sendId: string }) => path.join(options.dir, safeSegment(ref.campaign), `${safeSegment(ref.sendId)}.eml`);
  return {
    kind: 'outbox',
    async send(message, attempt = 1) {
      const file = fileOf(message);
      try {
        const written = await writeOnce(file, message.raw);
        return { status: written ? 'delivered' : 'already-delivered', messageId: message.messageId, detail: file };
      } catch (error) {
        return { status: 'failed', failure: classifySendFailure(error, attempt, retry) };
      }
    },
    async evidence(ref) {
      return (await exists(fileOf(ref))) ? 'delivered' : 'not-delivered';
    },
    async deliveredMessageId(ref) {
      return messageIdInFile(fileOf(ref));
    },
    async close() {},
  };
}

/** The Message-ID header of an outbox email, from its head (the headers come first); null if the file or header is missing. */
async function messageIdInFile(file: string): Promise<string | null> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(file, 'r');
    const head = Buffer.alloc(16 * 1024);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const headers = head.subarray(0, bytesRead).toString('utf8').split(/\r?\n\r?\n/)[0];
    return /^Message-ID:[ \t]*(<[^>\r\n]+>)/im.exec(headers)?.[1] ?? null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  } finally {
    await handle?.close();
  }
}

/**
 * Temp file in the same directory, fsync, then link() to the final name: link fails if the name
 * exists, so an existing email is never replaced (rename would replace it), and a reader sees
 * either no file or the whole file. Returns false when the file was already there. The temp file
 * goes whatever happens: a full disk must not fill up further with half-written copies.
 */
async function writeOnce(file: string, bytes: Buffer): Promise<boolean> {
  const dir = path.dirname(file);
  if (await exists(file)) return false;
  await fs.mkdir(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`);
  const handle = await fs.open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
  try {
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.link(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await fs.unlink(temp).catch(() => undefined);
  }
  await syncDir(dir);
  return true;
}

/** The new directory entry survives a power cut only once the directory itself is synced. */
async function syncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, constants.O_RDONLY).catch(() => undefined);
  if (!handle) return;
  await handle.sync().catch(() => undefined); // not every platform can fsync a directory
  await handle.close();
}

const exists = (file: string) => fs.access(file).then(() => true, () => false);

/** Campaign names and send ids become path segments: refuse anything that could escape the folder. */
function safeSegment(value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(value) || value.includes('..')) {
    throw new RangeError(`"${value}" cannot be used as an outbox file or folder name`);
  }
  return value;
}

export interface DkimSettings {
  domain: string;
  selector: string;
  privateKeyFile: string;
}

/** Signed besides nodemailer's defaults: its list leaves out List-Unsubscribe-Post (RFC 8058 §4 wants it signed). */
export const DKIM_HEADER_FIELDS = [
  'From', 'Sender', 'Reply-To', 'Subject', 'Date', 'Message-ID', 'To', 'Cc', 'MIME-Version', 'Content-Type',
  'Content-Transfer-Encoding', 'List-Unsubscribe', 'List-Unsubscribe-Post', 'X-Rekindle-Campaign',
  'X-Rekindle-Run', 'X-Rekindle-Step',
].join(':');

export interface SmtpOptions {
  /** smtp://user:pass@host:port or smtps://… */
  url: string;
  maxConnections?: number;
  /** At most `rateLimit` messages per `rateDelta` ms; unlimited when rateLimit is not set. */
  rateLimit?: number;
  rateDelta?: number;
  /** ms; nodemailer's defaults (2 min connect, 10 min idle socket) are far too patient for a batch. */
  connectionTimeout?: number;
  socketTimeout?: number;
  dkim?: DkimSettings;
  retry?: RetryPolicy;
}

/** Created once per process: the pool keeps connections open across sends. */
export function createSmtpMailer(options: SmtpOptions): Mailer {
  const retry = options.retry ?? DEFAULT_RETRY;
  const transport = nodemailer.createTransport({
    url: options.url,
    pool: true,
    maxConnections: options.maxConnections ?? 5,
    maxMessages: Infinity,
    rateLimit: options.rateLimit,
    rateDelta: options.rateDelta ?? 1000,
    connectionTimeout: options.connectionTimeout ?? 30_000,
    greetingTimeout: options.connectionTimeout ?? 30_000,
    socketTimeout: options.socketTimeout ?? 60_000,
    dkim: options.dkim && dkimOptions(options.dkim),
  });
  watchDataEnd(transport, !options.dkim);
  return {
    kind: 'smtp',
    async send(message, attempt = 1) {
      const data = { ended: false };
      try {
        // The Message-ID given spares nodemailer generating a random one for its own log; the bytes carry ours.
        const info = await transport.sendMail({ envelope: message.envelope, raw: message.raw, messageId: message.messageId, [DATA_END]: data } as Parameters<typeof transport.sendMail>[0]);
        // One recipient per message: nodemailer resolves only if it was accepted, but say so plainly.
        if (!info.accepted?.length) throw Object.assign(new Error('no recipient accepted'), { code: 'EENVELOPE', response: info.response });
        return { status: 'delivered', messageId: message.messageId, detail: String(info.response ?? '') };
      } catch (error) {
        const failure = classifySendFailure(error, attempt, retry, data.ended);
        return failure.kind === 'uncertain' ? { status: 'failed', failure, messageId: message.messageId } : { status: 'failed', failure };
      }
    },
    async evidence() {
      return 'unknown';
    },
    async deliveredMessageId() {
      return null;
    },
    /** Idle connections close at once; a message on the wire finishes first. */
    async close() {
      transport.close();
    },
  };
}

/** The key of the send's own `{ ended }` flag in nodemailer's mail data (it keeps unknown keys). */
const DATA_END = 'rekindleDataEnd';

/**
 * Sets a send's `ended` once the end of its DATA, the final "." line, has been written to the
 * socket. nodemailer does not say where a connection dropped (before or after the body, it is
 * "Connection closed unexpectedly", command CONN); but SMTPConnection.send pipes the message
 * stream into a DataStream that appends the "." line in its _flush and is itself piped into the
 * socket (smtp-connection/index.js, _createSendStream; data-stream.js, _flush): that stream ends
 * only once all of it has gone to socket.write. A 'stream' plugin runs before the pool reads the
 * message, so it can see what the message stream is piped into and wait for that one's end.
 */
interface PluginHost {
  use(step: 'stream', plugin: (mail: { data: object; message?: unknown }, done: (error?: Error | null) => void) => void): unknown;
}

function watchDataEnd(transport: PluginHost, unsigned: boolean): void {
  transport.use('stream', (mail, done) => {
    const data = (mail.data as Record<string, unknown>)[DATA_END] as { ended: boolean } | undefined;
    const message = mail.message as unknown as { createReadStream(...args: unknown[]): NodeJS.ReadableStream } | undefined;
    if (data && message) {
      const raw = (mail.data as { raw?: unknown }).raw;
      const create = unsigned && Buffer.isBuffer(raw) ? () => rawStream(raw) : message.createReadStream.bind(message);
      message.createReadStream = (...args) => {
        const stream = create(...args);
        const pipe = stream.pipe.bind(stream);
        stream.pipe = <T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T => {
          destination.once('end', () => (data.ended = true));
          return pipe(destination, options);
        };
        return stream;
      };
    }
    done();
  });
}

/**
 * The message's bytes as one chunk. Unsigned, nodemailer's own stream for a raw message is a
 * PassThrough, a newline-ending transform and a pipeline (with its AbortController, and a
 * DOMException at every end) around the same bytes: about a tenth of a millisecond an email. Ours
 * end in CRLF already, and the DataStream the connection pipes them into still escapes the dots
 * and writes the final "." line, which watchDataEnd waits for. Signed (DKIM), nodemailer's stream
 * is kept: the signing is part of it.
 */
function rawStream(raw: Buffer): Readable {
  return new Readable({
    read() {
      this.push(raw);
      this.push(null);
    },
  });
}

function dkimOptions(settings: DkimSettings) {
  let privateKey: string;
  try {
    privateKey = readFileSync(settings.privateKeyFile, 'utf8');
    createPrivateKey(privateKey);
  } catch (error) {
    throw new ConfigError('DKIM_PRIVATE_KEY_FILE', `${settings.privateKeyFile} is not a readable PEM private key (${(error as Error).message})`);
  }
  return { domainName: settings.domain, keySelector: settings.selector, privateKey, headerFieldNames: DKIM_HEADER_FIELDS };
}
