/**
 * Shopify's order webhooks. The body is verified against X-Shopify-Hmac-Sha256 (HMAC-SHA256 of
 * the raw bytes, base64) in constant time before anything is parsed or stored. A replayed or
 * stale delivery (see WebhookDeliveries) is answered 200, so Shopify stops retrying, and ignored.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { Services } from '../../wiring';
import { importOrders } from '../../import/importer';
import { sendError } from '../errors';
import { rawBody } from '../apiLimits';
import { shopifyOrderUpdate } from '../../import/formats/shopifyWebhook';
import { WebhookDeliveries } from '../../import/webhookDeliveries';

export function verifyShopifySignature(rawBody: Buffer, header: string | undefined, secret: string): boolean {
  if (!header) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const given = Buffer.from(header, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Shopify's order payloads are a few KB; a large order with hundreds of line items stays far below. */
export const WEBHOOK_BODY_LIMIT = 2 * 1024 * 1024;

export function webhookRoutes(services: Services): Router {
  const router = Router();
  const deliveries = new WebhookDeliveries(services.db, services.clock);
  router.post('/shopify/orders', rawBody(WEBHOOK_BODY_LIMIT), async (req, res) => {
    const secret = services.config.shopifyWebhookSecret;
    if (!secret) return sendError(res, 503, 'not_configured', 'set SHOPIFY_WEBHOOK_SECRET to accept Shopify webhooks');
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verifyShopifySignature(body, req.get('x-shopify-hmac-sha256'), secret)) {
      return sendError(res, 401, 'invalid_signature', 'X-Shopify-Hmac-Sha256 is missing or does not match the body');
    }
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      return sendError(res, 400, 'invalid_json', 'the webhook body is not valid JSON');
    }
    const { record, updatedAt } = shopifyOrderUpdate(payload, { shopTimeZone: services.config.shop.timeZone });
    const delivery = { webhookId: req.get('x-shopify-webhook-id') || undefined, orderId: record.orderId, updatedAt };
    const answer = await deliveries.oneAtATime(record.orderId, async () => {
      const ignored = await deliveries.ignored(delivery);
      if (ignored) return { ignored, webhookId: delivery.webhookId };
      const summary = await importOrders(services.db, [record], { source: 'webhook:shopify', file: 'webhook', now: services.clock });
      await deliveries.record(delivery);
      return summary;
    });
    res.status(200).json(answer);
  });
  return router;
}
