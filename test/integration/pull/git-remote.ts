// A fixture's folder as a git checkout on `main` with a bare repository as its `origin`, as a
// workflow's checkout of a content repository would be.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** Commits everything in `dir` and pushes it to a new bare remote; returns the remote's path. */
export function checkoutWithOrigin(dir: string): string {
  const origin = fs.mkdtempSync(path.join(os.tmpdir(), 'pull-origin-'));
  git(origin, 'init', '-q', '--bare', '-b', 'main');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, '-c', 'user.name=Ana', '-c', 'user.email=ana@example.com', 'commit', '-qm', 'start');
  git(dir, 'remote', 'add', 'origin', origin);
  git(dir, 'push', '-q', 'origin', 'main');
  return origin;
}

/** The commit a branch of the remote points at, if it has the branch. */
export function remoteHead(origin: string, branch: string): string | undefined {
  try {
    return git(origin, 'rev-parse', `refs/heads/${branch}`);
  } catch {
    return undefined;
  }
}
