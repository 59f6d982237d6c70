// The one place that touches the `zookeeper` npm binding. Its typings are weak (`any[]` results, a
// Date typed as number, stray ambient modules), so we describe the callback API we use ourselves
// and cast once here. Everything else in the project goes through ZkClient.
import ZooKeeperModule from 'zookeeper';

/** Stat as the native code builds it (ctime/mtime are Date objects despite the typings). */
export interface RawStat {
  czxid: number;
  mzxid: number;
  pzxid: number;
  ctime: Date;
  mtime: Date;
  version: number;
  cversion: number;
  aversion: number;
  ephemeralOwner: string;
  dataLength: number;
  numChildren: number;
}

export interface RawAcl {
  perms: number;
  scheme: string;
  auth: string;
}

/** Watcher signature. `type` -1 is a session event, delivered to every pending watcher. */
export type RawWatcher = (type: number, state: number, path: string) => void;
type Rc = (rc: number, error: string) => void;

/**
 * The callback API of the binding. Every `a_*` / `aw_*` call returns a code synchronously: non-zero
 * means the request was never queued and the callback will never run (e.g. -9 after the session died).
 */
export interface RawZk {
  init(config: RawConfig): RawZk;
  on(event: 'connect', listener: () => void): RawZk;
  on(event: 'connecting', listener: () => void): RawZk;
  on(event: 'close', listener: (self: unknown, code: number) => void): RawZk;
  removeAllListeners(): RawZk;
  close(): void;
  readonly timeout: number;
  a_create(
    path: string,
    data: Buffer,
    flags: number,
    cb: (rc: number, error: string, path: string) => void,
  ): number;
  a_get(
    path: string,
    watch: boolean,
    cb: (rc: number, error: string, stat: RawStat, data: Buffer | null) => void,
  ): number;
  aw_get(
    path: string,
    watcher: RawWatcher,
    cb: (rc: number, error: string, stat: RawStat, data: Buffer | null) => void,
  ): number;
  a_exists(
    path: string,
    watch: boolean,
    cb: (rc: number, error: string, stat: RawStat | null) => void,
  ): number;
  aw_exists(
    path: string,
    watcher: RawWatcher,
    cb: (rc: number, error: string, stat: RawStat | null) => void,
  ): number;
  a_get_children(
    path: string,
    watch: boolean,
    cb: (rc: number, error: string, children: string[]) => void,
  ): number;
  aw_get_children(
    path: string,
    watcher: RawWatcher,
    cb: (rc: number, error: string, children: string[]) => void,
  ): number;
  a_set(
    path: string,
    data: Buffer,
    version: number,
    cb: (rc: number, error: string, stat: RawStat) => void,
  ): number;
  a_delete_(path: string, version: number, cb: Rc): number;
  a_get_acl(path: string, cb: (rc: number, error: string, acl: RawAcl[], stat: RawStat) => void): number;
  a_set_acl(path: string, version: number, acl: RawAcl[], cb: Rc): number;
  add_auth(scheme: string, auth: string, cb: Rc): number;
}

export interface RawConfig {
  connect: string;
  timeout: number;
  /** Process-wide in the C client; 0 silences it. */
  debug_level: number;
  host_order_deterministic: boolean;
  /** Without it the binding drops its own session on a large read ("no response too many times"). */
  response_counter_limit: number;
}

const Ctor = ZooKeeperModule as unknown as new () => RawZk;

/**
 * The binding's JavaScript wrapper formats every call's arguments with util.inspect for its logger,
 * even with no logger set: about 13 µs a call, 40 ms of a run that reads 3,000 records. The calls
 * below only log and forward in zookeeper 7.3 (`encoding` is never set, so data stays a Buffer):
 * they go to the native object directly. Not a_set_acl: its wrapper converts the ACL. Should a
 * version of the binding not have the native object, the wrapper is used.
 */
const DIRECT = [
  'a_create',
  'a_get',
  'aw_get',
  'a_exists',
  'aw_exists',
  'a_get_children',
  'aw_get_children',
  'a_set',
  'a_delete_',
] as const;

export function newRawClient(): RawZk {
  const raw = new Ctor() as RawZk & { native?: Record<string, unknown> };
  const native = raw.native;
  for (const name of DIRECT) {
    const fn = native?.[name];
    if (typeof fn === 'function') Object.assign(raw, { [name]: fn.bind(native) as unknown });
  }
  return raw;
}

/** Creation flags and permission bits of the C client (stable across 3.5-3.9). */
export const FLAGS = { persistent: 0, ephemeral: 1, sequential: 2, ephemeral_sequential: 3 } as const;
export const PERMS = { READ: 1, WRITE: 2, CREATE: 4, DELETE: 8, ADMIN: 16, ALL: 31 } as const;
export const EVENT = { CREATED: 1, DELETED: 2, CHANGED: 3, CHILD: 4, SESSION: -1, NOTWATCHING: -2 } as const;
export const CLOSE = { SESSION_EXPIRED: -112, AUTH_FAILED: -113 } as const;
