/**
 * Preview and launch from the console: GET /campaigns/:name/preview shows the audience, holdout,
 * budget, expected cost and return, what the holdout can detect and every step rendered for a
 * sample customer; its form POSTs to a confirmation page that names the money; only that page's
 * POST launches. The confirmation carries the number of runs the campaign had when it was shown
 * (`runs`): launch.ts refuses when the count moved, so a double submit launches once and the
 * second lands on the run the first made.
 */
import express, { Request, Response } from 'express';
import { consoleActor } from '../../audit/auditLog';
import { ConflictError, InputError, NotFoundError } from '../../domain/errors';
import { formatMoney } from '../../domain/money';
import type { Services } from '../../wiring';
import { count, dateTimeText, money } from './format';
import type { ConsoleContext, ConsoleRoute } from './index';
import { staffOf } from './staff';
import { framedHtml } from './outbox';
import { keepEmails, previewEmail, sendEmail, stepOf } from './previewEmails';

const form = express.urlencoded({ extended: false, limit: '8kb' });

/** `?incident=` or the form's `incident`: an apology campaign says which incident it is about. */
function incidentOf(req: Request): number | undefined {
  const raw = (req.body as Record<string, unknown> | undefined)?.incident ?? req.query.incident;
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string' || !/^\d{1,12}$/.test(raw)) throw new InputError('is an incident id, a whole number', { field: 'incident' });
  return Number(raw);
}

async function incidents(services: Services) {
  const rows: { id: number; title: string; status: string }[] = await services.db.reader.query('SELECT id, title, status FROM incidents ORDER BY id DESC LIMIT 100');
  return rows.map((r) => ({ id: Number(r.id), label: `#${r.id}: ${r.title} (${r.status})` }));
}

async function runsOf(services: Services, campaign: string) {
  const rows: { id: number; state: string }[] = await services.db.reader.query(
    `SELECT id, state FROM campaign_runs WHERE campaign = ${services.db.dialect.param(0)} ORDER BY id DESC`,
    [campaign],
  );
  return { count: rows.length, latest: rows[0] ? { runId: Number(rows[0].id), state: rows[0].state } : null };
}

