import { Octokit } from '@octokit/rest';
import { GitHubError } from './errors.js';
import type { GitHubPort, Issue, IssueComment, PullRequest } from './port.js';

export interface OctokitPortOptions {
  token: string;
  /** GITHUB_API_URL: https://api.github.com, or a GitHub Enterprise Server's /api/v3. */
  apiUrl: string;
  owner: string;
  repo: string;
  /** Per request; a step must not hang until the job's timeout. */
  timeoutMs?: number;
}

type RawComment = { id: number; body?: string | null; user?: { login?: string } | null; html_url: string };
type RawIssue = { number: number; title: string; body?: string | null; html_url: string };

const toComment = (c: RawComment): IssueComment => ({
  id: c.id,
  body: c.body ?? '',
  author: c.user?.login ?? null,
  url: c.html_url,
});
const toIssue = (i: RawIssue): Issue => ({
  number: i.number,
  title: i.title,
  body: i.body ?? '',
  url: i.html_url,
});

type RawPull = {
  number: number;
  title: string;
  body?: string | null;
  html_url: string;
  head: { ref: string };
  base: { ref: string };
};
const toPull = (p: RawPull): PullRequest => ({
  number: p.number,
  title: p.title,
  body: p.body ?? '',
  url: p.html_url,
  head: p.head.ref,
  base: p.base.ref,
});

const quiet = (): void => undefined;

/** What the token must be allowed to do, for the error message. */
const PERMISSION = { comment: 'pull-requests: write', issue: 'issues: write', pull: 'pull-requests: write' };

/** The GitHub REST API through @octokit/rest. */
export function octokitPort(options: OctokitPortOptions): GitHubPort {
  const { owner, repo } = options;
  const octokit = new Octokit({
    auth: options.token,
    baseUrl: options.apiUrl.replace(/\/+$/, ''),
    userAgent: 'superset-gitops',
    // Failures reach the user once, explained by explain(); an expected 404 (label lookup) is no news.
    log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
  });
  const timeoutMs = options.timeoutMs ?? 30_000;
  octokit.hook.before('request', (request) => {
    request.request = { ...request.request, signal: AbortSignal.timeout(timeoutMs) };
  });
  const call = async <T>(what: string, permission: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      throw explain(e, what, permission, `${owner}/${repo}`);
    }
  };
  return {
    listComments: (issue) =>
      call(`listing the comments of #${issue}`, PERMISSION.comment, async () =>
        (
          await octokit.paginate(octokit.rest.issues.listComments, {
            owner,
            repo,
            issue_number: issue,
            per_page: 100,
          })
        ).map(toComment),
      ),
    createComment: (issue, body) =>
      call(`commenting on #${issue}`, PERMISSION.comment, async () =>
        toComment((await octokit.rest.issues.createComment({ owner, repo, issue_number: issue, body })).data),
      ),
    updateComment: (id, body) =>
      call(`updating comment ${id}`, PERMISSION.comment, async () =>
        toComment((await octokit.rest.issues.updateComment({ owner, repo, comment_id: id, body })).data),
      ),
    deleteComment: (id) =>
      call(`deleting comment ${id}`, PERMISSION.comment, async () => {
        await octokit.rest.issues.deleteComment({ owner, repo, comment_id: id });
      }),
    listOpenIssues: (label) =>
      call(`listing open issues labelled ${label}`, PERMISSION.issue, async () =>
        (
          await octokit.paginate(octokit.rest.issues.listForRepo, {
            owner,
            repo,
            state: 'open',
            labels: label,
            per_page: 100,
          })
        )
          .filter((i) => !i.pull_request)
          .map(toIssue),
      ),
    createIssue: (input) =>
      call('opening an issue', PERMISSION.issue, async () =>
        toIssue((await octokit.rest.issues.create({ owner, repo, ...input })).data),
      ),
    updateIssue: (issue, update) =>
      call(`updating issue #${issue}`, PERMISSION.issue, async () =>
        toIssue(
          (
            await octokit.rest.issues.update({
              owner,
              repo,
              issue_number: issue,
              ...(update.body !== undefined ? { body: update.body } : {}),
              ...(update.state ? { state: update.state } : {}),
              ...(update.stateReason ? { state_reason: update.stateReason } : {}),
            })
          ).data,
        ),
      ),
    findOpenPull: (head) =>
      call(`looking for the open pull request from ${head}`, PERMISSION.pull, async () => {
        const pulls = await octokit.rest.pulls.list({
          owner,
          repo,
          state: 'open',
          head: `${owner}:${head}`,
          per_page: 10,
        });
        const found = pulls.data.find((p) => p.head.ref === head);
        return found ? toPull(found) : null;
      }),
    createPull: (input) =>
      call(`opening a pull request from ${input.head}`, PERMISSION.pull, async () =>
        toPull((await octokit.rest.pulls.create({ owner, repo, ...input })).data),
      ),
    updatePull: (pull, update) =>
      call(`updating pull request #${pull}`, PERMISSION.pull, async () =>
        toPull((await octokit.rest.pulls.update({ owner, repo, pull_number: pull, ...update })).data),
      ),
    ensureLabel: (name, color, description) =>
      call(`creating label ${name}`, PERMISSION.issue, async () => {
        try {
          await octokit.rest.issues.getLabel({ owner, repo, name });
        } catch (e) {
          if (statusOf(e) !== 404) throw e;
          await octokit.rest.issues.createLabel({ owner, repo, name, color, description });
        }
      }),
  };
}

function statusOf(e: unknown): number | undefined {
  const status = (e as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

function explain(e: unknown, what: string, permission: string, repository: string): GitHubError {
  const status = statusOf(e);
  const reason = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
  if (status === 401)
    return new GitHubError(
      `GitHub rejected the token while ${what} (401 ${reason}); check GITHUB_TOKEN.`,
      status,
      {
        cause: e,
      },
    );
  if (status === 403 || status === 404)
    return new GitHubError(
      `GitHub refused ${what} on ${repository} (${status} ${reason}). The token needs \`${permission}\` (workflow \`permissions:\`); pull requests from forks only get a read-only token.`,
      status,
      { cause: e },
    );
  if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError'))
    return new GitHubError(`GitHub did not answer in time while ${what}.`, undefined, { cause: e });
  return new GitHubError(`GitHub failed while ${what}: ${status ? `${status} ` : ''}${reason}`, status, {
    cause: e,
  });
}
