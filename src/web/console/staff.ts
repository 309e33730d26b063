/**
 * Who is signed in to the console, and what each role may do. Owners pass everywhere (as with
 * API keys); marketers everywhere except users and API keys. The session middleware sets
 * `res.locals.staff`; every console route names the roles it serves with `requireRole`.
 */
import type { RequestHandler, Response } from 'express';

export const STAFF_ROLES = ['owner', 'marketer'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface Staff {
  id: number;
  email: string;
  /** How replies to customers are signed; the email when no name was given. */
  name: string;
  role: StaffRole;
}

/** The signed-in staff member; only routes behind the session middleware may call this. */
export function staffOf(res: Response): Staff {
  const staff = res.locals.staff as Staff | undefined;
  if (!staff) throw new Error('console route reached without a session: mount it behind the session middleware');
  return staff;
}

export class ForbiddenError extends Error {
  constructor(readonly role: StaffRole) {
    super(`this page is for owners; you are signed in as a ${role}`);
  }
}

/** Owners always pass; otherwise the signed-in role must be one of `roles`. */
export function requireRole(...roles: StaffRole[]): RequestHandler {
  return (_req, res, next) => {
    const { role } = staffOf(res);
    if (role !== 'owner' && !roles.includes(role)) return next(new ForbiddenError(role));
    next();
  };
}
