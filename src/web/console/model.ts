/**
 * Model: what was fitted, on which orders, and what it says about the customer base. Checking
 * the model against later orders (`rekindle validate`) and fitting and scoring again are slow,
 * so they run as background jobs started by a button; the page shows their progress and the
 * check's chart (the CLI's SVG, chart.ts) when done.
 */
import type { Response } from 'express';
import { fitModels } from '../../scoring/fitService';
import { scoreCustomers } from '../../scoring/scoreService';
import { validateModel, Validation } from '../../scoring/validateService';
import type { ConsoleContext, ConsoleRoute } from './index';
import { Job, jobBoardOf } from './jobs';
import { modelPageModel } from './modelView';

export const MODEL_JOB = 'model';

async function showModel(ctx: ConsoleContext, res: Response): Promise<void> {
  const board = jobBoardOf(ctx.services);
  const jobs = board.recent(MODEL_JOB);
  const running = jobs.find((j) => j.state === 'running');
  const last = jobs.find((j) => j.label === CHECK && j.state === 'done') as Job<Validation> | undefined;
  const ended = jobs.find((j) => j.state !== 'running');
  ctx.views.page(res, 'model', {
    title: 'Model',
    section: 'model',
    ...(await modelPageModel(ctx.services, { last, running }, ctx.views.base)),
    jobFailed: ended?.state === 'failed' ? `${ended.label}: ${ended.error}` : undefined,
  });
}

const CHECK = 'checking the model against later orders';
const FIT = 'fitting the model and scoring every customer';

function startJob(ctx: ConsoleContext, label: string, work: Parameters<ReturnType<typeof jobBoardOf>['start']>[2]): void {
  const board = jobBoardOf(ctx.services);
  // One at a time: both read every order, and a second would only repeat the first.
  if (!board.running(MODEL_JOB)) board.start(MODEL_JOB, label, work);
}

export const modelRoutes: ConsoleRoute[] = [
  { method: 'get', path: '/model', roles: ['marketer'], handlers: (ctx) => [async (_req, res) => showModel(ctx, res)] },
  {
    method: 'post', path: '/model/check', roles: ['marketer'], handlers: (ctx) => [
      (_req, res) => {
        startJob(ctx, CHECK, async (progress) => {
          progress('fitting on the first two thirds of the order history and predicting the last third');
          return validateModel(ctx.services, {});
        });
        res.redirect(303, `${ctx.views.base}/console/model`);
      },
    ],
  },
  {
    method: 'post', path: '/model/fit', roles: ['marketer'], handlers: (ctx) => [
      (_req, res) => {
        startJob(ctx, FIT, async (progress) => {
          progress('fitting the models');
          const fit = await fitModels(ctx.services);
          const run = await scoreCustomers(ctx.services, { progress: (phase, done, total) => progress(phase, done, total) });
          return { modelVersion: fit.modelVersion, scored: run.table.length };
        });
        res.redirect(303, `${ctx.views.base}/console/model`);
      },
    ],
  },
];
