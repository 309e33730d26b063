/**
 * A real SMTP server on 127.0.0.1 for campaign tests: it keeps every accepted message (raw, with
 * its envelope) and parses them on demand with mailparser, so tests assert on what a mailbox
 * would see. Its behaviour can change between dispatches, as a real server's does: refuse given
 * recipients, refuse the next N messages, refuse logins, or answer slowly.
 */
import { simpleParser, ParsedMail } from 'mailparser';
import { SMTPServer, SMTPServerAddress } from 'smtp-server';

export interface SinkMessage {
  /** Envelope recipient (one per message: the dispatcher sends one recipient per message). */
  to: string;
  raw: Buffer;
}

export interface ParsedMessage {
  to: string;
  /** The bytes as received (DKIM is verified over these). */
  raw: Buffer;
  parsed: ParsedMail;
  /** The header's value as it appeared, unfolded; undefined when absent. */
  header(name: string): string | undefined;
}

export interface SmtpSink {
  readonly port: number;
  readonly received: SinkMessage[];
  /** smtp://127.0.0.1:PORT, with credentials when given. */
  url(credentials?: { user: string; pass: string }): string;
  /** Reply `reply` (e.g. "550 5.1.1 No such mailbox") to RCPT TO for this address; null accepts it again. */
  refuseRecipient(address: string, reply: string | null): void;
  /** Reply `reply` to the next `count` recipients, whoever they are, then accept again. */
  refuseNext(count: number, reply: string): void;
  /** Logins must use these credentials; anything else gets 535. */
  requireLogin(credentials: { user: string; pass: string }): void;
  /** Answer every new connection with `reply` (e.g. "421 4.3.2 Service shutting down") instead of a greeting; null greets again. */
  refuseConnections(reply: string | null): void;
  /** Answer every message, once its body is in, with `reply` (e.g. "451 4.3.0 Try again later"); null accepts again. */
  refuseMessages(reply: string | null): void;
  /**
   * Drop the connection (socket destroyed, no reply) as the DATA of each of the next `count`
   * messages begins, before the server's go-ahead (354) is out: the client cannot have written
   * the body's end, so it knows the message did not arrive. Nothing is kept.
   */
  dropMidData(count: number): void;
  /**
   * Read the whole body of each of the next `count` messages, its end included, then drop the
   * connection without replying. The message is kept, as a server that queued it before its
   * reply was lost would have: the client cannot tell whether it arrived.
   */
  dropAfterData(count: number): void;
  /** Wait this long before accepting each message, so a test can act while mail is in flight. */
  slowDown(ms: number): void;
  /** Called after each accepted message, with the count so far. */
  onMessage(listener: (count: number) => void): void;
  /** Every accepted message, parsed (sorted by recipient, then Message-ID, for stable assertions). */
  messages(): Promise<ParsedMessage[]>;
  /** Messages per recipient, from the envelope alone (cheap for thousands). */
  countByRecipient(): Map<string, number>;
  close(): Promise<void>;
}

const reply = (text: string): Error => Object.assign(new Error(text.slice(4)), { responseCode: Number(text.slice(0, 3)) });

export async function startSmtpSink(): Promise<SmtpSink> {
  const refusedRecipients = new Map<string, string>();
  let refuseNext: { count: number; reply: string } | null = null;
  let login: { user: string; pass: string } | null = null;
  let delayMs = 0;
  let connectionRefusal: string | null = null;
  let messageRefusal: string | null = null;
  let drops = 0;
  let dropsAfterData = 0;
  const listeners: ((count: number) => void)[] = [];
  const received: SinkMessage[] = [];

  const server = new SMTPServer({
    secure: false,
    logger: false,
    // Plain loopback: no TLS; AUTH is offered but optional unless a test requires a login.
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    // A killed client leaves its connections open; closing should not wait 30 s for them.
    closeTimeout: 200,
    onConnect(_session, callback) {
      callback(connectionRefusal ? reply(connectionRefusal) : undefined);
    },
    onAuth(auth, _session, callback) {
      if (!login || (auth.username === login.user && auth.password === login.pass)) return callback(null, { user: auth.username });
      callback(reply('535 5.7.8 Authentication credentials invalid'));
    },
    onMailFrom(_address, session, callback) {
      callback(login && !session.user ? reply('530 5.7.0 Authentication required') : undefined);
    },
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const refusal = refusedRecipients.get(address.address.toLowerCase());
      if (refusal) return callback(reply(refusal));
      if (refuseNext && refuseNext.count > 0) {
        refuseNext.count--;
        return callback(reply(refuseNext.reply));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      if (drops > 0) {
        drops--;
        // smtp-server sends 354 only after onData returns: the socket goes first, so no byte of
        // the body leaves the client. (Dropped after a first chunk, a small message has long been
        // written out whole: the client could not tell that from dropAfterData.)
        return void socketOf(session.id)?.destroy();
      }
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (dropsAfterData > 0) {
          dropsAfterData--;
          for (const rcpt of session.envelope.rcptTo) received.push({ to: rcpt.address.toLowerCase(), raw: Buffer.concat(chunks) });
          return void socketOf(session.id)?.destroy();
        }
        if (messageRefusal) return callback(reply(messageRefusal));
        const accept = () => {
          for (const rcpt of session.envelope.rcptTo) received.push({ to: rcpt.address.toLowerCase(), raw: Buffer.concat(chunks) });
          callback();
          for (const listener of listeners) listener(received.length);
        };
        if (delayMs > 0) setTimeout(accept, delayMs);
        else accept();
      });
    },
  });
  // A client killed mid-session resets its connection (or is gone when a reply is written to it:
  // EPIPE); that is the test's point, not an error.
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') throw error;
  });
  // smtp-server keeps its open connections, each with its session id and socket.
  const socketOf = (sessionId: string) =>
    [...(server as unknown as { connections: Set<{ id: string; _socket: { destroy(): void } }> }).connections].find((c) => c.id === sessionId)?._socket;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as { port: number }).port;

  return {
    port,
    received,
    url: (c) => `smtp://${c ? `${encodeURIComponent(c.user)}:${encodeURIComponent(c.pass)}@` : ''}127.0.0.1:${port}`,
    refuseRecipient: (address, text) => void (text === null ? refusedRecipients.delete(address.toLowerCase()) : refusedRecipients.set(address.toLowerCase(), text)),
    refuseNext: (count, text) => void (refuseNext = { count, reply: text }),
    requireLogin: (credentials) => void (login = credentials),
    refuseConnections: (text) => void (connectionRefusal = text),
    refuseMessages: (text) => void (messageRefusal = text),
    dropMidData: (count) => void (drops = count),
    dropAfterData: (count) => void (dropsAfterData = count),
    slowDown: (ms) => void (delayMs = ms),
    onMessage: (listener) => void listeners.push(listener),
    async messages() {
      const all = await Promise.all(received.map(async (m) => parsedMessage(m.to, m.raw, await simpleParser(m.raw))));
      return all.sort((a, b) => a.to.localeCompare(b.to) || String(a.parsed.messageId).localeCompare(String(b.parsed.messageId)));
    },
    countByRecipient() {
      const counts = new Map<string, number>();
      for (const m of received) counts.set(m.to, (counts.get(m.to) ?? 0) + 1);
      return counts;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function parsedMessage(to: string, raw: Buffer, parsed: ParsedMail): ParsedMessage {
  return {
    to,
    raw,
    parsed,
    header: (name) => parsed.headerLines.find((h) => h.key === name.toLowerCase())?.line.replace(/\r?\n[ \t]+/g, ' ').replace(/^[^:]+:\s*/, ''),
  };
}
