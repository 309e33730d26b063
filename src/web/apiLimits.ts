/**
 * What /api and the webhook accept before doing any work: requests per minute per client address
 * (checked first, so floods without a key are turned away too) and per API key (after
 * authentication), and bodies read per route with a size limit and no compression. A gzip body
 * inflates a thousandfold; refusing it costs nothing, while capping it would still inflate up to
 * the cap. Over a rate limit: 429 with Retry-After and the API's error shape.
 */
import express, { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { callerKeyId } from './auth';
import { closeIfUnread, sendError } from './errors';

const WINDOW_MS = 60_000;

function limiter(limit: number, key: (req: Request, res: Response) => string): RequestHandler {
  return rateLimit({
    windowMs: WINDOW_MS,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: key,
    handler: (req, res) => {
      closeIfUnread(req, res);
      sendError(res, 429, 'rate_limited', `more than ${limit} requests a minute; wait for the time in Retry-After and try again`);
    },
  });
}

const byAddress = (req: Request) => ipKeyGenerator(req.ip ?? 'unknown');

/** Per client address; one instance per mount point, so /api and the webhook count separately. */
export const perAddress = (limit: number): RequestHandler => limiter(limit, byAddress);

/** Per API key; mount after `authenticate`. */
export const perKey = (limit: number): RequestHandler => limiter(limit, (req, res) => callerKeyId(res) ?? byAddress(req));

/**
 * At most `limitBytes` through `parser`. A body the declared length says is too big is refused at
 * once: body-parser would read it to the end before answering, so a client could hold the
 * connection for megabytes.
 */
function within(limitBytes: number, parser: RequestHandler): RequestHandler {
  return (req, res, next) => {
    const declared = Number(req.get('content-length'));
    if (!(declared > limitBytes)) return parser(req, res, next);
    closeIfUnread(req, res);
    sendError(res, 413, 'too_large', `the request body is larger than this endpoint accepts (${limitBytes} bytes)`);
  };
}

/** JSON bodies of at most `limitBytes`, never compressed. Mount after authentication. */
export const jsonBody = (limitBytes: number): RequestHandler => within(limitBytes, express.json({ limit: limitBytes, inflate: false }));

/** The raw bytes (for a signature over them), at most `limitBytes`, never compressed. */
export const rawBody = (limitBytes: number): RequestHandler => within(limitBytes, express.raw({ type: () => true, limit: limitBytes, inflate: false }));
