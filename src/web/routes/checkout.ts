/**
 * The checkout API, mounted under /api by the app: the shop's checkout validates, redeems and
 * releases codes with a `checkout` key. Its own small JSON limit: these bodies are a few fields.
 */
import { Response, Router } from 'express';
import { Checkout, CodeRefused, Refusal } from '../../customer/checkout';
import { parseCodeQuery, parseOrderId, parseRedeemQuery } from '../../customer/checkoutRequest';
import type { Services } from '../../wiring';
import { allow } from '../auth';
import { jsonBody } from '../apiLimits';
import { sendError } from '../errors';

export const CHECKOUT_BODY_LIMIT = 4 * 1024;

const STATUS: Readonly<Record<Refusal, number>> = {
  unknown_code: 404,
  not_for_customer: 422,
  expired: 422,
  wrong_currency: 422,
  redeemed: 409,
  order_released: 409,
  order_has_other_code: 409,
};

export function checkoutRoutes(services: Services, deps: { checkout?: Checkout } = {}): Router {
  const checkout = deps.checkout ?? new Checkout(services.db, services.clock);
  const router = Router();
  const json = jsonBody(CHECKOUT_BODY_LIMIT);
  const role = allow(services.apiKeys, 'checkout');
  router.post('/codes/validate', role, json, async (req, res) => {
    res.status(200).json(await checkout.validate(parseCodeQuery(req.body)));
  });
  router.post('/codes/redeem', role, json, async (req, res) => {
    await refusalsAsErrors(res, () => checkout.redeem(parseRedeemQuery(req.body)));
  });
  router.post('/codes/release', role, json, async (req, res) => {
    res.status(200).json(await checkout.release(parseOrderId(req.body)));
  });
  return router;
}

async function refusalsAsErrors(res: Response, work: () => Promise<unknown>): Promise<void> {
  try {
    res.status(200).json(await work());
  } catch (error) {
    if (!(error instanceof CodeRefused)) throw error;
    sendError(res, STATUS[error.reason], error.code, error.message);
  }
}
