/** The one place errors become HTTP responses: `{error: {code, message, field?}}`. */
import type { ErrorRequestHandler, Request, Response } from 'express';
import { ConflictError, ForbiddenError, InputError, NotFoundError, RekindleError, UnauthorizedError } from '../domain/errors';
import type { Logger } from '../logger';
import { loggablePath } from './logPaths';

export function sendError(res: Response, status: number, code: string, message: string, field?: string): void {
  res.status(status).json({ error: field === undefined ? { code, message } : { code, message, field } });
}

/**
 * A request refused before its body was read (401, 413, 415, 429) has its connection closed
 * after the answer, rather than kept alive while the server drains megabytes nobody will use.
 */
export function closeIfUnread(req: Request, res: Response): void {
  if (!req.complete) res.set('Connection', 'close');
}

function statusOf(error: RekindleError): number {
  if (error instanceof InputError) return 400;
  if (error instanceof UnauthorizedError) return 401;
  if (error instanceof ForbiddenError) return 403;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError) return 409;
  return 500;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    closeIfUnread(req, res);
    if (error instanceof RekindleError) {
      const field = error instanceof InputError ? error.where.field : undefined;
      return sendError(res, statusOf(error), error.code, error.message, field);
    }
    // body-parser's errors carry a status and a type; keep their meaning, not their stack.
    const status = typeof error?.status === 'number' ? error.status : 500;
    if (status === 413) return sendError(res, 413, 'too_large', 'the request body is larger than this endpoint accepts');
    if (error?.type === 'encoding.unsupported') return sendError(res, 415, 'unsupported_encoding', 'send the body uncompressed (no Content-Encoding)');
    if (error?.type === 'entity.parse.failed') return sendError(res, 400, 'invalid_json', 'the request body is not valid JSON');
    if (status >= 400 && status < 500) return sendError(res, status, 'bad_request', String(error.message ?? 'bad request'));
    logger.error({ err: error, path: loggablePath(req.originalUrl) }, 'unhandled error');
    return sendError(res, 500, 'internal', 'something went wrong on our side; it has been logged');
  };
}
