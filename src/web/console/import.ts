/**
 * Import: upload a CSV (orders or customers, any format the CLI reads) and watch it go in. The
 * file streams to a temp file under the data directory, the same importer as `rekindle import`
 * runs as a background job with its progress streamed to the page, and an error is shown in the
 * CLI's words (file, line, field). The importer is all or nothing: on error nothing is written.
 */
import path from 'node:path';
import type { Request, Response } from 'express';
import { InputError } from '../../domain/errors';
import { importCustomersFile, importOrdersFile } from '../../import/fileImport';
import { dataDirOf } from '../../wiring';
import type { ConsoleContext, ConsoleRoute } from './index';
import { importFormModel, importJobModel, IMPORT_KINDS, ImportChoice, recentImports } from './importView';
import { jobBoardOf, jobEvents, jobJson } from './jobs';
import { asUploaded, discard, receiveUpload } from './uploads';

export const IMPORT_JOB = 'import';
/** Bigger files go through `rekindle import`, which reads a path without an upload. */
export const IMPORT_MAX_BYTES = 512 * 1024 * 1024;

export const uploadDir = (ctx: ConsoleContext): string => path.join(dataDirOf(ctx.services.config), 'uploads');

async function showForm(ctx: ConsoleContext, res: Response, error?: InputError, status = 200): Promise<void> {
  const board = jobBoardOf(ctx.services);
  ctx.views.page(res, 'import', {
    title: 'Import',
    section: 'import',
    ...importFormModel(ctx.views.base, board.recent(IMPORT_JOB)),
    recent: await recentImports(ctx.services),
    error: error?.message,
  }, status);
}

function choiceOf(fields: Record<string, string>): ImportChoice {
  const choice = IMPORT_KINDS.find((k) => k.value === fields.kind);
  if (!choice) throw new InputError(`choose what the file holds: ${IMPORT_KINDS.map((k) => k.label).join(', ')}`, { field: 'kind' });
  return choice;
}

async function upload(ctx: ConsoleContext, req: Request, res: Response): Promise<void> {
  const { services } = ctx;
  let received;
  try {
    received = await receiveUpload(req, { dir: uploadDir(ctx), maxBytes: IMPORT_MAX_BYTES, fileField: 'file' });
  } catch (error) {
    if (error instanceof InputError) return showForm(ctx, res, error, 400);
    throw error;
  }
  const file = received.file;
  let choice: ImportChoice;
  try {
    choice = choiceOf(received.fields);
    if (!file) throw new InputError('choose a file to upload', { field: 'file' });
  } catch (error) {
    discard(file);
    if (error instanceof InputError) return showForm(ctx, res, error, 400);
    throw error;
  }
  const dryRun = received.fields.dryRun === 'yes';
  const options = { db: services.db, clock: services.clock, shop: services.config.shop, dryRun };
  const job = jobBoardOf(services).start(IMPORT_JOB, `${choice.label} from ${file.name}${dryRun ? ' (dry run)' : ''}`, async (progress) => {
    try {
      progress(`reading ${file.name}`, 0, undefined, 0);
      if (choice.kind === 'customers') return await importCustomersFile(file.path, choice.format as 'generic' | 'shopify', options);
      return await importOrdersFile(file.path, choice.format, {
        ...options,
        onProgress: (records, fraction) => progress('importing orders', records, undefined, fraction),
      });
    } catch (error) {
      throw asUploaded(error, file);
    } finally {
      discard(file);
    }
  });
  res.redirect(303, `${ctx.views.base}/console/import/jobs/${job.id}`);
}

export const importRoutes: ConsoleRoute[] = [
  { method: 'get', path: '/import', roles: ['marketer'], handlers: (ctx) => [async (_req, res) => showForm(ctx, res)] },
  { method: 'post', path: '/import', roles: ['marketer'], handlers: (ctx) => [async (req, res) => upload(ctx, req, res)] },
  {
    method: 'get', path: '/import/jobs/:jobId', roles: ['marketer'], handlers: (ctx) => [
      (req, res) => {
        const job = jobBoardOf(ctx.services).get(String(req.params.jobId), IMPORT_JOB);
        ctx.views.page(res, 'import-job', { title: 'Import', section: 'import', ...importJobModel(ctx.views.base, job, ctx.services.config.shop.timeZone) });
      },
    ],
  },
  // Any job's progress (imports here, the model page's checks and fits): for the page's script.
  { method: 'get', path: '/jobs/:jobId/events', roles: ['marketer'], handlers: (ctx) => [jobEvents(jobBoardOf(ctx.services))] },
  { method: 'get', path: '/jobs/:jobId/status', roles: ['marketer'], handlers: (ctx) => [jobJson(jobBoardOf(ctx.services))] },
];
