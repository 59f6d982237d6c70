// The tool's cache folder, for what it keeps between runs on one machine (parse results, the last
// listing of a Superset): $SUPERSET_GITOPS_CACHE_DIR, else $XDG_CACHE_HOME/superset-gitops, else
// ~/.cache/superset-gitops; SUPERSET_GITOPS_CACHE_DIR=off turns it off. A cache is only ever a
// shortcut: a file that cannot be written is left unwritten.
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const set = env.SUPERSET_GITOPS_CACHE_DIR;
  if (set === 'off') return undefined;
  if (set) return set;
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'superset-gitops');
}

/** Writes `text` to `where` whole or not at all (a temporary file renamed over it): readers never see half. */
export function writeCacheFile(where: string, text: string): void {
  const tmp = `${where}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    mkdirSync(path.dirname(where), { recursive: true });
    writeFileSync(tmp, text);
    renameSync(tmp, where);
  } catch {
    rmSync(tmp, { force: true });
  }
}
