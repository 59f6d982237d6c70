import { writeFileSync } from 'node:fs';
import { loadProject } from '../../engine/project.js';
import { notInBundle, toBundle } from '../../export/to-bundle.js';
import { writeZip } from '../../import/zip.js';
import type { Output } from '../output.js';
import { LATEST, capabilitiesOf, familyOf } from '../../superset/capabilities.js';
import { UserError } from '../../errors/user-error.js';

export interface ExportOptions {
  env: string;
  dir: string;
  bundle: string;
  supersetVersion?: string;
}

/** The YAML (resolved for an environment) as a bundle stock Superset can import. */
export async function exportCommand(options: ExportOptions, out: Output): Promise<number> {
  let caps = LATEST;
  if (options.supersetVersion !== undefined) {
    const family = familyOf(options.supersetVersion);
    if (!family)
      throw new UserError(
        `--superset-version ${JSON.stringify(options.supersetVersion)}: expected 4.1 or later, such as 6.0.0`,
      );
    caps = capabilitiesOf(family, options.supersetVersion);
  }
  const project = await loadProject(options.dir, options.env);
  const files = toBundle(project.objects, new Date(), caps);
  writeFileSync(options.bundle, writeZip(files));
  const secrets = project.objects.flatMap((o) =>
    o.kind === 'database' && o.spec.password ? [`${o.name}: ${o.spec.password}`] : [],
  );
  const left = notInBundle(project.objects);
  out.stdout(
    `wrote ${options.bundle}: ${project.objects.length - left.length} objects (${files.size - 1} files) for environment ${project.env.name}, Superset ${caps.version}.\n`,
  );
  if (left.length)
    out.stdout(
      `Not in the bundle (it carries databases, datasets, charts and dashboards only; apply writes the others): ${left.join(', ')}.\n`,
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
