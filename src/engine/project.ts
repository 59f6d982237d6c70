import path from 'node:path';
import { UserError } from '../errors/user-error.js';
import { substituteVariables, type ResolvedEnvironment } from '../environment/resolve.js';
import { loadMetadata } from '../load/index.js';
import type { AnyDesired } from '../model/object.js';
import type { ValidationResult } from '../validate/validate-tree.js';
import { firstProblems, resolveOrExplain } from './load-environment.js';

/** The metadata tree validated and resolved for one environment. */
export interface Project {
  metadataDir: string;
  projectDir: string;
  validation: ValidationResult;
  env: ResolvedEnvironment;
  /** Desired objects with `${var.*}` substituted for this environment. */
  objects: AnyDesired[];
}

export async function loadProject(
  metadataDir: string,
  envName: string,
  processEnv = process.env,
): Promise<Project> {
  const validation = await loadMetadata(metadataDir);
  const errors = validation.problems.filter((p) => p.severity === 'error');
  if (errors.length) {
    throw new UserError(
      `The metadata in ${metadataDir} has ${errors.length} error(s); run \`superset-gitops validate\`:\n${firstProblems(errors)}`,
    );
  }
  const spec = validation.environments.find((e) => e.spec.name === envName)?.spec;
  if (!spec) {
    const known = validation.environments.map((e) => e.spec.name).join(', ') || 'none';
    throw new UserError(
      `No environment named ${JSON.stringify(envName)} in ${metadataDir} (known: ${known}).`,
    );
  }
  const projectDir = path.resolve(metadataDir, '..');
  const env = resolveOrExplain(spec, processEnv, projectDir);
  const objects = validation.objects.map(
    (o) => ({ ...o, spec: substituteVariables(o.spec, env.variables) }) as AnyDesired,
  );
  return { metadataDir, projectDir, validation, env, objects };
}
