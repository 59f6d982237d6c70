import path from 'node:path';
import { UserError } from '../errors/user-error.js';
import { resolveEnvironment, type ResolvedEnvironment } from '../environment/resolve.js';
import { loadMetadata } from '../load/index.js';
import { sortProblems } from '../model/problem.js';

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
    const first = sortProblems(errors)
      .slice(0, 5)
      .map((p) => `  ${p.file}:${p.line}:${p.col} ${p.message}`);
    throw new UserError(
      `The environment file ${entry.file} has ${errors.length} error(s):\n${first.join('\n')}`,
    );
  }
  try {
    return resolveEnvironment(entry.spec, processEnv, path.resolve(metadataDir, '..'));
  } catch (e) {
    throw new UserError((e as Error).message);
  }
}