const pctText = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
const pointsText = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)} points`);

export async function previewModel(services: Services, name: string, incidentId?: number) {
  const campaigns = services.campaigns();
  const campaign = campaigns.campaign(name);
  const base = { title: `Preview: ${name}`, section: 'campaigns', name, incidentCampaign: campaign.kind === 'incident', incidentId: incidentId ?? '' };
  if (campaign.kind === 'incident' && incidentId === undefined) {
    const known = await incidents(services);
    return { ...base, chooseIncident: true, incidents: known, noIncidents: known.length === 0 };
  }
  const p = await campaigns.preview(name, incidentId);
  const runs = await runsOf(services, name);
  const c = p.currency;
  const zone = services.config.shop.timeZone;
  keepEmails(services, name, incidentId, p.steps.map((s) => (s.sample ? { html: framedHtml(s.sample.html, services.config.publicUrl) } : null)));
  return {
    ...base,
    description: campaign.description ?? '',
    audience: count(p.audience),
    treated: count(p.treated),
    holdout: count(p.holdout),
    holdoutShare: `${Math.round(campaign.holdout * 1000) / 10}%`,
    budgetTotal: money(p.budgetTotal, c),
    expectedCost: money(p.expectedCost, c),
    expectedMargin: money(p.expectedIncrementalMargin, c),
    expectedRoi: p.expectedRoi === null ? '—' : `${Math.round(p.expectedRoi * 100)}%`,
    baseline: pctText(p.baselineReactivationRate),
    minimumDetectableLift: pointsText(p.minimumDetectableLift),
    breakEvenLift: pointsText(p.breakEvenLift),
    holdoutWarning: p.holdoutWarning,
    nobody: p.nobodyToPreview,
    canLaunch: p.nobodyToPreview === null,
    runs: runs.count,
    latestRun: runs.latest,
    steps: p.steps.map((s) => ({
      step: s.step,
      subject: s.subject,
      when: s.sendAt ? dateTimeText(s.sendAt, zone) : 'when the incident is updated or resolved',
      customerId: s.sample?.customerId ?? null,
      rendered: s.sample !== null,
      text: s.sample?.text ?? null,
    })),
  };
}

/** What the confirmation states: the plan as it would launch now, and the runs before it. */
export async function confirmModel(services: Services, name: string, incidentId?: number) {
  const campaigns = services.campaigns();
  const campaign = campaigns.campaign(name);
  const { plan } = await campaigns.plan(campaign, incidentId);
  const c = services.config.shop.currency;
  const runs = await runsOf(services, name);
  const budget = money(formatMoney(plan.budgetTotal, c), c);
  return {
    title: `Launch ${name}?`,
    section: 'campaigns',
    name,
    incidentId: incidentId ?? '',
    runs: runs.count,
    latestRun: runs.latest,
    running: runs.latest !== null && (runs.latest.state === 'active' || runs.latest.state === 'paused'),
    money: `You are about to spend up to ${budget} in offers on ${count(plan.treated)} customers; ${count(plan.holdout)} held out.`,
    expectedCost: money(formatMoney(plan.expectedCost, c), c),
    budget,
    treated: count(plan.treated),
    holdout: count(plan.holdout),
  };
}

async function launch(ctx: ConsoleContext, req: Request, res: Response): Promise<void> {
  const name = String(req.params.name);
  const incidentId = incidentOf(req);
  const expected = String((req.body as Record<string, unknown>).runs ?? '');
  if (!/^\d{1,9}$/.test(expected)) throw new InputError('is missing: launch from the confirmation page', { field: 'runs' });
  const expectRuns = Number(expected);
  const at = (runId: number, flag: string) => `${ctx.views.base}/console/runs/${runId}?${flag}=1`;
  try {
    const result = await ctx.services.campaigns().launch(name, { newRun: expectRuns > 0, expectRuns, incidentId, actor: consoleActor(staffOf(res).email) });
    res.redirect(303, at(result.runId, 'launched'));
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const runs = await runsOf(ctx.services, name);
    // The same confirmation submitted again: the first submit launched it, so show that run.
    if (runs.count > expectRuns && runs.latest) return res.redirect(303, at(runs.latest.runId, 'already'));
    ctx.views.page(res, 'preview-confirm', { ...(await confirmModel(ctx.services, name, incidentId)), error: error.message }, 409);
  }
}

export const launchRoutes: ConsoleRoute[] = [
  {
    method: 'get',
    path: '/campaigns/:name/preview/step/:step',
    roles: ['marketer'],
    handlers: (ctx) => [
      async (req, res) => {
        const email = await previewEmail(ctx.services, String(req.params.name), incidentOf(req), stepOf(req));
        if (!email) throw new NotFoundError(`step ${String(req.params.step).slice(0, 8)} of ${String(req.params.name).slice(0, 60)} has no email for anyone in its audience`);
        sendEmail(res, email);
      },
    ],
  },
  {
    method: 'get',
    path: '/campaigns/:name/preview',
    roles: ['marketer'],
    handlers: (ctx) => [async (req, res) => ctx.views.page(res, 'preview', await previewModel(ctx.services, String(req.params.name), incidentOf(req)))],
  },
  {
    method: 'post',
    path: '/campaigns/:name/launch',
    roles: ['marketer'],
    handlers: (ctx) => [form, async (req, res) => ctx.views.page(res, 'preview-confirm', await confirmModel(ctx.services, String(req.params.name), incidentOf(req)))],
  },
  {
    method: 'post',
    path: '/campaigns/:name/launch/confirm',
    roles: ['marketer'],
    handlers: (ctx) => [form, (req, res) => launch(ctx, req, res)],
  },
];
