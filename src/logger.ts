/**
 * pino to stderr, so `--json` output on stdout stays one clean document. Secrets and email
 * addresses are redacted wherever they appear under the usual keys.
 */
import pino, { Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino(
    {
      level,
      redact: {
        paths: ['email', '*.email', 'key', '*.key', 'secret', '*.secret', 'req.headers.authorization', 'req.headers.cookie', '*.password'],
        censor: '[redacted]',
      },
    },
    pino.destination(2),
  );
}
