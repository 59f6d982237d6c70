import { writeFileSync } from 'node:fs';
import { loadProject } from '../../engine/project.js';
import { toBundle } from '../../export/to-bundle.js';
import { writeZip } from '../../import/zip.js';
import type { Output } from '../output.js';

export interface ExportOptions {
  env: string;
  dir: string;
  bundle: string;
}

/** The YAML (resolved for an environment) as a bundle stock Superset can import. */
export async function exportCommand(options: ExportOptions, out: Output): Promise<number> {
  const project = await loadProject(options.dir, options.env);
  const files = toBundle(project.objects);
  writeFileSync(options.bundle, writeZip(files));
  const secrets = project.objects.flatMap((o) =>
    o.kind === 'database' && o.spec.password ? [`${o.name}: ${o.spec.password}`] : [],
  );
  out.stdout(
    `wrote ${options.bundle}: ${project.objects.length} objects (${files.size - 1} files) for environment ${project.env.name}.\n`,
  );
  const bare = project.objects
    .filter((o) => o.kind === 'dataset' && !o.spec.columns?.length)
    .map((o) => o.name);
  if (bare.length) {
    out.stdout(
      `Note: ${bare.length} dataset(s) list no columns (${bare.join(', ')}). Superset's import does not read columns from the source: refresh those datasets in Superset after importing, or list their columns in YAML.\n`,
    );
  }
  if (secrets.length)
    out.stdout(
      `Passwords are masked in the bundle; give them when importing:\n${secrets.map((s) => `  ${s}`).join('\n')}\n`,
    );
  return 0;
}
