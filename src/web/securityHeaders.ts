/**
 * helmet's security headers, worked out once. helmet() with fixed options sets the same values on
 * every response, yet runs its eleven middlewares, each building its header again, for each
 * request: on the landing page that was as much CPU as the rest of our own middleware (issue 16).
 * Here helmet runs once against a recorder and the app replays what it set.
 */
import type { RequestHandler } from 'express';
import helmet from 'helmet';

type Recorded = readonly (readonly [string, string])[];

/**
 * The headers helmet's defaults set, in its order, and those it removes. Defaults only: options
 * can make a header depend on the request (a CSP nonce), which a recording would freeze.
 */
export function helmetHeaders(): { set: Recorded; removed: readonly string[] } {
  const set: [string, string][] = [];
  const removed: string[] = [];
  const recorder = {
    setHeader: (name: string, value: unknown) => set.push([name, String(value)]),
    removeHeader: (name: string) => removed.push(name),
  };
  let done = false;
  (helmet() as unknown as (req: unknown, res: unknown, next: (error?: unknown) => void) => void)({}, recorder, (error) => {
    if (error) throw error;
    done = true;
  });
  // helmet's middlewares are synchronous today; should one ever not be, refuse to start rather than send fewer headers.
  if (!done) throw new Error('helmet did not finish synchronously; its headers cannot be worked out once');
  return { set, removed };
}

export function securityHeaders(): RequestHandler {
  const { set, removed } = helmetHeaders();
  return (_req, res, next) => {
    for (const name of removed) res.removeHeader(name);
    for (const [name, value] of set) res.setHeader(name, value);
    next();
  };
}
