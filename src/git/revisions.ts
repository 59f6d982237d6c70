import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { readBlobs } from './blobs.js';
import { GitError } from './errors.js';

/** A file in a commit's tree: its path from the repository root and its blob id. */
export interface TreeFile {
  path: string;
  blob: string;
}

export type FileStatus = 'added' | 'modified' | 'deleted' | 'renamed' | 'copied' | 'type-changed';

/** One file that differs between two commits; `from` is set for renames and copies. */
export interface ChangedFile {
  status: FileStatus;
  path: string;
  from?: string;
}

/** Read-only questions about commits, answered without touching the work tree. */
export interface Revisions {
  /** Absolute path of the repository's top level. */
  readonly root: string;
  /** Full commit id of a revision (branch, tag, sha, `HEAD~1`). */
  resolve(rev: string): Promise<string>;
  /** The commit where `head` branched from `base` (what a pull request compares against). */
  mergeBase(base: string, head: string): Promise<string>;
  /** Every file under `dir` (relative to the root) in a commit. */
  listFiles(commit: string, dir: string): Promise<TreeFile[]>;
  readBlobs(ids: readonly string[]): Promise<Map<string, Buffer>>;
  /** Files under `dir` that differ between two commits, with renames detected. */
  changedFiles(base: string, head: string, dir: string): Promise<ChangedFile[]>;
}

const STATUS: Record<string, FileStatus> = {
  A: 'added',
  M: 'modified',
  D: 'deleted',
  R: 'renamed',
  C: 'copied',
  T: 'type-changed',
};

/** Opens the repository that contains `cwd`. */
export async function openRevisions(cwd: string): Promise<Revisions> {
  let root: string;
  try {
    root = await realpath((await simpleGit({ baseDir: cwd }).revparse(['--show-toplevel'])).trim());
  } catch (e) {
    throw new GitError(`${cwd} is not inside a git repository (${firstLine(e)}).`, { cause: e });
  }
  const git = simpleGit({ baseDir: root });
  return {
    root,
    resolve: (rev) => resolveCommit(git, rev),
    async mergeBase(base, head) {
      try {
        return (await git.raw(['merge-base', base, head])).trim();
      } catch (e) {
        throw new GitError(
          `${base} and ${head} have no common ancestor in this clone; fetch the full history (actions/checkout: fetch-depth: 0) or pass --no-merge-base (${firstLine(e)}).`,
          { cause: e },
        );
      }
    },
    async listFiles(commit, dir) {
      const out = await git.raw(['ls-tree', '-r', '-z', '--full-tree', commit, '--', dir]);
      return out
        .split('\0')
        .filter(Boolean)
        .flatMap((entry) => {
          const tab = entry.indexOf('\t');
          const [, type, blob] = entry.slice(0, tab).split(' ');
          return type === 'blob' && blob ? [{ path: entry.slice(tab + 1), blob }] : [];
        });
    },
    readBlobs: (ids) => readBlobs(root, ids),
    async changedFiles(base, head, dir) {
      return parseNameStatus(await git.raw(['diff', '--name-status', '-z', '-M', base, head, '--', dir]));
    },
  };
}

async function resolveCommit(git: SimpleGit, rev: string): Promise<string> {
  // A revision never starts with '-': refuse what git would read as an option.
  if (rev.startsWith('-') || rev === '') throw new GitError(`Invalid revision ${JSON.stringify(rev)}.`);
  try {
    const sha = (await git.revparse(['--verify', `${rev}^{commit}`])).trim();
    if (!/^[0-9a-f]{40,64}$/.test(sha)) throw new Error('no such commit');
    return sha;
  } catch (e) {
    throw new GitError(
      `Unknown revision ${JSON.stringify(rev)}: not a commit in this clone (a shallow checkout needs fetch-depth: 0) (${firstLine(e)}).`,
      { cause: e },
    );
  }
}

/** `git diff --name-status -z`: `M\0path\0`, `R100\0from\0to\0`. */
export function parseNameStatus(out: string): ChangedFile[] {
  const parts = out.split('\0');
  const files: ChangedFile[] = [];
  for (let i = 0; i < parts.length;) {
    const code = parts[i++];
    if (!code) continue;
    const status = STATUS[code[0] ?? ''] ?? 'modified';
    if (status === 'renamed' || status === 'copied') {
      const from = parts[i++] ?? '';
      files.push({ status, path: parts[i++] ?? '', from });
    } else files.push({ status, path: parts[i++] ?? '' });
  }
  return files;
}

/** A path under the repository root, with forward slashes, as git names it. */
export function repoPath(root: string, absolute: string): string {
  const rel = path.relative(root, absolute);
  if (rel.startsWith('..') || path.isAbsolute(rel))
    throw new GitError(`${absolute} is outside the git repository at ${root}.`);
  return rel.split(path.sep).join('/') || '.';
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).trim().split('\n')[0] ?? '';
}
