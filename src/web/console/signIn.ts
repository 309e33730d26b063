/**
 * Signing in and out. The sign-in form has its own CSRF token (a random cookie echoed in the
 * form) since there is no session yet. Failed sign-ins are limited per client address and per
 * email (express-rate-limit's memory store: one process), counting failures only, and every
 * answer costs one scrypt whether or not the email exists.
 */
import { randomBytes } from 'node:crypto';
import express, { Request, RequestHandler, Response, Router } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { normalEmail } from '../../auth/staffUsers';
import type { ConsoleContext } from './index';
import { bodyField, cookieOptions, readCookie, requireCsrf, requireSession, safeReturnPath, sameToken, SESSION_COOKIE, SIGN_IN_COOKIE } from './session';

const WINDOW_MS = 15 * 60_000;
/** The sign-in form's token lives an hour: long enough to type a password, short enough to go stale. */
const SIGN_IN_TOKEN_MS = 60 * 60_000;

interface SignInModel {
  error?: string;
  notice?: string;
  email?: string;
}

function showSignIn(ctx: ConsoleContext, req: Request, res: Response, model: SignInModel, status = 200): void {
  let token = readCookie(req, SIGN_IN_COOKIE);
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) {
    token = randomBytes(32).toString('base64url');
    res.cookie(SIGN_IN_COOKIE, token, cookieOptions(ctx, SIGN_IN_TOKEN_MS));
  }
  res.locals.csrfToken = token;
  const next = safeReturnPath(req.query.next);
  res.set('Cache-Control', 'no-store');
  ctx.views.bare(res, 'sign-in', { title: 'Sign in to the console', ...model, nextQuery: next ? `?next=${encodeURIComponent(next)}` : '' }, status);
}

function limiter(ctx: ConsoleContext, limit: number, key: (req: Request) => string): RequestHandler {
  return rateLimit({
    windowMs: WINDOW_MS,
    limit,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: key,
    handler: (req, res) =>
      showSignIn(ctx, req, res, { error: 'Too many failed sign-ins. Wait 15 minutes and try again, or ask an owner to check your account.' }, 429),
  });
}

export function signInRoutes(ctx: ConsoleContext): Router {
  const router = Router();
  const { staffUsers, staffSessions, config } = ctx.services;
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 });
  const attempts = config.console.signInAttempts;
  const perAddress = limiter(ctx, attempts * 5, (req) => ipKeyGenerator(req.ip ?? 'unknown'));
  const perEmail = limiter(ctx, attempts, (req) => `email:${normalEmail(bodyField(req, 'email'))}`);
  const home = (next: string) => `${ctx.views.base}/console${next}`;

  router.get('/sign-in', async (req, res) => {
    if (await staffSessions.resolve(readCookie(req, SESSION_COOKIE))) return res.redirect(303, home(safeReturnPath(req.query.next)));
    showSignIn(ctx, req, res, req.query.out === '1' ? { notice: 'You are signed out.' } : {});
  });

  router.post('/sign-in', form, perAddress, perEmail, async (req, res) => {
    const email = bodyField(req, 'email');
    if (!sameToken(bodyField(req, '_csrf'), readCookie(req, SIGN_IN_COOKIE) ?? '')) {
      return showSignIn(ctx, req, res, { email, error: 'The sign-in form had expired. Please enter your password again.' }, 403);
    }
    const result = await staffUsers.checkSignIn(email, bodyField(req, 'password'));
    if (!result.ok) {
      const error = result.reason === 'disabled' ? 'This account is disabled. Ask an owner if you need access again.' : 'That email and password do not match an account.';
      return showSignIn(ctx, req, res, { email, error }, 401);
    }
    const old = readCookie(req, SESSION_COOKIE);
    if (old) await staffSessions.end(old);
    const token = await staffSessions.start(result.user.id);
    res.cookie(SESSION_COOKIE, token, cookieOptions(ctx, config.console.sessionMaxMs));
    res.clearCookie(SIGN_IN_COOKIE, cookieOptions(ctx));
    res.redirect(303, home(safeReturnPath(req.query.next)));
  });

  router.post('/sign-out', requireSession(ctx), requireCsrf(ctx), async (_req, res) => {
    await staffSessions.end(res.locals.sessionToken as string);
    res.clearCookie(SESSION_COOKIE, cookieOptions(ctx));
    res.redirect(303, `${ctx.views.base}/console/sign-in?out=1`);
  });
  return router;
}
