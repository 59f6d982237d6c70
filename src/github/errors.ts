import { UserError } from '../errors/user-error.js';

/** GitHub refused or failed a request; the message says what to check (token, permissions, repo). */
export class GitHubError extends UserError {
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, 'github', options);
    this.name = 'GitHubError';
  }
}
