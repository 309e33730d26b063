/**
 * Errors that say the database itself is out of reach, not that a statement or the data is wrong:
 * PostgreSQL restarting, shutting down or refusing connections, a dropped connection, SQLite locked
 * by another process for longer than the busy timeout. Commands write in transactions and the
 * dispatcher reconciles the claims it leaves, so running the command again is the fix: the CLI
 * says that in one line instead of printing a stack trace.
 */

/** SQLite's busy timeout, on every connection this process opens: how long a write waits for another's lock before it is "locked". */
export const SQLITE_BUSY_TIMEOUT_MS = 10_000;

/** SQLSTATE classes and codes that mean "no database here right now". */
const POSTGRES_GONE = /^(08...|57P0[1-3]|53300)$/;
const SOCKET_GONE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);
const GONE_TEXT = /not currently accepting connections|Connection terminated|terminating connection|the database system is (starting up|shutting down|in recovery)|Client has encountered a connection error/i;

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  driverError?: unknown;
}

/** What to tell the person, or null when the error is not the database being unavailable. */
export function databaseUnavailable(error: unknown): string | null {
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  const driver = (typeof e.driverError === 'object' && e.driverError !== null ? e.driverError : {}) as ErrorLike;
  const code = String(driver.code ?? e.code ?? '');
  const text = String(driver.message ?? e.message ?? error).replace(/\s+/g, ' ').slice(0, 200);
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return `the database is locked: another process held its write lock longer than the busy timeout (${code}: ${text}); what was committed stays, the rest was rolled back: run the command again`;
  }
  if (POSTGRES_GONE.test(code) || SOCKET_GONE.has(code) || GONE_TEXT.test(text)) {
    return `the database went away or refused the connection (${code ? `${code}: ` : ''}${text}); what was committed stays, the rest was rolled back: run the command again once it is back`;
  }
  return null;
}
