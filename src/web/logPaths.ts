/**
 * What request logs may say about a path. Link tokens are bearer credentials; an API path may
 * name a customer by email or id. Each such path keeps its route and loses the value:
 * `/w/AQF…` becomes `/w/:token`, `/api/customers/maria@example.org/advice` becomes
 * `/api/customers/:id/advice`. Query strings never reach a log. A route that puts a personal
 * value in its path adds its prefix here.
 */
import { LINK_ROUTES } from '../links/tokens';

/** A prefix, and what the path segment after it is replaced with. */
const REDACTED_SEGMENTS: readonly (readonly [string, string])[] = [
  ...Object.values(LINK_ROUTES).map((prefix) => [prefix, ':token'] as const),
  ['/api/customers', ':id'],
];

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const PATTERNS = REDACTED_SEGMENTS.map(([prefix, placeholder]) => [new RegExp(`^(${escape(prefix)})/[^/?]+`), `$1/${placeholder}`] as const);

/** The path of a URL as it may be logged: no query string, no token, no customer. */
export function loggablePath(url: string): string {
  const path = url.split('?')[0];
  for (const [pattern, replacement] of PATTERNS) if (pattern.test(path)) return path.replace(pattern, replacement);
  return path;
}
