/**
 * The plain-text alternative, derived once per template from the parsed MJML (not from the
 * rendered HTML, whose layout tables would leak into the text), so the copy lives in one file.
 * Handlebars expressions pass through untouched; the result is compiled like any template.
 *
 * Handles the small HTML vocabulary email copy uses inside mj-text: p, br, headings, lists,
 * links, emphasis. A link becomes "label (url)"; a button "label: url"; images are left out
 * (whatever they link to is also a text link).
 */
export interface MjmlNode {
  tagName: string;
  attributes?: Record<string, unknown>;
  content?: string;
  children?: MjmlNode[];
}

const BLOCK = '\n\n';
const SKIP = new Set(['mj-head', 'mj-image', 'mj-spacer', 'mj-divider', 'mj-social', 'mj-navbar', 'mj-carousel']);

export function mjmlToText(node: MjmlNode): string {
  const text = blockText(node)
    .split('\n')
    .map((line) => line.trim())
    .join('\n');
  return text.replace(/\n{3,}/g, BLOCK).trim() + '\n';
}

function blockText(node: MjmlNode): string {
  if (SKIP.has(node.tagName)) return '';
  const attr = (name: string) => (typeof node.attributes?.[name] === 'string' ? (node.attributes[name] as string) : '');
  switch (node.tagName) {
    case 'mj-text':
    case 'mj-table':
      return BLOCK + htmlToText(node.content ?? '') + BLOCK;
    case 'mj-button':
      return BLOCK + `${htmlToText(node.content ?? '')}: ${attr('href')}` + BLOCK;
    case 'mj-raw':
      // Raw HTML (the open pixel, layout hacks) has no text; handlebars blocks that open or close
      // around other elements must survive, or the text template would not balance.
      return (node.content ?? '').match(/\{\{~?\s*(?:[#/^]|else\b)[^}]*\}\}/g)?.join('') ?? '';
    default:
      return (node.children ?? []).map(blockText).join('');
  }
}

/** Inline HTML to text: whitespace collapses as a browser would, blocks and lists become lines. */
export function htmlToText(html: string): string {
  let out = '';
  const links: { href: string; start: number }[] = [];
  const token = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>|<!--[\s\S]*?-->|([^<]+)/g;
  for (let m = token.exec(html); m; m = token.exec(html)) {
    if (m[4] !== undefined) {
      out += decodeEntities(m[4].replace(/\s+/g, ' '));
      continue;
    }
    if (!m[2]) continue; // a comment
    const [closing, tag] = [m[1] === '/', m[2].toLowerCase()];
    if (tag === 'a' && !closing) links.push({ href: /href\s*=\s*"([^"]*)"/i.exec(m[3])?.[1] ?? '', start: out.length });
    else if (tag === 'a' && closing) out = closeLink(out, links.pop());
    else if (tag === 'br') out += '\n';
    else if (tag === 'li' && !closing) out += '\n- ';
    else if (/^(p|div|h[1-6]|ul|ol|table|tr|blockquote)$/.test(tag)) out += BLOCK;
  }
  return out;
}

function closeLink(out: string, link: { href: string; start: number } | undefined): string {
  if (!link?.href) return out;
  const label = out.slice(link.start).trim();
  const href = decodeEntities(link.href);
  // A phone number or an address that is its own label reads best alone.
  const plain = href.replace(/^(mailto|tel):/, '');
  if (!label || label === href || label.replace(/[^\d+]/g, '') === plain || label === plain) return out.slice(0, link.start) + (label || href);
  return `${out} (${href})`;
}

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', mdash: '—', ndash: '–', hellip: '…',
  rsquo: '’', lsquo: '‘', ldquo: '“', rdquo: '”', middot: '·', copy: '©', euro: '€', pound: '£',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] !== '#') return NAMED[name.toLowerCase()] ?? whole;
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/**
 * Per recipient, after filling: a conditional that rendered nothing leaves an empty line behind.
 * Lines were trimmed when the template was made, so collapsing runs of blank lines is enough —
 * one native regex pass, because it runs for every email.
 */
export function tidyText(text: string): string {
  return text.replace(/\n{3,}/g, '\n\n');
}
