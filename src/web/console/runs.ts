/**
 * /console/runs/:runId: a run's state and each step's progress, with pause, resume and cancel
 * (cancel behind a confirmation page); its report with charts, and the report as CSV. The
 * changes are runControl's conditional updates: a double submit finds the run already in the
 * state asked for and is answered like the first.
 */
import express, { Request, Response } from 'express';
import { changeRunState, findRun, runStatus, RunStatus } from '../../campaigns/runControl';
import { ConflictError, NotFoundError } from '../../domain/errors';
import { consoleActor } from '../../audit/auditLog';
import { reportCsv } from '../../reporting/reportCsv';
import { runReport } from '../../reporting/runReport';
import type { Services } from '../../wiring';
import { count, dateTimeText, instantsInWords } from './format';
import type { ConsoleContext, ConsoleRoute } from './index';
import { staffOf } from './staff';
import { loadReport, reportView } from './runReportView';

const form = express.urlencoded({ extended: false, limit: '8kb' });

/** The run id in the path; anything but digits is no run at all. */
export function runIdOf(req: Request): number {
  const id = String(req.params.runId);
  if (!/^\d{1,12}$/.test(id)) throw new NotFoundError(`no run "${id.slice(0, 40)}": runs are numbered`);
  return Number(id);
}

/** A missing run is a 404 here (findRun), not the report's "bad input". */
async function existingRunId(services: Services, req: Request): Promise<number> {
  return (await findRun(services.db, String(runIdOf(req)))).id;
}

const STATES: Record<string, string> = {
  active: 'sending: steps go out as they fall due',
  paused: 'paused: nothing is sent until it is resumed',
  cancelled: 'cancelled: nothing more will be sent',
};

export async function runModel(services: Services, runId: number, status?: RunStatus) {
  const s = status ?? (await runStatus(services.db, String(runId)));
  const [row] = await services.db.reader.query(`SELECT launched_at FROM campaign_runs WHERE id = ${services.db.dialect.param(0)}`, [runId]);
  const steps = s.steps.map((st) => {
    const settled = st.sent + st.failed + st.suppressed + st.exited + st.uncertain;
    const total = settled + st.due;
    return {
      step: st.step,
      due: count(st.due), sent: count(st.sent), failed: count(st.failed), suppressed: count(st.suppressed), exited: count(st.exited), uncertain: count(st.uncertain),
      settled: count(settled), total: count(total), progress: total ? Math.round((settled / total) * 100) : 0, started: total > 0,
    };
  });
  return {
    title: `Run ${s.runId}: ${s.campaign}`,
    section: 'campaigns',
    runId: s.runId,
    campaign: s.campaign,
    state: s.state,
    stateText: STATES[s.state] ?? s.state,
    reason: s.reason && instantsInWords(s.reason, services.config.shop.timeZone),
    launched: dateTimeText(row.launched_at, services.config.shop.timeZone),
    audience: count(s.audience),
    treated: count(s.treated),
    holdout: count(s.holdout),
    steps,
    canPause: s.state === 'active',
    canResume: s.state === 'paused',
    canCancel: s.state === 'active' || s.state === 'paused',
    uncertain: s.steps.some((st) => st.uncertain > 0),
    uncertainReasons: s.uncertainReasons.map((u) => ({ sends: count(u.sends), reason: u.reason })),
  };
}

type Action = 'pause' | 'resume' | 'cancel';
const TARGET: Record<Action, string> = { pause: 'paused', resume: 'active', cancel: 'cancelled' };

/** Runs the change; a run already where the action leads (a second click) is not an error. */
async function steer(ctx: ConsoleContext, req: Request, res: Response, action: Action): Promise<void> {
  const runId = runIdOf(req);
  const { services } = ctx;
  try {
    await changeRunState(services.db, String(runId), action, services.clock(), consoleActor(staffOf(res).email));
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const now = await runStatus(services.db, String(runId));
    if (now.state !== TARGET[action]) {
      return ctx.views.page(res, 'run', { ...(await runModel(services, runId, now)), error: error.message }, 409);
    }
  }
  res.redirect(303, `${ctx.views.base}/console/runs/${runId}`);
}

const control = (action: Action): ConsoleRoute => ({
  method: 'post',
  path: `/runs/:runId/${action}`,
  roles: ['marketer'],
  handlers: (ctx) => [form, (req, res) => steer(ctx, req, res, action)],
});

export const runsRoutes: ConsoleRoute[] = [
  {
    method: 'get',
    path: '/runs/:runId',
    roles: ['marketer'],
    handlers: (ctx) => [async (req, res) => ctx.views.page(res, 'run', { ...(await runModel(ctx.services, runIdOf(req))), launchedNow: req.query.launched === '1', alreadyLaunched: req.query.already === '1' })],
  },
  {
    method: 'get',
    path: '/runs/:runId/cancel',
    roles: ['marketer'],
    handlers: (ctx) => [async (req, res) => ctx.views.page(res, 'run-cancel', { ...(await runModel(ctx.services, runIdOf(req))), title: `Cancel run ${runIdOf(req)}?` })],
  },
  control('pause'),
  control('resume'),
  control('cancel'),
  {
    method: 'get',
    path: '/runs/:runId/report',
    roles: ['marketer'],
    handlers: (ctx) => [
      async (req, res) => {
        const runId = await existingRunId(ctx.services, req);
        const view = reportView(await loadReport(ctx.services, runId), ctx.services.config.shop.timeZone);
        ctx.views.page(res, 'run-report', { ...view, title: `Report: ${view.campaign}, run ${runId}`, section: 'campaigns', charts: true });
      },
    ],
  },
  {
    method: 'get',
    path: '/runs/:runId/report.csv',
    roles: ['marketer'],
    handlers: (ctx) => [
      async (req, res) => {
        const runId = await existingRunId(ctx.services, req);
        const report = await runReport(ctx.services, runId);
        res.type('text/csv; charset=utf-8').attachment(`rekindle-run-${runId}-${report.campaign}.csv`).send(reportCsv(report));
      },
    ],
  },
];
