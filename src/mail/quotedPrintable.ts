/**
 * Quoted-printable (RFC 2045 §6.7) for text bodies, in one pass over the UTF-8 bytes. nodemailer's
 * encoder (a regex pass, then a wrapping pass) took over half the time of building a 20 KB message;
 * this is a byte loop driven by a lookup table, into a scratch buffer reused across calls (the
 * call is synchronous, so nothing else can touch it meanwhile). Line breaks in the input become
 * CRLF hard breaks; longer lines get soft breaks so none exceeds 76 characters.
 */
const HEX = Buffer.from('0123456789ABCDEF');
const MAX = 75; // characters before the soft-break "=" that makes 76
const [ENCODE, LITERAL, BLANK, LF, CR] = [0, 1, 2, 3, 4];
const KIND = new Uint8Array(256);
for (let b = 33; b <= 126; b++) KIND[b] = LITERAL;
KIND[0x3d] = ENCODE; // "=" itself
KIND[0x20] = BLANK;
KIND[0x09] = BLANK;
KIND[0x0a] = LF;
KIND[0x0d] = CR;

let scratch = Buffer.allocUnsafe(1 << 16);

export function encodeQuotedPrintable(text: string): string {
  const src = Buffer.from(text, 'utf8');
  const n = src.length;
  const need = n * 3 + Math.ceil((n * 3) / MAX) * 3 + 4;
  if (scratch.length < need) scratch = Buffer.allocUnsafe(need);
  const out = scratch;
  let o = 0;
  let col = 0;
  for (let i = 0; i < n; i++) {
    const b = src[i];
    const kind = KIND[b];
    if (kind === LF || (kind === CR && src[i + 1] === 0x0a)) {
      if (kind === CR) i++;
      out[o++] = 0x0d;
      out[o++] = 0x0a;
      col = 0;
      continue;
    }
    // Whitespace that ends a line would be stripped in transit, so only inner blanks stay literal.
    const next = i + 1 < n ? src[i + 1] : 0x0a;
    if (kind === LITERAL || (kind === BLANK && next !== 0x0a && next !== 0x0d)) {
      if (col === MAX) {
        out[o++] = 0x3d;
        out[o++] = 0x0d;
        out[o++] = 0x0a;
        col = 0;
      }
      out[o++] = b;
      col++;
      continue;
    }
    if (col + 3 > MAX) {
      out[o++] = 0x3d;
      out[o++] = 0x0d;
      out[o++] = 0x0a;
      col = 0;
    }
    out[o++] = 0x3d;
    out[o++] = HEX[b >> 4];
    out[o++] = HEX[b & 15];
    col += 3;
  }
  return out.toString('latin1', 0, o);
}
