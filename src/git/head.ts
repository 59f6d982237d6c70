import { simpleGit } from 'simple-git';

/** Which commit the desired state comes from, as recorded in snapshots and history. */
export interface CommitInfo {
  sha: string;
  author: string;
  message: string;
  time: string;
  /** Files under the metadata directory differ from the commit. */
  dirty: boolean;
}

export async function headCommit(dir: string, metadataDir: string): Promise<CommitInfo> {
  const git = simpleGit({ baseDir: dir });
  try {
    const log = await git.log({ maxCount: 1 });
    const head = log.latest;
    if (!head) throw new Error('no commits');
    const status = await git.status([metadataDir]);
    return {
      sha: head.hash,
      author: head.author_name,
      message: head.message,
      time: new Date(head.date).toISOString(),
      dirty: !status.isClean(),
    };
  } catch {
    // Not a git checkout (a tarball, a test dir): the state still records who and when.
    return {
      sha: 'uncommitted',
      author: process.env.USER ?? 'unknown',
      message: '',
      time: new Date().toISOString(),
      dirty: true,
    };
  }
}

/** The top-level folder of the git checkout holding `dir` (absolute), or undefined outside one. */
export async function repositoryRoot(dir: string): Promise<string | undefined> {
  try {
    const root = (await simpleGit({ baseDir: dir }).revparse(['--show-toplevel'])).trim();
    return root === '' ? undefined : root;
  } catch {
    return undefined;
  }
}
