/**
 * The console's session cookie and the checks every request behind it passes: a live session
 * (else a GET goes to the sign-in page with its return path), and on every POST the session's
 * CSRF token, from the form field `_csrf`, the `X-CSRF-Token` header or a `_csrf` query parameter
 * (multipart uploads, whose body a route streams itself).
 */
import { timingSafeEqual } from 'node:crypto';
import express, { CookieOptions, Request, RequestHandler, Response } from 'express';
import { StaffSessions } from '../../auth/staffSessions';
import type { StaffUser } from '../../db/entities/Staff';
import { closeIfUnread } from '../errors';
import type { ConsoleContext } from './index';
import type { Staff } from './staff';

export const SESSION_COOKIE = 'rekindle_session';
/** The sign-in form's own CSRF token, before there is a session. */
export const SIGN_IN_COOKIE = 'rekindle_sign_in';

/** HttpOnly, SameSite=Lax, only under the console's path, and Secure when the console is served over https. */
export function cookieOptions(ctx: ConsoleContext, maxAge?: number): CookieOptions {
  const secure = new URL(ctx.services.config.publicUrl).protocol === 'https:';
  return { httpOnly: true, sameSite: 'lax', secure, path: `${ctx.views.base}/console`, ...(maxAge === undefined ? {} : { maxAge }) };
}

export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

export function sameToken(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A urlencoded form's field as text ('' when missing or repeated). */
export const bodyField = (req: Request, name: string): string => {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
};

export const staffFrom = (user: StaffUser): Staff => ({ id: user.id, email: user.email, name: user.name ?? user.email, role: user.role });

/**
 * A return path is kept only if it is a path inside the console (`/campaigns/x?y=1`): no scheme,
 * no host, no `//` or backslash that a browser would read as another site.
 */
export function safeReturnPath(next: unknown): string {
  if (typeof next !== 'string' || next.length > 2000) return '';
  if (!/^\/(?![/\\])[^\\\s]*$/.test(next) || /[\u0000-\u001f]/.test(next)) return '';
  return next;
}

/** `/console/campaigns?x=1` → `/campaigns?x=1`: where to come back to after signing in. */
function returnPathOf(req: Request): string {
  const rest = req.originalUrl.replace(/^\/console/, '');
  return rest === '/' ? '' : safeReturnPath(rest);
}

export function signInPath(ctx: ConsoleContext, next = ''): string {
  return `${ctx.views.base}/console/sign-in${next ? `?next=${encodeURIComponent(next)}` : ''}`;
}

/** Sets `res.locals.staff`, `csrfToken` and `sessionToken` for a live session; otherwise sends the browser to sign in. */
export function requireSession(ctx: ConsoleContext): RequestHandler {
  return async (req, res, next) => {
    const token = readCookie(req, SESSION_COOKIE);
    const user = await ctx.services.staffSessions.resolve(token);
    if (!user || !token) {
      if (token) res.clearCookie(SESSION_COOKIE, cookieOptions(ctx));
      const back = req.method === 'GET' || req.method === 'HEAD' ? returnPathOf(req) : '';
      return res.redirect(303, signInPath(ctx, back));
    }
    res.locals.staff = staffFrom(user);
    res.locals.csrfToken = StaffSessions.csrfOf(token);
    res.locals.sessionToken = token;
    next();
  };
}

const formBody = express.urlencoded({ extended: false, limit: '1mb', parameterLimit: 1000 });

/** The CSRF token a request carries: header, query parameter (uploads), or a form field. */
export function givenCsrf(req: Request, res: Response, then: (token: unknown) => void, fail: (error: unknown) => void): void {
  const header = req.get('x-csrf-token');
  if (header) return then(header);
  const query = (req.query as Record<string, unknown>)._csrf;
  if (typeof query === 'string') return then(query);
  if (!req.is('application/x-www-form-urlencoded')) return then(undefined);
  formBody(req, res, (error?: unknown) => (error ? fail(error) : then((req.body as Record<string, unknown> | undefined)?._csrf)));
}

/** Every POST under the session carries the session's token; anything else is refused before any handler runs. */
export function requireCsrf(ctx: ConsoleContext): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'POST') return next();
    givenCsrf(req, res, (token) => {
      if (sameToken(token, res.locals.csrfToken as string)) return next();
      closeIfUnread(req, res);
      ctx.views.page(res, 'forbidden', {
        title: 'This form has expired',
        section: '',
        message: 'The form did not carry this session’s security token, so nothing was changed. Go back, reload the page and try again.',
      }, 403);
    }, next);
  };
}
