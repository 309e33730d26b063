/**
 * Incidents: record one with the affected customers uploaded as a file (read and checked as
 * `rekindle incident create --affected` does), post updates and the resolution (queued for
 * everyone in its apology runs, as `rekindle incident update|resolve`), and see its scope and who
 * was told what.
 */
import express, { Request, Response } from 'express';
import { createIncident, postIncidentMessage } from '../../campaigns/incidentService';
import { InputError } from '../../domain/errors';
import type { ConsoleContext, ConsoleRoute } from './index';
import { uploadDir } from './import';
import { incidentListModel, incidentPageModel } from './incidentView';
import { asUploaded, discard, receiveUpload } from './uploads';

/** An affected list is one line per customer: a few MB covers a million. */
const AFFECTED_MAX_BYTES = 64 * 1024 * 1024;

async function showList(ctx: ConsoleContext, res: Response, form: Record<string, string> = {}, error?: string, status = 200): Promise<void> {
  ctx.views.page(res, 'incidents', { title: 'Incidents', section: 'incidents', incidents: await incidentListModel(ctx.services), form, error }, status);
}

async function create(ctx: ConsoleContext, req: Request, res: Response): Promise<void> {
  const { services } = ctx;
  let upload;
  try {
    upload = await receiveUpload(req, { dir: uploadDir(ctx), maxBytes: AFFECTED_MAX_BYTES, fileField: 'affected' });
  } catch (error) {
    if (error instanceof InputError) return showList(ctx, res, {}, error.message, 400);
    throw error;
  }
  const { fields, file } = upload;
  try {
    for (const field of ['title', 'description', 'makeGood'] as const) {
      if (!fields[field]?.trim()) throw new InputError('is required', { field });
    }
    if (!file) throw new InputError('choose the file of affected customers: one email or order id per line', { field: 'affected' });
    const created = await createIncident(services.db, {
      title: fields.title.trim(),
      description: fields.description.trim(),
      plan: fields.plan?.trim() || undefined,
      makeGood: fields.makeGood,
      affectedFile: file.path,
      currency: services.config.shop.currency,
      now: services.clock(),
    });
    res.redirect(303, `${ctx.views.base}/console/incidents/${created.id}`);
  } catch (error) {
    const shown = file ? asUploaded(error, file) : error;
    if (shown instanceof InputError) return showList(ctx, res, fields, shown.message, 400);
    throw shown;
  } finally {
    discard(file);
  }
}

function incidentId(req: Request): number {
  const id = String(req.params.incidentId);
  if (!/^\d{1,9}$/.test(id)) throw new InputError(`"${id}" is not an incident id`, { field: 'id' });
  return Number(id);
}

async function showIncident(ctx: ConsoleContext, req: Request, res: Response, extra: { error?: string; message?: string } = {}, status = 200): Promise<void> {
  const model = await incidentPageModel(ctx.services, incidentId(req));
  const queued = typeof req.query.queued === 'string' && /^\d+$/.test(req.query.queued) ? Number(req.query.queued) : undefined;
  ctx.views.page(res, 'incident', {
    title: model.incident.title,
    section: 'incidents',
    ...model,
    queued: queued === undefined ? undefined : `Queued for ${queued} customer${queued === 1 ? '' : 's'}: the dispatcher sends it within its send window.`,
    ...extra,
  }, status);
}

async function post(ctx: ConsoleContext, req: Request, res: Response): Promise<void> {
  const id = incidentId(req);
  const body = (req.body ?? {}) as Record<string, string>;
  const kind = body.kind === 'resolution' ? 'resolution' : 'update';
  try {
    if (!body.message?.trim()) throw new InputError(kind === 'update' ? 'say how the fix is going' : 'say what changed so it never happens again', { field: 'message' });
    const { queued } = await postIncidentMessage(ctx.services.db, id, kind, body.message.trim(), ctx.services.clock());
    res.redirect(303, `${ctx.views.base}/console/incidents/${id}?queued=${queued}`);
  } catch (error) {
    if (error instanceof InputError) return showIncident(ctx, req, res, { error: error.message, message: body.message }, 400);
    throw error;
  }
}

export const incidentsRoutes: ConsoleRoute[] = [
  { method: 'get', path: '/incidents', roles: ['marketer'], handlers: (ctx) => [async (_req, res) => showList(ctx, res)] },
  { method: 'post', path: '/incidents', roles: ['marketer'], handlers: (ctx) => [async (req, res) => create(ctx, req, res)] },
  { method: 'get', path: '/incidents/:incidentId', roles: ['marketer'], handlers: (ctx) => [async (req, res) => showIncident(ctx, req, res)] },
  {
    method: 'post', path: '/incidents/:incidentId/messages', roles: ['marketer'],
    handlers: (ctx) => [express.urlencoded({ extended: false, limit: '64kb' }), async (req, res) => post(ctx, req, res)],
  },
];
