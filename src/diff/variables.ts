import { resolveEnvironment } from '../environment/resolve.js';
import type { EnvironmentSpec } from '../schema/index.js';

/**
 * Every `${env.*}` reads as empty: the diff never connects anywhere, and only `variables` are used,
 * which never read the process environment. Going through resolveEnvironment keeps the built-ins
 * (`project_dir`, `environment`) and their substitution exactly as plan and apply see them.
 */
const NO_PROCESS_ENV = new Proxy<Record<string, string>>({}, { get: () => '' });

/** The `${var.*}` values of an environment, as plan and apply resolve them. */
export function environmentVariables(spec: EnvironmentSpec, projectDir: string): Record<string, string> {
  return resolveEnvironment(spec, NO_PROCESS_ENV, projectDir).variables;
}
