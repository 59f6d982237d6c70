// The proposal branch: the pulled files committed on top of the checked-out commit and pushed, only
// when the result differs from what the branch already holds. The checkout is left as it was found.
import { simpleGit } from 'simple-git';
import { GitError } from './errors.js';

export interface ProposalCommit {
  /** The branch to (re)build from HEAD, e.g. superset-gitops/pull/staging. */
  branch: string;
  remote: string;
  message: string;
  author: { name: string; email: string };
  /** Paths (relative to the repository) to commit: the metadata folder. */
  paths: string[];
  /** Writes the files into the work tree; called with the proposal branch checked out. */
  write: () => Promise<void>;
}

export interface ProposalPush {
  /** nothing: the files did not change; unchanged: the remote branch already holds this; pushed. */
  action: 'nothing' | 'unchanged' | 'pushed';
  /** The branch HEAD was on (the pull request's base). */
  base: string;
  commit?: string;
}

/**
 * Builds the proposal as one commit on top of HEAD and force-pushes it, unless the remote branch
 * already has the same files. A branch someone else has pushed to is never overwritten.
 */
export async function pushProposal(repoDir: string, options: ProposalCommit): Promise<ProposalPush> {
  // The tool's identity for this commit only (author and committer), not written to the git config.
  const git = simpleGit({
    baseDir: repoDir,
    config: [`user.name=${options.author.name}`, `user.email=${options.author.email}`],
  });
  if (!(await git.status()).isClean())
    throw new GitError(`The checkout in ${repoDir} has uncommitted changes; commit or stash them first.`);
  const base = (await git.revparse(['--abbrev-ref', 'HEAD'])).trim();
  if (base === 'HEAD')
    throw new GitError('HEAD is detached; check out the branch the proposal should be merged into.');
  if (base === options.branch)
    throw new GitError(
      `The checkout is on the proposal branch ${options.branch} itself; check out the branch it should be merged into.`,
    );
  await git.checkout(['-B', options.branch]);
  try {
    await options.write();
    await git.add(['-A', '--', ...options.paths]);
    if ((await git.diff(['--cached', '--name-only'])).trim() === '') return { action: 'nothing', base };
    await git.commit(options.message);
    const commit = (await git.revparse(['HEAD'])).trim();
    let remoteSha: string | undefined;
    try {
      await git.fetch(options.remote, `refs/heads/${options.branch}`);
      remoteSha = (await git.revparse(['FETCH_HEAD'])).trim();
    } catch {
      remoteSha = undefined; // no such branch yet
    }
    if (remoteSha) {
      const tree = async (rev: string) => (await git.revparse([`${rev}^{tree}`])).trim();
      const parent = async (rev: string) => (await git.revparse([`${rev}^`])).trim();
      if (
        (await tree(remoteSha)) === (await tree(commit)) &&
        (await parent(remoteSha)) === (await parent(commit))
      )
        return { action: 'unchanged', base, commit: remoteSha };
      // Only a branch that is exactly one commit of this tool's, authored and committed by it, on top
      // of what it proposes into, is rebuilt: anything else has someone's work in it.
      const [author, committer] = (await git.raw(['log', '-1', '--format=%ae%n%ce', remoteSha]))
        .trim()
        .split('\n');
      const parentOfRemote = await parent(remoteSha);
      const common = await git
        .raw(['merge-base', parentOfRemote, 'HEAD'])
        .then((t) => t.trim())
        .catch(() => '');
      const onBase = common === parentOfRemote;
      if (author !== options.author.email || committer !== options.author.email || !onBase)
        throw new GitError(
          `${options.remote}/${options.branch} has work that is not this tool's (its last commit is by ${author ?? '?'}, committed by ${committer ?? '?'}${onBase ? '' : ', not on top of this branch'}): merge or close that pull request (or delete the branch) before proposing again.`,
        );
    }
    await git.push(options.remote, `${commit}:refs/heads/${options.branch}`, [
      `--force-with-lease=refs/heads/${options.branch}:${remoteSha ?? ''}`,
    ]);
    return { action: 'pushed', base, commit };
  } finally {
    await git.checkout(['-f', base]);
  }
}
