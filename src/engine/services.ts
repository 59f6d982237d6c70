import { ZkRegistry, type RegistryNotice } from '../registry/index.js';
import type { Registry } from '../registry/registry.js';
import type { ResolvedEnvironment } from '../environment/resolve.js';
import { createSupersetClient } from '../superset/client.js';
import type { SupersetPort } from '../superset/port.js';
import { UserError } from '../errors/user-error.js';

export interface Services {
  port: SupersetPort;
  registry: Registry;
  close(): Promise<void>;
}

export type LogFn = (event: { level: 'debug' | 'info' | 'warn'; code: string; message: string }) => void;

export async function connectRegistry(env: ResolvedEnvironment, log?: LogFn): Promise<Registry> {
  try {
    return await ZkRegistry.connect({
      connect: env.zookeeper.connect,
      root: env.zookeeper.root,
      sessionTimeoutMs: env.zookeeper.sessionTimeoutMs,
      connectTimeoutMs: 10_000,
      keepSnapshots: env.zookeeper.snapshotsKeep,
      keepHistory: env.zookeeper.historyKeep,
      ...(env.zookeeper.auth
        ? { auth: { user: env.zookeeper.auth.username, password: env.zookeeper.auth.password.reveal() } }
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

export function connectSuperset(env: ResolvedEnvironment, log?: LogFn): SupersetPort {
  return createSupersetClient({
    baseUrl: env.superset.url,
    username: env.superset.username,
    password: env.superset.password.reveal(),
    timeoutMs: env.superset.timeoutMs,
    ...(log ? { log } : {}),
  });
}

export async function connectServices(env: ResolvedEnvironment, log?: LogFn): Promise<Services> {
  const registry = await connectRegistry(env, log);
  return { port: connectSuperset(env, log), registry, close: () => registry.close() };
}
