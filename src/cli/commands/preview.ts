import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { destroyPreview, runPreview } from '../../engine/preview-run.js';
import { loadProject } from '../../engine/project.js';
import { headCommit } from '../../git/head.js';
import { runUrl } from '../../github/context.js';
import { previewAsMarkdown, previewAsText } from '../../report/preview-text.js';
import { progressPrinter } from '../progress.js';
import { writeScreened, type Output } from '../output.js';

export interface PreviewCommandOptions {
  env: string;
  dir: string;
  id: string;
  base: string;
  head: string;
  destroy?: boolean;
  screenshots: string | false;
  format: 'text' | 'markdown';
  out?: string;
  imageBase?: string;
  lockTimeout: number;
}

/** Exit 0: the preview is up to date (or destroyed); 1: error. */
export async function previewCommand(options: PreviewCommandOptions, out: Output): Promise<number> {
  const project = await loadProject(options.dir, options.env);
  const commit = await headCommit(project.projectDir, options.dir);
  const common = {
    id: options.id,
    commit,
    lockTimeoutMs: options.lockTimeout * 1000,
    ...(out.screen ? { screen: out.screen } : {}),
    onEvent: progressPrinter(out),
  };
  if (options.destroy) {
    const result = await destroyPreview(project, common);
    out.stdout(
      result.found
        ? `Preview ${options.id} destroyed: ${result.deleted} object(s) deleted, its registry removed.\n`
        : `No preview ${options.id} in ${project.env.name}: nothing to destroy.\n`,
    );
    return 0;
  }
  const outcome = await runPreview(project, {
    ...common,
    base: options.base,
    head: options.head,
    // Revisions are read from the checkout that holds the metadata folder.
    dir: path.relative(project.projectDir, project.metadataDir) || '.',
    cwd: project.projectDir,
    ...(options.screenshots !== false ? { screenshots: path.resolve(options.screenshots) } : {}),
  });
  const run = runUrl(process.env);
  const text =
    options.format === 'markdown'
      ? previewAsMarkdown(outcome, options.imageBase, run ? `${run}#artifacts` : undefined)
      : previewAsText(outcome);
  if (options.out) {
    writeScreened(out, options.out, text, writeFileSync);
    out.stdout(previewAsText(outcome));
  } else out.stdout(text);
  return 0;
}
