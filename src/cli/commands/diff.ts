import { writeFileSync } from 'node:fs';
import { writeScreened } from '../output.js';
import { diffAsJson, diffAsMarkdown, diffAsText } from '../../diff/render.js';
import { runDiff, touchedEnvironments } from '../../engine/diff-run.js';
import type { DiffReport } from '../../diff/types.js';
import { GitError } from '../../git/errors.js';
import { setStepOutputs, writeJobSummary } from '../../github/actions.js';
import { problemsAsText } from '../../report/problems.js';
import { UserError } from '../../errors/user-error.js';
import type { Output } from '../output.js';

export interface DiffCommandOptions {
  base: string;
  head: string;
  dir: string;
  format: 'text' | 'markdown' | 'json';
  out?: string;
  env?: string[];
  prune?: boolean;
  mergeBase: boolean;
}

export function renderDiff(report: DiffReport, format: DiffCommandOptions['format'], color: boolean): string {
  if (format === 'json') return diffAsJson(report);
  if (format === 'markdown') return diffAsMarkdown(report);
  return diffAsText(report, color);
}

/**
 * Exit 0: no environment touched; 2: something to apply (or an environment file changed); 1: error,
 * including a head revision whose metadata does not validate. In GitHub Actions it also writes the
 * job summary and the step outputs `environments` (JSON list) and `changes` (true/false).
 */
export async function diffCommand(
  options: DiffCommandOptions,
  out: Output,
  cwd = process.cwd(),
): Promise<number> {
  const run = await runDiff({
    base: options.base,
    head: options.head,
    dir: options.dir,
    mergeBase: options.mergeBase,
    prune: options.prune ?? false,
    environments: (options.env ?? [])
      .flatMap((e) => e.split(','))
      .map((e) => e.trim())
      .filter(Boolean),
    cwd,
  }).catch((e: unknown) => {
    throw e instanceof GitError ? new UserError(e.message, 'git', { cause: e }) : e;
  });
  if ('headErrors' in run) {
    const summary = {
      problems: run.headErrors,
      fileCount: new Set(run.headErrors.map((p) => p.file)).size,
      counts: {},
    };
    out.stderr(problemsAsText(summary, out.color));
    out.stderr(`error: the metadata at ${run.head} does not validate; nothing to compare.\n`);
    return 1;
  }
  const { report } = run;
  const text = renderDiff(report, options.format, out.color && !options.out);
  if (options.out) {
    writeScreened(out, options.out, text, writeFileSync);
    out.stderr(`diff written to ${options.out}\n`);
  } else out.stdout(text);
  const touched = report.environments.some((e) => e.touched);
  await writeJobSummary(options.format === 'markdown' ? text : diffAsMarkdown(report));
  setStepOutputs({ environments: JSON.stringify(touchedEnvironments(report)), changes: String(touched) });
  return touched ? 2 : 0;
}
