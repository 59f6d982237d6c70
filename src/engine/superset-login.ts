// Superset's client for a run, and the login started before the run needs it. Kept apart from
// services.ts (the registry and the ZooKeeper client) so that plan and apply can send the login
// before those modules are loaded (open-run.ts).
import type { ResolvedEnvironment } from '../environment/resolve.js';
import { createSupersetClient, type SupersetClient } from '../superset/client.js';

export type LogFn = (event: { level: 'debug' | 'info' | 'warn'; code: string; message: string }) => void;

export function connectSuperset(
  env: ResolvedEnvironment,
  log?: LogFn,
  secrets: readonly string[] = [],
): SupersetClient {
  return createSupersetClient({
    baseUrl: env.superset.url,
    username: env.superset.username,
    password: env.superset.password.reveal(),
    secrets,
    timeoutMs: env.superset.timeoutMs,
    ...(log ? { log } : {}),
  });
}

/**
 * The login to Superset, started as soon as the environment file is read: it then overlaps
 * validating the objects, loading the rest of the tool, the commit and the registry's connection.
 * Handed to connectServices when the environment it was made for is the one loaded; closed when the
 * run gives up before that, so a login in flight (or waiting to retry) does not keep the process
 * alive after an error in a file.
 */
export class EarlyLogin {
  private client: SupersetClient | undefined;
  private madeFor: ResolvedEnvironment | undefined;

  /** The client, logging in; none when one was started already. */
  start(env: ResolvedEnvironment): SupersetClient | undefined {
    if (this.client) return undefined;
    this.madeFor = env;
    this.client = connectSuperset(env);
    this.client.warmUp();
    return this.client;
  }

  /** The client, when it was made for the same Superset and user as `env`; otherwise none (closed). */
  take(env: ResolvedEnvironment): SupersetClient | undefined {
    const client = this.client;
    const was = this.madeFor?.superset;
    const same =
      was !== undefined &&
      was.url === env.superset.url &&
      was.username === env.superset.username &&
      was.password.reveal() === env.superset.password.reveal() &&
      was.timeoutMs === env.superset.timeoutMs;
    if (!same) this.abandon();
    return same ? client : undefined;
  }

  abandon(): void {
    this.client?.close();
    this.client = undefined;
  }
}
