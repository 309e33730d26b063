import type { RequestHandler } from 'express';
import { ApiKeys, requireRole } from '../auth/apiKeys';
import type { ApiRole } from '../db/entities/ApiKey';

/** Every /api route names the roles it serves; owners pass everywhere. */
export function allow(apiKeys: ApiKeys, ...roles: ApiRole[]): RequestHandler {
  return async (req, res, next) => {
    const role = await apiKeys.authenticate(req.get('authorization'));
    requireRole(role, roles);
    res.locals.role = role;
    next();
  };
}
