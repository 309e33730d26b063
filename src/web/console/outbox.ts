/**
 * The outbox of a run: its sends step by step with their status, and each sent email as the
 * customer got it. The email's HTML is served on its own address into a sandboxed frame, with a
 * CSP of its own: no script, no form, no popup. The open pixel is taken out and every link
 * targets a new window, which the sandbox does not allow: looking at a customer's email in the
 * console must never count as their open or click.
 */
import type { Request } from 'express';
import { LINK_ROUTES } from '../../links/tokens';
import { dateTime } from './format';
import type { ConsoleContext, ConsoleRoute } from './index';
import { emailOf, OUTBOX_PAGE_SIZE, runOf, sendOf, sendsOf, stepCounts } from './outboxEmails';

const RUN = '/campaigns/:name/runs/:runId/outbox';
const STATUS_CLASS: Record<string, string> = { sent: 'good', failed: 'bad', suppressed: 'bad', uncertain: 'bad' };

const positive = (value: unknown, fallback: number) => (typeof value === 'string' && /^[1-9]\d{0,6}$/.test(value) ? Number(value) : fallback);
const param = (req: Request, name: string) => String(req.params[name]);

function outboxUrl(ctx: ConsoleContext, campaign: string, runId: number, tail = ''): string {
  return `${ctx.views.base}/console/campaigns/${encodeURIComponent(campaign)}/runs/${runId}/outbox${tail}`;
}

/** The email's HTML for the frame: without the open pixel, links aimed at a window the sandbox will not open. */
export function framedHtml(html: string, publicUrl: string): string {
  const pixel = new RegExp(`<img\\b[^>]*\\bsrc="${publicUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${LINK_ROUTES.open}/[^"]*"[^>]*>`, 'gi');
  const base = '<base target="_blank">';
  const without = html.replace(pixel, '');
  return /<head[^>]*>/i.test(without) ? without.replace(/<head[^>]*>/i, (head) => head + base) : base + without;
}

export const outboxRoutes: ConsoleRoute[] = [
  {
    method: 'get',
    path: RUN,
    roles: ['marketer'],
    handlers: (ctx) => [
      async (req, res) => {
        const run = await runOf(ctx.services, param(req, 'name'), param(req, 'runId'));
        const tz = ctx.services.config.shop.timeZone;
        const step = Math.min(positive(req.query.step, 1), run.steps.length);
        const page = positive(req.query.page, 1);
        const counts = await stepCounts(ctx.services, run.id);
        const sends = await sendsOf(ctx.services, run.id, step, page);
        const total = counts.filter((c) => c.step === step).reduce((sum, c) => sum + c.n, 0);
        const steps = run.steps.map((s, i) => ({
          label: `Step ${i + 1}`,
          subject: s.subject,
          href: outboxUrl(ctx, run.campaign, run.id, `?step=${i + 1}`),
          current: i + 1 === step,
          counts: counts.filter((c) => c.step === i + 1).map((c) => `${c.n} ${c.status}`).join(', ') || 'nothing yet',
        }));
        ctx.views.page(res, 'outbox', {
          title: `Outbox of ${run.campaign}, run ${run.id}`,
          section: 'campaigns',
          campaignHref: `${ctx.views.base}/console/campaigns/${encodeURIComponent(run.campaign)}`,
          campaign: run.campaign,
          launched: dateTime(run.launchedAt, tz),
          state: run.state,
          step,
          steps,
          total,
          sends: sends.map((s) => ({
            email: s.email ?? '(no email)',
            name: s.firstName ?? '',
            status: s.status,
            statusClass: STATUS_CLASS[s.status] ?? '',
            due: dateTime(s.dueAt, tz),
            sent: dateTime(s.sentAt, tz),
            attempts: s.attempts,
            detail: s.status === 'sent' ? '' : (s.detail ?? ''),
            href: s.status === 'sent' ? outboxUrl(ctx, run.campaign, run.id, `/${s.id}`) : null,
          })),
          previous: page > 1 ? outboxUrl(ctx, run.campaign, run.id, `?step=${step}&page=${page - 1}`) : null,
          next: page * OUTBOX_PAGE_SIZE < total ? outboxUrl(ctx, run.campaign, run.id, `?step=${step}&page=${page + 1}`) : null,
          range: total ? `${(page - 1) * OUTBOX_PAGE_SIZE + 1} to ${Math.min(page * OUTBOX_PAGE_SIZE, total)} of ${total}` : '',
        });
      },
    ],
  },
  {
    method: 'get',
    path: `${RUN}/:sendId`,
    roles: ['marketer'],
    handlers: (ctx) => [
      async (req, res) => {
        const run = await runOf(ctx.services, param(req, 'name'), param(req, 'runId'));
        const send = await sendOf(ctx.services, run, param(req, 'sendId'));
        const { message, source } = await emailOf(ctx.services, run, send);
        const h = message.headers;
        const self = outboxUrl(ctx, run.campaign, run.id, `/${send.id}`);
        ctx.views.page(res, 'outbox-email', {
          title: h.subject ?? `Send ${send.id}`,
          section: 'campaigns',
          back: outboxUrl(ctx, run.campaign, run.id, `?step=${send.step}`),
          campaign: run.campaign,
          runId: run.id,
          step: send.step,
          fromOutbox: source === 'outbox',
          headers: [
            ['From', h.from], ['To', h.to], ['Reply-To', h['reply-to']], ['Subject', h.subject], ['Date', h.date],
            ['List-Unsubscribe', h['list-unsubscribe'] ? 'one-click (RFC 8058) and mailto' : 'missing'],
          ].filter(([, v]) => v !== undefined).map(([name, value]) => ({ name, value })),
          htmlSrc: message.html === null ? null : `${self}/html`,
          frameTitle: `The email to ${send.email ?? 'the customer'}`,
          text: message.text,
          emlHref: `${self}/eml`,
        });
      },
    ],
  },
  {
    method: 'get',
    path: `${RUN}/:sendId/html`,
    roles: ['marketer'],
    handlers: (ctx) => [
      async (req, res) => {
        const run = await runOf(ctx.services, param(req, 'name'), param(req, 'runId'));
        const { message } = await emailOf(ctx.services, run, await sendOf(ctx.services, run, param(req, 'sendId')));
        res.set({
          'Content-Security-Policy': "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; font-src https: data:; frame-ancestors 'self'",
          'Referrer-Policy': 'no-referrer',
        });
        res.type('html').send(framedHtml(message.html ?? '', ctx.services.config.publicUrl));
      },
    ],
  },
  {
    method: 'get',
    path: `${RUN}/:sendId/eml`,
    roles: ['marketer'],
    handlers: (ctx) => [
      async (req, res) => {
        const run = await runOf(ctx.services, param(req, 'name'), param(req, 'runId'));
        const send = await sendOf(ctx.services, run, param(req, 'sendId'));
        const { raw } = await emailOf(ctx.services, run, send);
        res.set('Content-Disposition', `attachment; filename="${run.campaign}-${send.id}.eml"`).type('message/rfc822').send(raw);
      },
    ],
  },
];
