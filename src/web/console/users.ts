/**
 * Users (owners only): who may sign in, with which role; create one with a first password the
 * owner passes on, or disable one (their sessions end at once). Owners cannot disable
 * themselves here, so the console always keeps an owner who can get back in.
 */
import express, { Response } from 'express';
import { STAFF_USER_ROLES } from '../../auth/staffUsers';
import { ConflictError, InputError, NotFoundError } from '../../domain/errors';
import { dateTime } from './format';
import type { ConsoleContext, ConsoleRoute } from './index';
import { bodyField } from './session';
import { staffOf } from './staff';

const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 });

interface UsersPage {
  notice?: string;
  error?: string;
  values?: { email: string; name: string; role: string };
}

async function show(ctx: ConsoleContext, res: Response, page: UsersPage, status = 200): Promise<void> {
  const me = staffOf(res);
  const tz = ctx.services.config.shop.timeZone;
  const users = (await ctx.services.staffUsers.list()).map((u) => ({
    email: u.email,
    name: u.name ?? '',
    role: u.role,
    created: dateTime(u.createdAt, tz),
    status: u.disabledAt ? `Disabled ${dateTime(u.disabledAt, tz)}` : 'Active',
    disabled: u.disabledAt !== null,
    you: u.id === me.id,
    disableAction: `${ctx.views.base}/console/users/${u.id}/disable`,
  }));
  const role = page.values?.role ?? 'marketer';
  ctx.views.page(res, 'users', {
    title: 'Users',
    section: 'users',
    users,
    ...page,
    roles: STAFF_USER_ROLES.map((r) => ({ value: r, selected: r === role })),
  }, status);
}

export const usersRoutes: ConsoleRoute[] = [
  {
    method: 'get',
    path: '/users',
    roles: [],
    handlers: (ctx) => [
      async (req, res) => {
        const created = typeof req.query.created === 'string' ? req.query.created : '';
        const known = created && (await ctx.services.staffUsers.list()).some((u) => u.email === created);
        await show(ctx, res, known ? { notice: `Created ${created}. Give them their password in person; they sign in at ${ctx.services.config.publicUrl}/console.` } : {});
      },
    ],
  },
  {
    method: 'post',
    path: '/users',
    roles: [],
    handlers: (ctx) => [
      form,
      async (req, res) => {
        const values = { email: bodyField(req, 'email'), name: bodyField(req, 'name'), role: bodyField(req, 'role') };
        try {
          const user = await ctx.services.staffUsers.create({ ...values, password: bodyField(req, 'password') });
          res.redirect(303, `${ctx.views.base}/console/users?created=${encodeURIComponent(user.email)}`);
        } catch (error) {
          if (!(error instanceof InputError || error instanceof ConflictError)) throw error;
          await show(ctx, res, { error: error.message, values }, error instanceof ConflictError ? 409 : 400);
        }
      },
    ],
  },
  {
    method: 'post',
    path: '/users/:userId/disable',
    roles: [],
    handlers: (ctx) => [
      async (req, res) => {
        const user = /^\d+$/.test(String(req.params.userId)) ? await ctx.services.staffUsers.byId(Number(req.params.userId)) : null;
        if (!user) throw new NotFoundError('there is no such user; it may have been removed');
        if (user.id === staffOf(res).id) return show(ctx, res, { error: 'You cannot disable yourself here: ask another owner, or use `rekindle users disable` on the server.' }, 400);
        const { sessionsEnded } = await ctx.services.staffUsers.disable(user.email);
        await show(ctx, res, { notice: `Disabled ${user.email}; ${sessionsEnded} session${sessionsEnded === 1 ? '' : 's'} ended.` });
      },
    ],
  },
];
