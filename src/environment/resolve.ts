import type { ManagedSettings } from '../model/managed.js';
import { substitute, type TemplateRef } from '../model/template.js';
import type { EnvironmentSpec } from '../schema/index.js';
import { Secret } from './secret.js';

/** Imports a bulk create sends Superset at once unless the environment says (`superset.imports_at_once`). */
const IMPORTS_AT_ONCE = 2;

/** An environment with every reference read: where Superset and ZooKeeper are and how to log in. */
export interface ResolvedEnvironment {
  name: string;
  superset: { url: string; username: string; password: Secret; timeoutMs: number; importsAtOnce: number };
  zookeeper: {
    connect: string;
    root: string;
    sessionTimeoutMs: number;
    auth?: { username: string; password: Secret };
    /** A read-only digest identity (the connector's): nodes get READ for it instead of for anyone. */
    reader?: { username: string; password: Secret };
    snapshotsKeep: number;
    historyKeep: number;
  };
  variables: Record<string, string>;
  /** `env_defaults` of a loopback environment: values for variables the process does not set. */
  envDefaults?: Record<string, string>;
  /** `mark_managed: true`: what is written is marked as managed externally (absent: nothing is). */
  managed?: ManagedSettings;
}

export class MissingEnvironmentVariable extends Error {
  constructor(
    readonly variable: string,
    readonly where: string,
  ) {
    super(`Environment variable ${variable} is not set (needed for ${where}).`);
    this.name = 'MissingEnvironmentVariable';
  }
}

type ProcessEnv = Record<string, string | undefined>;

/** `${env.NAME}` / `${env.NAME:-default}` read from the process environment. */
export function readEnvRefs(text: string, env: ProcessEnv, where: string): string {
  return substitute(
    text,
    (ref) => (ref.namespace === 'env' ? (env[ref.name] ?? ref.fallback) : undefined),
    (ref) => {
      if (ref.namespace === 'env') throw new MissingEnvironmentVariable(ref.name, where);
      return ref.raw;
    },
  );
}

/** The process environment with an environment's `env_defaults` under it (set variables win). */
export function withEnvDefaults(
  env: { envDefaults?: Record<string, string> },
  processEnv: ProcessEnv,
): ProcessEnv {
  return env.envDefaults ? { ...env.envDefaults, ...processEnv } : processEnv;
}

export function resolveEnvironment(
  spec: EnvironmentSpec,
  processEnv: ProcessEnv,
  projectDir: string,
): ResolvedEnvironment {
  const defaults = spec.env_defaults && Object.keys(spec.env_defaults).length ? spec.env_defaults : undefined;
  const env = withEnvDefaults({ ...(defaults ? { envDefaults: defaults } : {}) }, processEnv);
  const read = (text: string, where: string) => readEnvRefs(text, env, `${spec.name}: ${where}`);
  const zkConnect = read(spec.zookeeper.connect, 'zookeeper.connect');
  const builtins: Record<string, string> = {
    project_dir: projectDir,
    environment: spec.name,
    zookeeper_connect: zkConnect,
  };
  const variables: Record<string, string> = { ...builtins };
  for (const [key, value] of Object.entries(spec.variables ?? {})) {
    const withBuiltins = substitute(
      value,
      (ref) => (ref.namespace === 'var' ? builtins[ref.name] : undefined),
      (ref) => ref.raw,
    );
    // Validation refuses `${env.*}` here: variables land in snapshots and plans.
    variables[key] = withBuiltins;
  }
  const zk = spec.zookeeper;
  // A digest identity: both fields, or none.
  const identity = (user: 'username' | 'reader_username', password: 'password' | 'reader_password') => {
    const u = zk[user];
    const p = zk[password];
    return u !== undefined && p !== undefined
      ? { username: read(u, `zookeeper.${user}`), password: new Secret(read(p, `zookeeper.${password}`)) }
      : undefined;
  };
  const auth = identity('username', 'password');
  const reader = identity('reader_username', 'reader_password');
  const url = read(spec.superset.url, 'superset.url').replace(/\/+$/, '');
  if (defaults && !(isLoopbackUrl(url) && isLoopbackConnect(zkConnect))) {
    throw new Error(
      `${spec.name}: env_defaults is only for an environment on this machine, but Superset is at ${url} and ZooKeeper at ${zkConnect}; set ${Object.keys(defaults).join(', ')} in the environment instead.`,
    );
  }
  return {
    name: spec.name,
    superset: {
      url,
      username: read(spec.superset.username, 'superset.username'),
      password: new Secret(read(spec.superset.password, 'superset.password')),
      timeoutMs: spec.superset.timeout_ms ?? 30_000,
      importsAtOnce: spec.superset.imports_at_once ?? IMPORTS_AT_ONCE,
    },
    zookeeper: {
      connect: zkConnect,
      root: zk.root,
      sessionTimeoutMs: zk.session_timeout_ms ?? 10_000,
      ...(auth ? { auth } : {}),
      ...(reader ? { reader } : {}),
      snapshotsKeep: zk.snapshots_keep ?? 20,
      historyKeep: zk.history_keep ?? 100,
    },
    variables,
    ...(defaults ? { envDefaults: { ...defaults } } : {}),
    ...(spec.mark_managed === true
      ? {
          managed: spec.repository_url ? { repositoryUrl: spec.repository_url.replace(/\/+$/, '') } : {},
        }
      : {}),
  };
}

function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return isLoopbackConnect(host.includes(':') ? `[${host}]` : host);
  } catch {
    return false;
  }
}

/** Replaces `${var.NAME}` in every string of a value; `${env.*}` is left for apply time. */
export function substituteVariables<T>(value: T, variables: Record<string, string>): T {
  const visit = (v: unknown): unknown => {
    if (typeof v === 'string') {
      return substitute(
        v,
        (ref: TemplateRef) => (ref.namespace === 'var' ? variables[ref.name] : undefined),
        (ref) => ref.raw,
      );
    }
    if (Array.isArray(v)) return v.map(visit);
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, visit(x)]));
    return v;
  };
  return visit(value) as T;
}

/** True when every host of a ZooKeeper connect string is this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopbackConnect(connect: string): boolean {
  const hosts = connect
    .replace(/\/.*$/, '') // a chroot suffix
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean)
    .map((h) => (h.startsWith('[') ? h.slice(1, h.indexOf(']')) : h.replace(/:\d+$/, '')));
  return (
    hosts.length > 0 &&
    hosts.every((h) => h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h))
  );
}
