/**
 * A failure the user can act on (bad flag, missing directory, unreachable service): printed as one
 * sentence, exit 1, no stack trace.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly code = 'user-error',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UserError';
  }
}
