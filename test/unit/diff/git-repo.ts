// A real, throw-away git repository for the diff tests: files are written, moved and committed with
// git itself, so renames, merge bases and blob reads are git's own.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';

export interface TempRepo {
  dir: string;
  git: SimpleGit;
  /** Writes (string) or deletes (null) files, paths relative to the repository root. */
  write(files: Record<string, string | null>): Promise<void>;
  move(from: string, to: string): Promise<void>;
  /** Stages everything and commits; returns the commit id. */
  commit(message: string): Promise<string>;
  remove(): Promise<void>;
}

export async function createRepo(): Promise<TempRepo> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sg-diff-'));
  const git = simpleGit({ baseDir: dir });
  await git.init(['--initial-branch=main']);
  await git.addConfig('user.name', 'Diff Test');
  await git.addConfig('user.email', 'diff-test@example.invalid');
  await git.addConfig('commit.gpgsign', 'false');
  return {
    dir,
    git,
    async write(files) {
      for (const [file, content] of Object.entries(files)) {
        const full = path.join(dir, file);
        if (content === null) await rm(full);
        else {
          await mkdir(path.dirname(full), { recursive: true });
          await writeFile(full, content);
        }
      }
    },
    async move(from, to) {
      await mkdir(path.dirname(path.join(dir, to)), { recursive: true });
      await git.mv(from, to);
    },
    async commit(message) {
      await git.add(['-A']);
      await git.commit(message);
      return (await git.revparse(['HEAD'])).trim();
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Prefixes every path with `metadata/`. */
export function underMetadata(files: Record<string, string | null>): Record<string, string | null> {
  return Object.fromEntries(Object.entries(files).map(([f, c]) => [`metadata/${f}`, c]));
}
