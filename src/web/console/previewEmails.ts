/**
 * The preview's emails, each served as its own document for an <iframe src>: the console's CSP
 * forbids inline styles, and an email is nothing but inline styles, so a `srcdoc` frame (which
 * inherits the page's CSP) would show it unstyled. Each email gets a CSP of its own instead:
 * its inline styles, images, no scripts, nothing else; like the outbox's (framedHtml), without
 * the open pixel and with links the sandbox will not follow. The preview page keeps what it rendered
 * for a few minutes, so its frames do not render the campaign again; a frame asked for later
 * renders it afresh.
 */
import type { Request, Response } from 'express';
import type { Services } from '../../wiring';
import { framedHtml } from './outbox';

export interface PreviewEmail {
  html: string;
}

const KEEP_MS = 10 * 60_000;
const MOST = 50;
type Kept = Map<string, { at: number; emails: (PreviewEmail | null)[] }>;
/** Per services (one shop's database), so two shops in one process never see each other's emails. */
const keptBy = new WeakMap<Services, Kept>();
const keptFor = (services: Services): Kept => keptBy.get(services) ?? keptBy.set(services, new Map()).get(services)!;

const keyOf = (name: string, incidentId: number | undefined) => `${name} ${incidentId ?? ''}`;

export function keepEmails(services: Services, name: string, incidentId: number | undefined, emails: (PreviewEmail | null)[]): void {
  const kept = keptFor(services);
  const now = services.clock().getTime();
  for (const [key, entry] of kept) if (now - entry.at > KEEP_MS || kept.size >= MOST) kept.delete(key);
  kept.set(keyOf(name, incidentId), { at: now, emails });
}

/** Step `step` (1-based) as the preview rendered it; renders the preview again when nothing recent is kept. */
export async function previewEmail(services: Services, name: string, incidentId: number | undefined, step: number): Promise<PreviewEmail | null> {
  const now = services.clock().getTime();
  const entry = keptFor(services).get(keyOf(name, incidentId));
  if (entry && now - entry.at <= KEEP_MS) return entry.emails[step - 1] ?? null;
  const preview = await services.campaigns().preview(name, incidentId);
  const emails = preview.steps.map((s) => (s.sample ? { html: framedHtml(s.sample.html, services.config.publicUrl) } : null));
  keepEmails(services, name, incidentId, emails);
  return emails[step - 1] ?? null;
}

/** The email as a document of its own, sandboxed, with the one CSP an email needs. */
export function sendEmail(res: Response, email: PreviewEmail): void {
  res.set({
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data: https:; font-src https: data:; frame-ancestors 'self'; sandbox",
    'Cache-Control': 'no-store',
  });
  // A sandboxed frame has an opaque origin, which cannot be origin-keyed: Chromium warns on every frame.
  res.removeHeader('Origin-Agent-Cluster');
  res.type('html').send(email.html);
}

export function stepOf(req: Request): number {
  const step = String(req.params.step);
  return /^\d{1,3}$/.test(step) ? Number(step) : 0;
}
