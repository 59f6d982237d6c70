import { readFileSync } from 'node:fs';
import { GitHubError } from './errors.js';

type ProcessEnv = Record<string, string | undefined>;

/** Where to talk to and as whom: from the workflow's environment, or explicit flags. */
export interface GitHubContext {
  token: string;
  apiUrl: string;
  owner: string;
  repo: string;
  /** Link to the current workflow run, when running in one. */
  runUrl?: string;
}

export function readContext(env: ProcessEnv, repository?: string): GitHubContext {
  const token = env.GITHUB_TOKEN || env.GH_TOKEN;
  if (!token)
    throw new GitHubError(
      'GITHUB_TOKEN is not set; pass it to the step (env: GITHUB_TOKEN: ${{ github.token }}).',
    );
  const fullName = repository ?? env.GITHUB_REPOSITORY;
  const [owner, repo, extra] = (fullName ?? '').split('/');
  if (!owner || !repo || extra !== undefined)
    throw new GitHubError(
      `Which repository? Set GITHUB_REPOSITORY or --repo to owner/name (got ${JSON.stringify(fullName ?? '')}).`,
    );
  return {
    token,
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    owner,
    repo,
    ...(runUrl(env) ? { runUrl: runUrl(env) } : {}),
  };
}

export function runUrl(env: ProcessEnv): string | undefined {
  if (!env.GITHUB_RUN_ID || !env.GITHUB_REPOSITORY) return undefined;
  return `${env.GITHUB_SERVER_URL || 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
}

/** The pull request a workflow runs for: --pr, else the event payload (GITHUB_EVENT_PATH). */
export function pullRequestNumber(env: ProcessEnv, explicit?: number): number {
  if (explicit !== undefined) {
    if (!Number.isInteger(explicit) || explicit < 1)
      throw new GitHubError(`--pr must be a pull request number, got ${JSON.stringify(explicit)}.`);
    return explicit;
  }
  const file = env.GITHUB_EVENT_PATH;
  if (!file)
    throw new GitHubError(
      'Which pull request? Pass --pr N, or run in a pull_request workflow (GITHUB_EVENT_PATH).',
    );
  let event: { pull_request?: { number?: unknown }; issue?: { number?: unknown; pull_request?: unknown } };
  try {
    event = JSON.parse(readFileSync(file, 'utf8')) as typeof event;
  } catch (e) {
    throw new GitHubError(`The event payload ${file} could not be read: ${(e as Error).message}`, undefined, {
      cause: e,
    });
  }
  const n = event.pull_request?.number ?? (event.issue?.pull_request ? event.issue.number : undefined);
  if (typeof n !== 'number')
    throw new GitHubError(
      `The event in ${file} is not about a pull request (GITHUB_EVENT_NAME=${env.GITHUB_EVENT_NAME ?? '?'}); pass --pr N.`,
    );
  return n;
}
