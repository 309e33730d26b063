import express, { Router } from 'express';
import type { Services } from '../../wiring';
import { allow } from '../auth';
import { importOrders } from '../../import/importer';
import { ordersFromApiBody } from '../../import/formats/apiOrder';
import { adviceRoutes } from './advice';

/** The JSON API. Each route names the roles it serves. */
export function apiRoutes(services: Services): Router {
  const router = Router();
  router.use(express.json({ limit: '5mb' }));
  router.post('/orders', allow(services.apiKeys, 'marketer'), async (req, res) => {
    const records = ordersFromApiBody(req.body, { shopTimeZone: services.config.shop.timeZone });
    const summary = await importOrders(services.db, records, { source: 'api', file: 'request', now: services.clock });
    res.status(200).json(summary);
  });
  router.use(adviceRoutes(services));
  return router;
}
