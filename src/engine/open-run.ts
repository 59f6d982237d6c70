import type { CommitInfo } from '../git/head.js';
import type { SecretScreen } from '../environment/screen.js';
import { loadProject, type Project } from './project.js';
import type { Services } from './services.js';
import { EarlyLogin } from './superset-login.js';

export interface OpenedRun {
  project: Project;
  services: Services;
}

/**
 * What plan and apply start with: the project loaded and the services connected, with Superset's
 * login started as soon as the environment file is read (EarlyLogin) and, with `commit`, the commit
 * read (by git, in its own process) meanwhile. The registry's modules (and git's) are loaded only
 * once that login is on its way. Whatever fails on the way closes what was opened.
 */
export async function openRun(
  dir: string,
  envName: string,
  options: { screen?: SecretScreen; commit: true },
): Promise<OpenedRun & { commit: CommitInfo }>;
export async function openRun(
  dir: string,
  envName: string,
  options?: { screen?: SecretScreen; commit?: false },
): Promise<OpenedRun>;
export async function openRun(
  dir: string,
  envName: string,
  options: { screen?: SecretScreen; commit?: boolean } = {},
): Promise<OpenedRun & { commit?: CommitInfo }> {
  const early = new EarlyLogin();
  try {
    const project = await loadProject(dir, envName, process.env, (env) => early.start(env));
    const reading = options.commit
      ? import('../git/head.js').then(({ headCommit }) => headCommit(project.projectDir, dir))
      : Promise.resolve(undefined);
    reading.catch(() => undefined);
    const { connectServices } = await import('./services.js');
    const superset = early.take(project.env);
    const [commit, services] = await Promise.allSettled([
      reading,
      connectServices(project.env, undefined, {
        objects: project.objects,
        ...(options.screen ? { screen: options.screen } : {}),
        ...(superset ? { superset } : {}),
      }),
    ]);
    if (services.status === 'rejected') throw services.reason;
    if (commit.status === 'rejected') {
      await services.value.close();
      throw commit.reason;
    }
    return { project, services: services.value, ...(commit.value ? { commit: commit.value } : {}) };
  } catch (e) {
    early.abandon();
    throw e;
  }
}
