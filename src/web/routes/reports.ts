/**
 * GET /runs/:id/report (mounted under /api): the owner's ROI report of a run, as JSON or, with
 * `?format=csv`, as CSV. `:id` is a run id or a campaign name (its latest run); 404 when none.
 */
import { Router } from 'express';
import { InputError, NotFoundError } from '../../domain/errors';
import { reportCsv } from '../../reporting/reportCsv';
import { runReport } from '../../reporting/runReport';
import type { Services } from '../../wiring';
import { allow } from '../auth';

export function reportRoutes(services: Services): Router {
  const router = Router();
  router.get('/runs/:id/report', allow(services.apiKeys, 'marketer'), async (req, res) => {
    const format = req.query.format ?? 'json';
    if (format !== 'json' && format !== 'csv') throw new InputError('is json or csv', { field: 'format' });
    const report = await runReport(services, String(req.params.id)).catch((error: unknown) => {
      // The CLI's "no such run" is bad input; here it is a resource that does not exist.
      throw error instanceof InputError && error.where.field === 'RUN' ? new NotFoundError(error.problem) : error;
    });
    if (format === 'csv') res.type('text/csv').send(reportCsv(report));
    else res.json(report);
  });
  return router;
}
