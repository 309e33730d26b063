/** Reading the customer's pages as a browser without JavaScript would: forms, their actions and hidden fields. The demo's shoppers and the page tests both use it. */
export interface PageForm {
  action: string;
  fields: Record<string, string>;
}

const decode = (s: string) => s.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

export function formsOf(html: string): PageForm[] {
  return [...html.matchAll(/<form method="post" action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)].map((m) => ({
    action: decode(m[1]),
    fields: Object.fromEntries([...m[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((f) => [f[1], decode(f[2])])),
  }));
}

export function formTo(html: string, prefix: string): PageForm {
  const form = formsOf(html).find((f) => f.action.startsWith(prefix));
  if (!form) throw new Error(`no form posting to ${prefix}… on the page`);
  return form;
}

export function hrefOf(html: string, pattern: RegExp): string {
  const match = [...html.matchAll(/href="([^"]+)"/g)].map((m) => decode(m[1])).find((href) => pattern.test(href));
  if (!match) throw new Error(`no link matching ${pattern} on the page`);
  return match;
}

export function postForm(url: string, fields: Record<string, string>, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(), ...init });
}

/** The code a landing page shows once "Show my code" was pressed, or null. */
export function codeOn(html: string): string | null {
  return /<p class="code"[^>]*>([^<]+)<\/p>/.exec(html)?.[1].trim() ?? null;
}
