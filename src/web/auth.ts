/**
 * API keys on /api. `authenticate` runs once for every /api request, before any body parser:
 * a request without a valid key is answered 401 without a byte of its body being read, inflated
 * or parsed. Routes then name their roles with `allow`.
 */
import type { RequestHandler, Response } from 'express';
import { ApiKeys, requireRole } from '../auth/apiKeys';
import type { ApiRole } from '../db/entities/ApiKey';

interface Caller {
  keyId: string;
  role: ApiRole;
}

const callerOf = (res: Response): Caller | undefined => res.locals.caller as Caller | undefined;

/** Sets the caller's key id and role, or answers 401 (through the error handler). */
export function authenticate(apiKeys: ApiKeys): RequestHandler {
  return async (req, res, next) => {
    if (callerOf(res)) return next();
    const { id, role } = await apiKeys.identify(req.get('authorization'));
    res.locals.caller = { keyId: id, role } satisfies Caller;
    next();
  };
}

/** The key id of an authenticated caller, for per-key rate limits. */
export const callerKeyId = (res: Response): string | undefined => callerOf(res)?.keyId;

/** Every /api route names the roles it serves; owners pass everywhere. Authenticates if nothing has yet. */
export function allow(apiKeys: ApiKeys, ...roles: ApiRole[]): RequestHandler {
  const identify = authenticate(apiKeys);
  const check: RequestHandler = (_req, res, next) => {
    requireRole((callerOf(res) as Caller).role, roles);
    next();
  };
  return async (req, res, next) => {
    if (!callerOf(res)) await identify(req, res, () => undefined);
    return check(req, res, next);
  };
}
