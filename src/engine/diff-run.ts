import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors/user-error.js';
import { openRevisions, repoPath } from '../git/revisions.js';
import type { Problem } from '../model/problem.js';
import { compareTrees, describeFiles } from '../diff/compare.js';
import { readMetadataAt } from '../diff/read-revision.js';
import type { DiffReport } from '../diff/types.js';

export interface DiffOptions {
  base: string;
  head: string;
  /** Metadata directory, relative to `cwd`. */
  dir: string;
  /** Compare with the commit where head branched from base, as a pull request does. */
  mergeBase: boolean;
  prune: boolean;
  environments?: readonly string[];
  cwd: string;
}

export type DiffRun = { report: DiffReport } | { headErrors: Problem[]; head: string };

/** Reads both revisions from git (no checkout) and compares them per environment. */
export async function runDiff(options: DiffOptions): Promise<DiffRun> {
  const revisions = await openRevisions(options.cwd);
  const dirPath = path.resolve(await realpath(options.cwd), options.dir);
  const dir = repoPath(revisions.root, dirPath);
  const headCommit = await revisions.resolve(options.head);
  const baseTip = await revisions.resolve(options.base);
  const baseCommit = options.mergeBase ? await revisions.mergeBase(baseTip, headCommit) : baseTip;
  const [base, head, changed] = await Promise.all([
    readMetadataAt(revisions, baseCommit, dir),
    readMetadataAt(revisions, headCommit, dir),
    revisions.changedFiles(baseCommit, headCommit, dir),
  ]);
  const headErrors = head.problems.filter((p) => p.severity === 'error');
  if (headErrors.length) return { headErrors, head: options.head };
  if (options.environments?.length) {
    const known = new Set([...base.environments, ...head.environments].map((e) => e.spec.name));
    const unknown = options.environments.filter((e) => !known.has(e));
    if (unknown.length)
      throw new UserError(
        `No environment named ${unknown.map((u) => JSON.stringify(u)).join(', ')} under ${dir} at either revision (known: ${[...known].sort().join(', ') || 'none'}).`,
      );
  }
  const environments = compareTrees(base, head, {
    projectDir: path.dirname(dirPath),
    prune: options.prune,
    ...(options.environments?.length ? { environments: options.environments } : {}),
  });
  return {
    report: {
      dir,
      base: { rev: options.base, commit: baseCommit },
      head: { rev: options.head, commit: headCommit },
      files: describeFiles(changed, base, head),
      environments,
      baseErrors: base.problems.filter((p) => p.severity === 'error').length,
    },
  };
}

/** Environments that exist at head and have something to plan: where a live plan is worth running. */
export function touchedEnvironments(report: DiffReport): string[] {
  return report.environments.filter((e) => e.touched && e.plan).map((e) => e.name);
}
