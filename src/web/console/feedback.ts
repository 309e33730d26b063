/**
 * The feedback inbox in the console: cases by filter (the longest waiting first, overdue
 * marked), one case's conversation, and what staff do with it: reply (a plain personal email in
 * their name), assign, resolve, reopen, and try a failed reply again. A thin adapter over
 * src/feedback; every POST answers with a redirect (303) to the case, or the case page with
 * the problem (400) so nothing typed is lost.
 */
import type { Request, Response } from 'express';
import { ConflictError, InputError, NotFoundError } from '../../domain/errors';
import { assignCase, reopenCase, resolveCase } from '../../feedback/caseActions';
import { customerCampaign } from '../../feedback/caseContext';
import { CASE_FILTERS, CaseFilter, caseDetail, listCases } from '../../feedback/inbox';
import { replyRow, retryReply, sendReply, settleStaleReplies } from '../../feedback/replies';
import type { ConsoleContext, ConsoleRoute } from './index';
import { caseModel, CaseForm, Formats, inboxModel, StaffOption } from './feedbackModels';
import { staffOf } from './staff';

function formats(ctx: ConsoleContext): Formats {
  const { config } = ctx.services;
  return { console: `${ctx.views.base}/console`, timeZone: config.shop.timeZone, now: ctx.services.clock(), reminderDays: config.feedback.reminderDays };
}

const field = (req: Request, name: string): string => {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
};

function caseIdOf(req: Request): number {
  const id = String(req.params.caseId);
  if (!/^\d{1,12}$/.test(id)) throw new NotFoundError(`there is no feedback case "${id.slice(0, 40)}"`);
  return Number(id);
}

const meOf = (res: Response): StaffOption => {
  const staff = staffOf(res);
  return { id: staff.id, name: staff.name };
};

async function activeStaff(ctx: ConsoleContext): Promise<StaffOption[]> {
  return (await ctx.services.staffUsers.list()).filter((u) => u.disabledAt === null).map((u) => ({ id: u.id, name: u.name ?? u.email }));
}

async function showCase(ctx: ConsoleContext, res: Response, caseId: number, form: CaseForm = {}, status = 200): Promise<void> {
  const f = formats(ctx);
  const detail = await caseDetail(ctx.services.db, caseId, f.now, f.reminderDays);
  if (!detail) throw new NotFoundError(`there is no feedback case ${caseId}`);
  const context = await customerCampaign(ctx.services.db, detail.summary.customer.id, detail.summary.runId);
  ctx.views.page(res, 'feedbackCase', caseModel(detail, context, await activeStaff(ctx), meOf(res), f, form), status);
}

const backToCase = (ctx: ConsoleContext, res: Response, caseId: number, anchor = '') =>
  res.redirect(303, `${ctx.views.base}/console/feedback/${caseId}${anchor}`);

/** A button on the case page that moves the case, then shows it again. */
function caseAction(action: string, act: (db: ConsoleContext['services']['db'], caseId: number, now: Date) => Promise<void>): ConsoleRoute {
  return {
    method: 'post',
    path: `/feedback/:caseId/${action}`,
    roles: ['marketer'],
    handlers: (ctx) => [
      async (req, res) => {
        const caseId = caseIdOf(req);
        await act(ctx.services.db, caseId, ctx.services.clock());
        backToCase(ctx, res, caseId);
      },
    ],
  };
}

export const feedbackRoutes: ConsoleRoute[] = [
  {
    method: 'get',
    path: '/feedback',
    roles: ['marketer'],
    handlers: (ctx) => [
      async (req, res) => {
        const asked = String(req.query.filter ?? 'all');
        const filter: CaseFilter = (CASE_FILTERS as readonly string[]).includes(asked) ? (asked as CaseFilter) : 'all';
        const f = formats(ctx);
        const page = await listCases(ctx.services.db, { filter, staffId: staffOf(res).id, now: f.now, reminderDays: f.reminderDays });
        ctx.views.page(res, 'feedback', inboxModel(page, filter, f));
      },
    ],
  },
  {
    method: 'get',
    path: '/feedback/:caseId',
    roles: ['marketer'],
    handlers: (ctx) => [
      async (req, res) => {
        // A reply a stopped server left half-sent is settled before anyone decides to write again.
        await settleStaleReplies(ctx.services);
        await showCase(ctx, res, caseIdOf(req));
      },
    ],
  },
  {
    method: 'post',
    path: '/feedback/:caseId/reply',
    roles: ['marketer'],
    handlers: (ctx) => [
      async (req, res) => {
        const caseId = caseIdOf(req);
        const seen = field(req, 'seenReply');
        try {
          const { reply } = await sendReply(ctx.services, caseId, meOf(res), field(req, 'body'), field(req, 'idempotencyKey'), /^\d{1,12}$/.test(seen) ? Number(seen) : 0);
          backToCase(ctx, res, caseId, `#reply-${reply.id}`);
        } catch (error) {
          if (error instanceof InputError) return showCase(ctx, res, caseId, { error: error.problem, draft: field(req, 'body') }, 400);
          if (error instanceof ConflictError) return showCase(ctx, res, caseId, { error: error.message, draft: field(req, 'body') }, 409);
          throw error;
        }
      },
    ],
  },
  {
    method: 'post',
    path: '/feedback/:caseId/assign',
    roles: ['marketer'],
    handlers: (ctx) => [
      async (req, res) => {
        const caseId = caseIdOf(req);
        const chosen = field(req, 'assignee');
        let assignee: StaffOption | null = null;
        if (chosen !== '') {
          assignee = (await activeStaff(ctx)).find((s) => String(s.id) === chosen) ?? null;
          if (!assignee) throw new InputError(`"${chosen.slice(0, 20)}" is not an active staff member`, { field: 'assignee' });
        }
        await assignCase(ctx.services.db, caseId, assignee, ctx.services.clock());
        backToCase(ctx, res, caseId);
      },
    ],
  },
  caseAction('resolve', resolveCase),
  caseAction('reopen', reopenCase),
  {
    method: 'post',
    path: '/feedback/:caseId/replies/:replyId/retry',
    roles: ['marketer'],
    handlers: (ctx) => [
      async (req, res) => {
        const caseId = caseIdOf(req);
        const replyId = String(req.params.replyId);
        if (!/^\d{1,12}$/.test(replyId)) throw new NotFoundError(`there is no reply "${replyId.slice(0, 40)}"`);
        if ((await replyRow(ctx.services, Number(replyId))).caseId !== caseId) throw new NotFoundError(`reply ${replyId} is not in case ${caseId}`);
        const reply = await retryReply(ctx.services, Number(replyId));
        backToCase(ctx, res, caseId, `#reply-${reply.id}`);
      },
    ],
  },
];
