import path from 'node:path';
import { UserError } from '../errors/user-error.js';
import { resolveEnvironment, type ResolvedEnvironment } from '../environment/resolve.js';
import { loadMetadata } from './load-metadata.js';
import { sortProblems, type Problem } from '../model/problem.js';
import type { EnvironmentSpec } from '../schema/index.js';

/**
 * Only the environment file, for commands that never read the objects in git (rollback applies a
 * snapshot from the registry): a broken object file elsewhere must not block them.
 */
export async function loadEnvironmentOnly(
  metadataDir: string,
  envName: string,
  processEnv = process.env,
): Promise<ResolvedEnvironment> {
  const validation = await loadMetadata(metadataDir);
  const entry = validation.environments.find((e) => e.spec.name === envName);
  if (!entry) {
    const known = validation.environments.map((e) => e.spec.name).join(', ') || 'none';
    throw new UserError(
      `No valid environment named ${JSON.stringify(envName)} in ${metadataDir} (known: ${known}); run \`superset-gitops validate\`.`,
    );
  }
  const errors = validation.problems.filter((p) => p.severity === 'error' && p.file === entry.file);
  if (errors.length) {
    throw new UserError(
      `The environment file ${entry.file} has ${errors.length} error(s):\n${firstProblems(errors)}`,
    );
  }
  return resolveOrExplain(entry.spec, processEnv, path.resolve(metadataDir, '..'));
}

/** The first few problems, one `file:line:col message` line each, for an error message. */
export function firstProblems(problems: Problem[]): string {
  return sortProblems(problems)
    .slice(0, 5)
    .map((p) => `  ${p.file}:${p.line}:${p.col} ${p.message}`)
    .join('\n');
}

/** resolveEnvironment, with a missing environment variable said as a user error. */
export function resolveOrExplain(
  spec: EnvironmentSpec,
  processEnv: Record<string, string | undefined>,
  projectDir: string,
): ResolvedEnvironment {
  try {
    return resolveEnvironment(spec, processEnv, projectDir);
  } catch (e) {
    throw new UserError((e as Error).message);
  }
}
