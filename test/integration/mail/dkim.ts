/**
 * A DKIM verifier (RFC 6376) for relaxed/relaxed rsa-sha256, written against the RFC with
 * node:crypto so the test does not trust the signer's own code to check itself. Verifies one
 * signature against a given public key (no DNS lookup).
 */
import { createHash, KeyObject, verify } from 'node:crypto';

export interface DkimResult {
  bodyHashMatches: boolean;
  signatureValid: boolean;
  tags: Record<string, string>;
  signedHeaders: string[];
}

interface Field {
  name: string;
  /** The whole field as it appeared, folding included, without the final CRLF. */
  raw: string;
}

export function verifyDkim(message: Buffer, publicKey: KeyObject): DkimResult {
  const text = message.toString('latin1'); // byte-for-byte, whatever the encoding
  const split = text.indexOf('\r\n\r\n');
  const fields = parseFields(text.slice(0, split + 2));
  const body = text.slice(split + 4);
  const signature = fields.find((f) => f.name === 'dkim-signature');
  if (!signature) throw new Error('no DKIM-Signature header');
  const tags = parseTags(unfold(signature.raw.slice(signature.raw.indexOf(':') + 1)));
  if (tags.c !== 'relaxed/relaxed' || tags.a !== 'rsa-sha256') throw new Error(`unsupported c=${tags.c} a=${tags.a}`);

  const bodyHash = createHash('sha256').update(relaxedBody(body), 'latin1').digest('base64');
  const signedHeaders = tags.h.split(':').map((h) => h.trim().toLowerCase());
  const others = fields.filter((f) => f !== signature);
  const used = new Set<Field>();
  const lines = signedHeaders.map((name) => {
    // The last instance not yet used, bottom-up (RFC 6376 §5.4.2); a missing one signs as nothing.
    const field = [...others].reverse().find((f) => f.name === name && !used.has(f));
    if (!field) return undefined;
    used.add(field);
    return relaxedHeader(field.raw);
  });
  const withoutB = signature.raw.replace(/([;:\s]b=)[^;]*/, '$1');
  const data = lines.filter((l) => l !== undefined).map((l) => `${l}\r\n`).join('') + relaxedHeader(withoutB);
  const signatureValid = verify('sha256', Buffer.from(data, 'latin1'), publicKey, Buffer.from(tags.b, 'base64'));
  return { bodyHashMatches: bodyHash === tags.bh, signatureValid, tags, signedHeaders };
}

function parseFields(head: string): Field[] {
  const fields: Field[] = [];
  for (const line of head.split('\r\n').slice(0, -1)) {
    if (/^[ \t]/.test(line) && fields.length) fields[fields.length - 1].raw += `\r\n${line}`;
    else fields.push({ name: line.slice(0, line.indexOf(':')).trim().toLowerCase(), raw: line });
  }
  return fields;
}

const unfold = (value: string): string => value.replace(/\r\n(?=[ \t])/g, '');

function parseTags(value: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const part of value.split(';')) {
    const at = part.indexOf('=');
    if (at > 0) tags[part.slice(0, at).trim()] = part.slice(at + 1).replace(/\s+/g, '');
  }
  return tags;
}

/** §3.4.2: lower-case name, unfolded value, runs of WSP to one space, none around the colon or at the end. */
function relaxedHeader(raw: string): string {
  const at = raw.indexOf(':');
  const value = unfold(raw.slice(at + 1)).replace(/[ \t]+/g, ' ').trim();
  return `${raw.slice(0, at).trim().toLowerCase()}:${value}`;
}

/** §3.4.4: WSP runs to one space, none at line ends, no empty lines at the end, CRLF-terminated. */
function relaxedBody(body: string): string {
  const lines = body.split('\r\n').map((l) => l.replace(/[ \t]+/g, ' ').replace(/ $/, ''));
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.length ? lines.join('\r\n') + '\r\n' : '';
}
