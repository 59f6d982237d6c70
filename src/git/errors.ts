/** A git question that cannot be answered: unknown revision, not a repository, git missing. */
export class GitError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GitError';
  }
}
