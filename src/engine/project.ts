import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors/user-error.js';
import { resolveEnvironment, substituteVariables, type ResolvedEnvironment } from '../environment/resolve.js';
import { parseFile, type ParsedFile } from '../load/parse-file.js';
import { readTree } from '../load/read-tree.js';
import type { AnyDesired } from '../model/object.js';
import { validateTree, type ValidationResult } from '../validate/validate-tree.js';
import { firstProblems, resolveOrExplain } from './load-environment.js';
import { nextTurn } from './next-turn.js';

/** The metadata tree validated and resolved for one environment. */
export interface Project {
  metadataDir: string;
  projectDir: string;
  validation: ValidationResult;
  env: ResolvedEnvironment;
  /** Desired objects with `${var.*}` substituted for this environment. */
  objects: AnyDesired[];
}

/**
 * Reads and validates the tree and resolves the environment. `onEnvironment` is called with the
 * environment as soon as the files are read, before the objects are validated, when its file alone
 * is valid and resolves (EarlyLogin); whatever is wrong is still said by the whole load below.
 */
export async function loadProject(
  metadataDir: string,
  envName: string,
  processEnv = process.env,
  onEnvironment?: (env: ResolvedEnvironment) => void,
): Promise<Project> {
  const projectDir = path.resolve(metadataDir, '..');
  // The environment's file where `init` and the docs put it is read first, alone, so the login can
  // start before the whole tree is read. A guess that turns out wrong (another file of the same name
  // decides) costs nothing: EarlyLogin.take keeps the client only for the environment loaded below.
  let started = false;
  // What `onEnvironment` starts (the login) is on the wire before the reading or the validation
  // below holds the event loop (for about 20 ms at 1,000 files): one turn of the loop first.
  const give = async (env: ResolvedEnvironment | undefined) => {
    if (!env || !onEnvironment) return;
    onEnvironment(env);
    started = true;
    await nextTurn();
  };
  if (onEnvironment) await give(conventionalEnvironment(metadataDir, envName, processEnv, projectDir));
  const files = await readTree(metadataDir);
  if (onEnvironment && !started) await give(environmentAlone(files, envName, processEnv, projectDir));
  const validation = validateTree(files);
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
  const env = resolveOrExplain(spec, processEnv, projectDir);
  const resolved = validation.objects.map(
    (o) => ({ ...o, spec: substituteVariables(o.spec, env.variables) }) as AnyDesired,
  );
  const objects = env.managed ? await withRepositoryPaths(resolved, metadataDir, projectDir) : resolved;
  return { metadataDir, projectDir, validation, env, objects };
}

/** The environment from `environments/<name>.yaml` (or `.yml`) alone, when that file names it and is valid. */
function conventionalEnvironment(
  metadataDir: string,
  envName: string,
  processEnv: Record<string, string | undefined>,
  projectDir: string,
): ResolvedEnvironment | undefined {
  if (!/^[A-Za-z0-9_.-]+$/.test(envName) || envName.startsWith('.')) return undefined;
  for (const ext of ['yaml', 'yml']) {
    const file = path.join(metadataDir, 'environments', `${envName}.${ext}`);
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      continue;
    }
    return environmentAlone([parseFile(file, bytes)], envName, processEnv, projectDir);
  }
  return undefined;
}

/** The environment from its own file, when that file is the only one of its name and valid alone. */
function environmentAlone(
  files: readonly ParsedFile[],
  envName: string,
  processEnv: Record<string, string | undefined>,
  projectDir: string,
): ResolvedEnvironment | undefined {
  const own = files.filter((f) => f.kind === 'environment' && f.value?.name === envName);
  if (own.length !== 1) return undefined;
  const alone = validateTree(own);
  const spec = alone.environments[0]?.spec;
  if (!spec || alone.problems.some((p) => p.severity === 'error')) return undefined;
  try {
    return resolveEnvironment(spec, processEnv, projectDir);
  } catch {
    return undefined;
  }
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
  const { repositoryRoot } = await import('../git/head.js');
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
