/**
 * Reads back the messages message.ts builds (nodemailer's MIME: multipart/alternative, parts in
 * quoted-printable or base64, RFC 2047 words in headers) so the console can show an outbox
 * email as the customer got it. Not a general MIME parser: enough for our own bytes, without
 * adding one to the product's dependencies.
 */

export interface ReadMessage {
  /** Header fields by lower-case name, unfolded and decoded; the first occurrence wins. */
  headers: Record<string, string>;
  html: string | null;
  text: string | null;
}

interface Entity {
  headers: Record<string, string>;
  /** The body as bytes, one char per byte (latin1), still transfer-encoded. */
  body: string;
}

function splitEntity(raw: string): Entity {
  const at = raw.search(/\r?\n\r?\n/);
  const head = at < 0 ? raw : raw.slice(0, at);
  const body = at < 0 ? '' : raw.slice(at).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!(name in headers)) headers[name] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}

const bytesOf = (latin1: string) => Buffer.from(latin1, 'latin1');

function decodeCharset(bytes: Buffer, charset = 'utf-8'): string {
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

function decodeQuotedPrintable(latin1: string): Buffer {
  return bytesOf(latin1.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))));
}

/** RFC 2047 encoded words (`=?UTF-8?Q?Caf=C3=A9?=`), adjacent ones joined as the RFC says. */
export function decodeWords(value: string): string {
  return value.replace(/(\?=)\s+(?==\?)/g, '$1').replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_, charset: string, kind: string, data: string) => {
    const bytes = kind.toUpperCase() === 'B' ? Buffer.from(data, 'base64') : decodeQuotedPrintable(data.replace(/_/g, ' '));
    return decodeCharset(bytes, charset);
  });
}

const param = (header: string | undefined, name: string): string | undefined =>
  new RegExp(`;\\s*${name}="?([^";]+)"?`, 'i').exec(header ?? '')?.[1];

function bodyText(entity: Entity): string {
  const encoding = (entity.headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const bytes = encoding === 'quoted-printable' ? decodeQuotedPrintable(entity.body) : encoding === 'base64' ? Buffer.from(entity.body, 'base64') : bytesOf(entity.body);
  return decodeCharset(bytes, param(entity.headers['content-type'], 'charset') ?? 'utf-8').replace(/\r\n/g, '\n');
}

function collect(entity: Entity, out: ReadMessage): void {
  const type = (entity.headers['content-type'] ?? 'text/plain').split(';')[0].trim().toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = param(entity.headers['content-type'], 'boundary');
    if (!boundary) return;
    const parts = entity.body.split(`--${boundary}`).slice(1);
    for (const part of parts) {
      if (part.startsWith('--')) break;
      collect(splitEntity(part.replace(/^\r?\n/, '').replace(/\r?\n$/, '')), out);
    }
    return;
  }
  if (type === 'text/html' && out.html === null) out.html = bodyText(entity);
  else if (type === 'text/plain' && out.text === null) out.text = bodyText(entity);
}

export function readMessage(raw: Buffer): ReadMessage {
  const entity = splitEntity(raw.toString('latin1'));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(entity.headers)) headers[name] = decodeWords(value);
  const out: ReadMessage = { headers, html: null, text: null };
  collect(entity, out);
  return out;
}
