import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeObjects } from '../../import/write-tree.js';
import { loadProject } from '../../engine/project.js';
import { runPull } from '../../engine/pull-run.js';
import { connectServices } from '../../engine/services.js';
import { renderPull } from '../../report/pull-text.js';
import type { Output } from '../output.js';

export interface PullCommandOptions {
  env: string;
  dir: string;
  target?: string[];
  dryRun?: boolean;
  includeUnmanaged?: boolean;
}

/** Exit 0: nothing to pull; 2: files changed (or would, with --dry-run); 1: error. */
export async function pullCommand(options: PullCommandOptions, out: Output): Promise<number> {
  const project = await loadProject(options.dir, options.env);
  const services = await connectServices(project.env, undefined, {
    objects: project.objects,
    ...(out.screen ? { screen: out.screen } : {}),
  });
  try {
    const result = await runPull(project, services, {
      targets: options.target ?? [],
      includeUnmanaged: options.includeUnmanaged ?? false,
    });
    // Every text is screened for secrets before the first is written: all files or none.
    for (const f of result.files) out.screen?.check(f.text, f.file);
    for (const o of result.created) out.screen?.check(JSON.stringify(o.spec), `the new ${o.kind} file`);
    if (!options.dryRun) for (const f of result.files) writeFileSync(f.absolute, f.text);
    const dryRun = options.dryRun ?? false;
    const created = (await writeObjects(project.metadataDir, result.created, { dryRun })).written;
    out.stdout(
      renderPull(
        result,
        !dryRun,
        created.map((f) => path.join(options.dir, f)),
      ),
    );
    return result.files.length + created.length ? 2 : 0;
  } finally {
    await services.close();
  }
}
