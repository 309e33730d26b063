import { Router } from 'express';
import type { Services } from '../../wiring';
import { allow, callerKeyId } from '../auth';
import { apiActor } from '../../audit/auditLog';
import { jsonBody } from '../apiLimits';
import { importOrders } from '../../import/importer';
import { ordersFromApiBody } from '../../import/formats/apiOrder';
import { adviceRoutes } from './advice';

/** A batch of up to MAX_ORDERS_PER_REQUEST orders; bigger imports are files. */
export const ORDERS_BODY_LIMIT = 5 * 1024 * 1024;

/**
 * The JSON API. The app authenticates every /api request before it gets here; each route names
 * the roles it serves and reads its own body, with its own limit, only after that.
 */
export function apiRoutes(services: Services): Router {
  const router = Router();
  router.post('/orders', allow(services.apiKeys, 'marketer'), jsonBody(ORDERS_BODY_LIMIT), async (req, res) => {
    const records = ordersFromApiBody(req.body, { shopTimeZone: services.config.shop.timeZone });
    const summary = await importOrders(services.db, records, { source: 'api', file: 'request', now: services.clock, actor: apiActor(callerKeyId(res) as string) });
    res.status(200).json(summary);
  });
  router.use(adviceRoutes(services));
  return router;
}
