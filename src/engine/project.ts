import { realpathSync } from 'node:fs';
import path from 'node:path';
import { repositoryRoot } from '../git/head.js';
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
  const resolved = validation.objects.map(
    (o) => ({ ...o, spec: substituteVariables(o.spec, env.variables) }) as AnyDesired,
  );
  const objects = env.managed ? await withRepositoryPaths(resolved, metadataDir, projectDir) : resolved;
  return { metadataDir, projectDir, validation, env, objects };
}

/**
 * Each object's file from the root of its git repository, for the `external_url` of an environment
 * that marks objects (mark_managed). Outside a git checkout (a tarball, a test folder) the project
 * folder (the metadata folder's parent) stands for the root, as it is in the usual layout; the link
 * then names `HEAD` too (model/managed.ts). Symlinks are resolved on both sides (git answers with the
 * real path).
 */
export async function withRepositoryPaths(
  objects: readonly AnyDesired[],
  metadataDir: string,
  projectDir: string,
): Promise<AnyDesired[]> {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  const root = real((await repositoryRoot(projectDir)) ?? projectDir);
  const metadata = path.resolve(metadataDir);
  const realMetadata = real(metadata);
  return objects.map((o) => {
    // Files are named relative to the working folder when loaded (read-tree.ts).
    const inMetadata = path.relative(metadata, path.resolve(o.source.file));
    const fromRoot = path.relative(root, path.join(realMetadata, inMetadata));
    if (fromRoot === '' || fromRoot.startsWith('..') || path.isAbsolute(fromRoot)) return o;
    return { ...o, source: { ...o.source, repoPath: fromRoot.split(path.sep).join('/') } };
  });
}
