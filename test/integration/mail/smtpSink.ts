/** A real SMTP server on 127.0.0.1 (port 0) that keeps what it receives and can be told to refuse. */
import { SMTPServer, SMTPServerAddress } from 'smtp-server';

export interface Received {
  from: string;
  to: string[];
  raw: Buffer;
}

export interface SinkRules {
  /** Require AUTH with these credentials. */
  auth?: { user: string; pass: string };
  /** Return an SMTP reply like "451 4.2.0 Greylisted" to refuse, undefined to accept. */
  rcpt?: (address: string, attempt: number) => string | undefined;
  mailFrom?: (address: string) => string | undefined;
  data?: (raw: Buffer) => string | undefined;
}

export interface Sink {
  port: number;
  received: Received[];
  connections: number;
  url(credentials?: { user: string; pass: string }): string;
  close(): Promise<void>;
}

const reply = (text: string): Error => Object.assign(new Error(text.slice(4)), { responseCode: Number(text.slice(0, 3)) });

export async function startSink(rules: SinkRules = {}): Promise<Sink> {
  const rcptAttempts = new Map<string, number>();
  const sink: Sink = {
    port: 0,
    received: [],
    connections: 0,
    url: (c) => `smtp://${c ? `${encodeURIComponent(c.user)}:${encodeURIComponent(c.pass)}@` : ''}127.0.0.1:${sink.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    secure: false,
    logger: false,
    disabledCommands: rules.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !rules.auth,
    allowInsecureAuth: true,
    onConnect(_session, callback) {
      sink.connections++;
      callback();
    },
    onAuth(auth, _session, callback) {
      if (rules.auth && auth.username === rules.auth.user && auth.password === rules.auth.pass) return callback(null, { user: auth.username });
      callback(reply('535 5.7.8 Authentication credentials invalid'));
    },
    onMailFrom(address: SMTPServerAddress, _session, callback) {
      const refusal = rules.mailFrom?.(address.address);
      callback(refusal ? reply(refusal) : undefined);
    },
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const attempt = (rcptAttempts.get(address.address) ?? 0) + 1;
      rcptAttempts.set(address.address, attempt);
      const refusal = rules.rcpt?.(address.address, attempt);
      callback(refusal ? reply(refusal) : undefined);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const refusal = rules.data?.(raw);
        if (refusal) return callback(reply(refusal));
        const envelope = session.envelope;
        sink.received.push({ from: envelope.mailFrom ? envelope.mailFrom.address : '', to: envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  sink.port = (server.server.address() as { port: number }).port;
  return sink;
}
