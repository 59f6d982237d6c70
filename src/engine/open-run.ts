import type { CommitInfo } from '../git/head.js';
import type { ResolvedEnvironment } from '../environment/resolve.js';
import { SecretScreen } from '../environment/screen.js';
import type { Registry } from '../registry/registry.js';
import type { ListStore } from './list-store.js';
import { EarlyReads } from './early-reads.js';
import { loadProject, type Project } from './project.js';
import type { Services } from './services.js';
import { EarlyLogin } from './superset-login.js';

export interface OpenedRun {
  project: Project;
  services: Services;
}

export interface OpenRunOptions {
  screen?: SecretScreen;
  /**
   * Reads for the run's first plan, started with the login before the tree is read (EarlyReads):
   * 'plan' the records and the listing; 'apply' the same, used only once confirmed under the lock;
   * 'records' the records alone (a plan that lists everything afresh).
   */
  early?: 'plan' | 'apply' | 'records';
}

/**
 * What plan and apply start with: the project loaded and the services connected, with Superset's
 * login started as soon as the environment file is read (EarlyLogin) and, with `commit`, the commit
 * read (by git, in its own process) meanwhile. The registry's modules (and git's) are loaded only
 * once that login is on its way; with `early`, the registry is then connected and the first plan's
 * reads started, while the tree is read. Whatever fails on the way closes what was opened.
 */
export async function openRun(
  dir: string,
  envName: string,
  options: OpenRunOptions & { commit: true },
): Promise<OpenedRun & { commit: CommitInfo }>;
export async function openRun(
  dir: string,
  envName: string,
  options?: OpenRunOptions & { commit?: false },
): Promise<OpenedRun>;
export async function openRun(
  dir: string,
  envName: string,
  options: OpenRunOptions & { commit?: boolean } = {},
): Promise<OpenedRun & { commit?: CommitInfo }> {
  const early = new EarlyLogin();
  const screen = options.screen ?? new SecretScreen();
  let started: EarlyStart | undefined;
  try {
    const project = await loadProject(dir, envName, process.env, (env) => {
      const client = early.start(env);
      if (options.early && client) started = startEarly(env, client, screen, options.early);
    });
    const reading = options.commit
      ? import('../git/head.js').then(({ headCommit }) => headCommit(project.projectDir, dir))
      : Promise.resolve(undefined);
    reading.catch(() => undefined);
    const { connectServices } = await import('./services.js');
    const superset = early.take(project.env);
    // The early registry and reads serve only the environment they were made for. Its connect having
    // failed is this run's error: connecting again would only wait as long once more.
    const kept = started && superset && sameRegistry(started.env, project.env) ? started : undefined;
    const opened = await kept?.opened;
    if (started && !kept) await started.close();
    const [commit, services] = await Promise.allSettled([
      reading,
      connectServices(project.env, undefined, {
        objects: project.objects,
        screen,
        ...(superset ? { superset } : {}),
        ...(opened ? { registry: opened.registry, early: kept!.reads, listStore: opened.listStore } : {}),
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
    await started?.close();
    throw e;
  }
}

interface EarlyStart {
  env: ResolvedEnvironment;
  reads: EarlyReads;
  /**
   * The registry once connected and the reads begun, with the list store opened for them (undefined:
   * not opened; null: the environment has none); rejects as connectRegistry does.
   */
  opened: Promise<{ registry: Registry; listStore?: ListStore | null }>;
  close(): Promise<void>;
}

function startEarly(
  env: ResolvedEnvironment,
  port: Parameters<EarlyReads['begin']>[1],
  screen: SecretScreen,
  mode: NonNullable<OpenRunOptions['early']>,
): EarlyStart {
  const reads = new EarlyReads(mode === 'apply');
  const abort = new AbortController();
  const opened = (async () => {
    const { connectRegistry } = await import('./services.js');
    const registry = await connectRegistry(env, undefined, screen, abort.signal);
    if (mode === 'records') {
      await reads.begin(registry, port, undefined).catch(() => undefined);
      return { registry };
    }
    const { openListStore } = await import('./list-store.js');
    const listStore = openListStore(env.superset.url, env.superset.username) ?? null;
    // A peek or read that fails here is made again by the plan, which then says what is wrong.
    await reads.begin(registry, port, listStore?.read()).catch(() => undefined);
    return { registry, listStore };
  })();
  opened.catch(() => undefined);
  return {
    env,
    reads,
    opened,
    async close() {
      abort.abort();
      await opened.then((o) => o.registry.close()).catch(() => undefined);
    },
  };
}

/** Whether two environments name the same registry, with the same identities and settings. */
function sameRegistry(a: ResolvedEnvironment, b: ResolvedEnvironment): boolean {
  const key = ({ zookeeper: z }: ResolvedEnvironment) =>
    JSON.stringify([
      z.connect,
      z.root,
      z.sessionTimeoutMs,
      z.snapshotsKeep,
      z.historyKeep,
      z.auth ? [z.auth.username, z.auth.password.reveal()] : null,
      z.reader ? [z.reader.username, z.reader.password.reveal()] : null,
    ]);
  return key(a) === key(b);
}
