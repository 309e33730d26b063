/**
 * API keys (owners only): list them, create one (its secret shown on this one page, never
 * again: only its hash is stored) and revoke one. The same keys as `rekindle keys`.
 */
import express, { Response } from 'express';
import { API_ROLES } from '../../auth/apiKeys';
import type { ApiRole } from '../../db/entities/ApiKey';
import { InputError, NotFoundError } from '../../domain/errors';
import { dateTime } from './format';
import type { ConsoleContext, ConsoleRoute } from './index';
import { bodyField } from './session';

const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 });

const ROLE_WORDS: Record<ApiRole, string> = {
  owner: 'owner: everything, including the report',
  marketer: 'marketer: imports, campaigns, customers',
  checkout: 'checkout: validate and redeem codes only',
};

async function show(ctx: ConsoleContext, res: Response, page: { notice?: string; error?: string; created?: { id: string; role: string; key: string } }, status = 200): Promise<void> {
  const tz = ctx.services.config.shop.timeZone;
  const keys = (await ctx.services.apiKeys.list()).map((k) => ({
    id: k.id,
    role: k.role,
    label: k.label ?? '',
    created: dateTime(k.createdAt, tz),
    status: k.revokedAt ? `Revoked ${dateTime(k.revokedAt, tz)}` : 'Active',
    revoked: k.revokedAt !== null,
    revokeAction: `${ctx.views.base}/console/keys/${k.id}/revoke`,
  }));
  ctx.views.page(res, 'keys', { title: 'API keys', section: 'keys', keys, roles: API_ROLES.map((r) => ({ value: r, words: ROLE_WORDS[r] })), ...page }, status);
}

export const keysRoutes: ConsoleRoute[] = [
  {
    method: 'get',
    path: '/keys',
    roles: [],
    handlers: (ctx) => [
      async (req, res) => {
        const revoked = typeof req.query.revoked === 'string' ? req.query.revoked : '';
        const known = revoked && (await ctx.services.apiKeys.list()).some((k) => k.id === revoked && k.revokedAt);
        await show(ctx, res, known ? { notice: `Revoked key ${revoked}: requests with it are refused from now on.` } : {});
      },
    ],
  },
  {
    method: 'post',
    path: '/keys',
    roles: [],
    handlers: (ctx) => [
      form,
      async (req, res) => {
        const role = bodyField(req, 'role').trim();
        const label = bodyField(req, 'label').trim();
        if (!(API_ROLES as string[]).includes(role)) return show(ctx, res, { error: new InputError(`choose one of ${API_ROLES.join(', ')}`, { field: 'role' }).message }, 400);
        if (label.length > 200) return show(ctx, res, { error: new InputError('is longer than 200 characters', { field: 'label' }).message }, 400);
        const created = await ctx.services.apiKeys.create(role as ApiRole, label || undefined);
        await show(ctx, res, { created }, 201);
      },
    ],
  },
  {
    method: 'post',
    path: '/keys/:keyId/revoke',
    roles: [],
    handlers: (ctx) => [
      async (req, res) => {
        const id = String(req.params.keyId);
        if (!(await ctx.services.apiKeys.revoke(id))) throw new NotFoundError(`there is no active API key ${id}; it may be revoked already`);
        res.redirect(303, `${ctx.views.base}/console/keys?revoked=${encodeURIComponent(id)}`);
      },
    ],
  },
];
