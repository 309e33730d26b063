/**
 * GET /customers/:email/export and POST /customers/:email/forget (mounted under /api): the
 * same as `rekindle customer export|forget`, for owners only. The audit log names the key.
 */
import { Router } from 'express';
import { apiActor } from '../../audit/auditLog';
import { exportCustomer, forgetCustomer } from '../../privacy/customerRecords';
import type { Services } from '../../wiring';
import { allow, callerKeyId } from '../auth';

export function privacyRoutes(services: Services): Router {
  const router = Router();
  const owner = allow(services.apiKeys, 'owner');
  router.get('/customers/:email/export', owner, async (req, res) => {
    res.json(await exportCustomer(services, String(req.params.email), apiActor(callerKeyId(res) as string)));
  });
  router.post('/customers/:email/forget', owner, async (req, res) => {
    res.json(await forgetCustomer(services, String(req.params.email), apiActor(callerKeyId(res) as string)));
  });
  return router;
}
