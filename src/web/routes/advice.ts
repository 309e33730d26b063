/**
 * The offer advisor in the API: GET /customers/:id/advice (mounted under /api) tells support
 * staff what they may offer one customer and why. `:id` is an email, the shop's customer id or
 * id:NUMBER, as for `rekindle explain`; `?asOf=YYYY-MM-DD` scores as of another day.
 * 404 for an unknown customer, 409 before any model is fitted; errors map in web/errors.ts.
 */
import { Router } from 'express';
import { InputError } from '../../domain/errors';
import { adviseCustomer } from '../../scoring/adviceService';
import type { Services } from '../../wiring';
import { allow } from '../auth';

export function adviceRoutes(services: Services): Router {
  const router = Router();
  router.get('/customers/:id/advice', allow(services.apiKeys, 'marketer'), async (req, res) => {
    const asOf = req.query.asOf;
    if (asOf !== undefined && typeof asOf !== 'string') throw new InputError('give asOf once, as YYYY-MM-DD', { field: 'asOf' });
    res.json(await adviseCustomer(services, String(req.params.id), { asOf }));
  });
  return router;
}
