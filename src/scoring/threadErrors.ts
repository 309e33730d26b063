/**
 * An error as it crosses between the main thread and a scoring thread (statementThread.ts,
 * threadStore.ts): structured cloning keeps no class, so it travels as its name, message and
 * code, and is made again on the other side as the class the caller tells apart.
 */
import { ConflictError } from '../domain/errors';

export interface WireError {
  name: string;
  message: string;
  code?: string;
}

export function toWire(error: unknown): WireError {
  const { name, message, code } = error as Error & { code?: string };
  return { name: error instanceof ConflictError ? 'ConflictError' : name, message, code };
}

/** The builder refuses a value with a RangeError naming it, an orphan is a conflict; SQLite's code (SQLITE_BUSY) is kept. */
export function revive(error: WireError): Error {
  const revived =
    error.name === 'RangeError' ? new RangeError(error.message) : error.name === 'ConflictError' ? new ConflictError(error.message) : new Error(error.message);
  if (error.code !== undefined) Object.assign(revived, { code: error.code });
  return revived;
}
