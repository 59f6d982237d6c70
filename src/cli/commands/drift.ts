import { writeFileSync } from 'node:fs';
import { writeScreened } from '../output.js';
import { hasDrift } from '../../drift/compute.js';
import type { DriftReport } from '../../drift/types.js';
import { runDrift } from '../../engine/drift-run.js';
import { loadProject } from '../../engine/project.js';
import { connectServices } from '../../engine/services.js';
import { headCommit } from '../../git/head.js';
import { driftAsHtml } from '../../report/drift-html.js';
import { driftAsJson, driftAsMarkdown, driftAsText } from '../../report/drift-text.js';
import type { Output } from '../output.js';

export interface DriftCommandOptions {
  env: string;
  dir: string;
  format: 'text' | 'markdown' | 'json' | 'html';
  out?: string;
  readAll?: boolean;
  ignoreUnmanaged?: boolean;
  failOnUnmanaged?: boolean;
  publish: boolean;
}

export function renderDrift(
  report: DriftReport,
  format: DriftCommandOptions['format'],
  color: boolean,
): string {
  if (format === 'json') return driftAsJson(report);
  if (format === 'markdown') return driftAsMarkdown(report);
  if (format === 'html') return driftAsHtml(report);
  return driftAsText(report, color);
}

/** Exit 0: no drift; 2: drift; 1: error. Objects the tool does not manage are listed but count only with --fail-on-unmanaged. */
export async function driftCommand(options: DriftCommandOptions, out: Output): Promise<number> {
  const project = await loadProject(options.dir, options.env);
  const commit = await headCommit(project.projectDir, options.dir);
  const services = await connectServices(project.env, undefined, {
    objects: project.objects,
    ...(out.screen ? { screen: out.screen } : {}),
  });
  try {
    const report = await runDrift(project.objects, services, {
      environment: project.env.name,
      gitCommit: commit.sha,
      readAll: options.readAll ?? false,
      ignoreUnmanaged: options.ignoreUnmanaged ?? false,
      publish: options.publish,
    });
    const text = renderDrift(report, options.format, out.color && !options.out);
    if (options.out) {
      writeScreened(out, options.out, text, writeFileSync);
      out.stderr(`drift report written to ${options.out}\n`);
    } else out.stdout(text);
    const drift = hasDrift(report) || (options.failOnUnmanaged === true && report.counts.unmanaged > 0);
    return drift ? 2 : 0;
  } finally {
    await services.close();
  }
}
