import {
  convertBundle,
  convertLive,
  existingNames,
  readBundleFiles,
  recordImported,
} from '../../engine/import-run.js';
import { loadProject } from '../../engine/project.js';
import { connectServices } from '../../engine/services.js';
import { substituteVariables } from '../../environment/resolve.js';
import type { Converted } from '../../import/to-specs.js';
import { writeObjects } from '../../import/write-tree.js';
import { loadMetadata } from '../../engine/load-metadata.js';
import { OBJECT_KINDS, type ObjectKind } from '../../schema/index.js';
import { problemsAsText } from '../../report/problems.js';
import { UserError } from '../../errors/user-error.js';
import type { Output } from '../output.js';

export interface ImportOptions {
  env?: string;
  dir: string;
  out: string;
  bundle?: string;
  kinds?: string;
  dashboard?: string[];
  target?: string[];
}

/** `import --env E` reads live Superset and adopts what it writes; `import --bundle F` converts an export offline. */
export async function importCommand(options: ImportOptions, out: Output): Promise<number> {
  if (!options.bundle && !options.env)
    throw new UserError('Say where to import from: --env NAME (live Superset) or --bundle FILE.zip.');
  const kinds = options.kinds
    ?.split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  for (const k of kinds ?? [])
    if (!(OBJECT_KINDS as readonly string[]).includes(k))
      throw new UserError(`Unknown kind ${JSON.stringify(k)} in --kinds; use ${OBJECT_KINDS.join(', ')}.`);
  let converted: Converted;
  let adopted = 0;
  if (options.bundle) {
    try {
      converted = convertBundle(readBundleFiles(options.bundle), await existingNames(options.out), {
        ...(kinds ? { kinds: kinds as ObjectKind[] } : {}),
        ...(options.dashboard?.length ? { dashboards: options.dashboard } : {}),
        ...(options.target?.length ? { targets: options.target } : {}),
      });
    } catch (e) {
      throw new UserError(`Cannot read the bundle ${options.bundle}: ${(e as Error).message}`);
    }
    await report(converted, await writeObjects(options.out, converted.objects), out);
  } else {
    const project = await loadProject(options.dir, options.env as string);
    const services = await connectServices(project.env, undefined, {
      objects: project.objects,
      ...(out.screen ? { screen: out.screen } : {}),
    });
    try {
      // A re-import keeps the names (and so the files) the tree already has for the same uuids.
      const live = await convertLive(
        services.port,
        {
          ...(kinds ? { kinds: kinds as ObjectKind[] } : {}),
          ...(options.dashboard?.length ? { dashboards: options.dashboard } : {}),
          ...(options.target?.length ? { targets: options.target } : {}),
        },
        await existingNames(options.out),
      );
      converted = live;
      await report(converted, await writeObjects(options.out, converted.objects), out);
      adopted = await recordImported(
        services.registry,
        converted,
        live.listed,
        (o) => ({ ...o, spec: substituteVariables(o.spec, project.env.variables) }) as typeof o,
      );
      out.stdout(
        `${adopted} objects recorded as owned by superset-gitops in environment ${project.env.name}.\n`,
      );
    } finally {
      await services.close();
    }
  }
  const check = await loadMetadata(options.out);
  const errors = check.problems.filter((p) => p.severity === 'error');
  if (errors.length) {
    out.stdout(
      `\nThe imported tree has problems:\n${problemsAsText({ problems: errors, fileCount: check.fileCount, counts: {} })}`,
    );
    return 1;
  }
  out.stdout(`${options.out} is valid (${check.fileCount} files).\n`);
  return 0;
}

async function report(
  converted: Converted,
  written: { written: string[]; unchanged: string[] },
  out: Output,
): Promise<void> {
  for (const f of written.written) out.stdout(`wrote ${f}\n`);
  out.stdout(
    `${converted.objects.length} objects: ${written.written.length} files written, ${written.unchanged.length} unchanged.\n`,
  );
  if (converted.warnings.length) {
    out.stdout(
      `\nNot represented (${converted.warnings.length}):\n${converted.warnings.map((w) => `  - ${w}`).join('\n')}\n`,
    );
  }
  if (converted.secrets.length) {
    out.stdout(
      `\nDatabase passwords are not exported by Superset; set these environment variables before apply:\n${converted.secrets.map((s) => `  ${s}`).join('\n')}\n`,
    );
  }
  await Promise.resolve();
}
