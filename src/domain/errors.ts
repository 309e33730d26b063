/**
 * Typed errors that carry what a person needs to fix the input. The CLI maps them to exit codes
 * and the HTTP layer to status codes, each in exactly one place.
 */
export abstract class RekindleError extends Error {
  abstract readonly code: string;
}

/** A bad value in a file or request: says where (file, line, column/field) and what is expected. */
export class InputError extends RekindleError {
  readonly code = 'invalid_input';
  constructor(
    readonly problem: string,
    readonly where: { file?: string; line?: number; field?: string } = {},
  ) {
    super(InputError.describe(problem, where));
  }

  /** `orders.csv:18: amount: "12,50" is not a decimal number; use a dot` */
  static describe(problem: string, where: { file?: string; line?: number; field?: string }): string {
    const place = [where.file, where.line].filter((p) => p !== undefined).join(':');
    const prefix = [place, where.field].filter((p) => p !== undefined && p !== '').join(': ');
    return prefix ? `${prefix}: ${problem}` : problem;
  }
}

/** A setting that is missing or not allowed; names the variable and what is allowed. */
export class ConfigError extends RekindleError {
  readonly code = 'invalid_config';
  constructor(readonly variable: string, problem: string) {
    super(`${variable}: ${problem}`);
  }
}

export class NotFoundError extends RekindleError {
  readonly code = 'not_found';
}

/** The operation is understood but refused in the current state (e.g. launching twice). */
export class ConflictError extends RekindleError {
  readonly code = 'conflict';
}

export class UnauthorizedError extends RekindleError {
  readonly code = 'unauthorized';
}

export class ForbiddenError extends RekindleError {
  readonly code = 'forbidden';
}
