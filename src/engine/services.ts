import { ZkRegistry, type RegistryNotice } from '../registry/index.js';
import type { Registry } from '../registry/registry.js';
import { SigningRegistry } from '../registry/record-mac.js';
import { isLoopbackConnect, withEnvDefaults, type ResolvedEnvironment } from '../environment/resolve.js';
import { SecretScreen } from '../environment/screen.js';
import { digestId } from '../zookeeper/index.js';
import type { ManagedSettings } from '../model/managed.js';
import type { AnyDesired } from '../model/object.js';
import { createSecretBook, type SecretBook } from './secret-book.js';
import type { SupersetClient } from '../superset/client.js';
import { connectSuperset, type LogFn } from './superset-login.js';
import type { SupersetPort } from '../superset/port.js';
import { UserError } from '../errors/user-error.js';
import { openListStore, type ListStore } from './list-store.js';
import type { EarlyReads } from './early-reads.js';

export interface Services {
  port: SupersetPort;
  /** Signs applied records on write when there is a record key. */
  registry: Registry;
  /** Secret values, digests, the record key and the screen for this run. */
  secrets: SecretBook;
  /** The environment's root znode (applied records are signed for it). */
  registryRoot: string;
  /** The last listing of this Superset, kept on this machine (absent when the cache is off). */
  listStore?: ListStore;
  /** The environment's `mark_managed` settings: what the tool writes is marked (absent: nothing is). */
  managed?: ManagedSettings;
  /** Reads started before the metadata was read (open-run.ts), for the run's first plan. */
  early?: EarlyReads;
  /** How many imports of a bulk create go to Superset at once (`superset.imports_at_once`). */
  importsAtOnce?: number;
  close(): Promise<void>;
}

export interface ServiceOptions {
  /** The desired objects: their secrets are screened out of everything the run writes. */
  objects?: readonly AnyDesired[];
  /** Shared with the CLI's output, so stdout and report files are screened too. */
  screen?: SecretScreen;
  processEnv?: Record<string, string | undefined>;
  /** A client made (and logged in) for this environment before its objects were read (EarlyLogin). */
  superset?: SupersetClient;
  /** The registry, connected for this environment before its objects were read (with `screen`). */
  registry?: Registry;
  /** Reads started on those two. */
  early?: EarlyReads;
  /** The environment's list store, opened already for those reads (null: it has none). */
  listStore?: ListStore | null;
}

/**
 * A registry that is not on this machine must be written with a digest identity: without one, every
 * node would be writable by anyone who can reach ZooKeeper, and an applied record is a licence to
 * delete. Loopback (the local demo) is allowed without one.
 */
export function requireRegistryCredentials(env: ResolvedEnvironment): void {
  if (env.zookeeper.auth || isLoopbackConnect(env.zookeeper.connect)) return;
  throw new UserError(
    `Environment ${env.name}: ZooKeeper at ${env.zookeeper.connect} is not on this machine, so the registry needs a digest identity: set \`zookeeper.username\` and \`zookeeper.password\` (as \`\${env.NAME}\` references) in its environment file. Without one, anyone who can reach ZooKeeper could write the registry.`,
    'registry-credentials',
  );
}

export async function connectRegistry(
  env: ResolvedEnvironment,
  log?: LogFn,
  screen?: SecretScreen,
  signal?: AbortSignal,
): Promise<Registry> {
  requireRegistryCredentials(env);
  try {
    return await ZkRegistry.connect({
      connect: env.zookeeper.connect,
      root: env.zookeeper.root,
      sessionTimeoutMs: env.zookeeper.sessionTimeoutMs,
      connectTimeoutMs: 10_000,
      ...(signal ? { signal } : {}),
      keepSnapshots: env.zookeeper.snapshotsKeep,
      keepHistory: env.zookeeper.historyKeep,
      ...(env.zookeeper.auth
        ? { auth: { user: env.zookeeper.auth.username, password: env.zookeeper.auth.password.reveal() } }
        : {}),
      ...(env.zookeeper.reader
        ? {
            reader: {
              digestId: digestId(env.zookeeper.reader.username, env.zookeeper.reader.password.reveal()),
            },
          }
        : {}),
      ...(screen
        ? { screen: (path: string, data: Buffer) => screen.check(data, `ZooKeeper node ${path}`) }
        : {}),
      onNotice: (n: RegistryNotice) => log?.({ level: 'warn', code: n.code, message: n.message }),
    });
  } catch (e) {
    throw new UserError(
      `Cannot open the registry at ${env.zookeeper.connect}${env.zookeeper.root}: ${(e as Error).message}`,
      'registry-unreachable',
      { cause: e },
    );
  }
}

export async function connectServices(
  env: ResolvedEnvironment,
  log?: LogFn,
  options: ServiceOptions = {},
): Promise<Services> {
  const screen = options.screen ?? new SecretScreen();
  const secrets = createSecretBook(
    env,
    options.objects ?? [],
    withEnvDefaults(env, options.processEnv ?? process.env),
    screen,
  );
  const inner = options.registry ?? (await connectRegistry(env, log, screen));
  const registry = new SigningRegistry(inner, secrets.key?.key, env.zookeeper.root);
  const listStore =
    options.listStore === undefined
      ? openListStore(env.superset.url, env.superset.username)
      : (options.listStore ?? undefined);
  options.superset?.addSecrets(secrets.knownValues);
  return {
    port: options.superset ?? connectSuperset(env, log, secrets.knownValues),
    registry,
    secrets,
    registryRoot: env.zookeeper.root,
    ...(listStore ? { listStore } : {}),
    ...(env.managed ? { managed: env.managed } : {}),
    ...(options.early ? { early: options.early } : {}),
    importsAtOnce: env.superset.importsAtOnce,
    close: () => registry.close(),
  };
}
