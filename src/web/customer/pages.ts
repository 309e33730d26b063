/**
 * The customer's pages: handlebars templates in views/pages, compiled once when the routes are
 * built, logic-less (built-in helpers only) and HTML-escaping. The stylesheet is served from
 * our own origin under a content hash, so the CSP allows styles from 'self' and nothing inline.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';

export const PAGE_NAMES = ['landing', 'ended', 'not-found', 'unsubscribe', 'unsubscribed', 'thanks', 'feedback', 'test-link', 'problem'] as const;
export type PageName = (typeof PAGE_NAMES)[number];

export interface ShopFace {
  name: string;
  postalAddress: string;
  /** The shop's own site: PUBLIC_URL's origin. */
  home: string;
}

export interface Stylesheet {
  /** Path under the public routes, e.g. `/assets/pages-1a2b3c4d.css`. */
  path: string;
  body: Buffer;
}

export class PageRenderer {
  readonly stylesheet: Stylesheet;
  private readonly templates = new Map<PageName, Handlebars.TemplateDelegate>();

  /** `base` is PUBLIC_URL's path ('' or '/rekindle'): every href and form action starts with it. */
  constructor(pagesDir: string, private readonly shop: ShopFace, private readonly base: string) {
    const hbs = Handlebars.create();
    for (const file of readdirSync(pagesDir).filter((f) => f.startsWith('_') && f.endsWith('.hbs'))) {
      hbs.registerPartial(file.slice(1, -4), readFileSync(path.join(pagesDir, file), 'utf8'));
    }
    for (const name of PAGE_NAMES) {
      const file = path.join(pagesDir, `${name}.hbs`);
      const template = hbs.compile(readFileSync(file, 'utf8'), { knownHelpersOnly: true, strict: false });
      // Compiling is lazy in handlebars; one dry run now turns a broken template into a start-up error.
      template({});
      this.templates.set(name, template);
    }
    const css = readFileSync(path.join(pagesDir, 'pages.css'));
    this.stylesheet = { path: `/assets/pages-${createHash('sha256').update(css).digest('hex').slice(0, 10)}.css`, body: css };
  }

  render(name: PageName, model: Record<string, unknown>): string {
    const template = this.templates.get(name) as Handlebars.TemplateDelegate;
    return template({ ...model, shop: this.shop, base: this.base, stylesheet: this.base + this.stylesheet.path });
  }
}
