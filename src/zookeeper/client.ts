// Typed, promise-based client over the binding's callback API. One instance = one ZooKeeper
// session: once it is expired (or closed) the instance is dead for good and every call fails with
// SESSIONEXPIRED/CLOSING; the owner opens a new client and rebuilds what it needs.
import { FLAGS, type RawAcl, type RawStat, type RawZk } from './binding.js';
import { toRawAcl, fromRawAcl, type ZkAcl } from './acl.js';
import { ZK_CODES, ZkError, isZkError } from './errors.js';
import { toStat, type ZkStat } from './stat.js';
import { WatchTable, type WatchEvent, type WatchListener } from './watches.js';
import { openSession, type ZkConnectOptions, type ZkState } from './session.js';

export type CreateMode = keyof typeof FLAGS;
export interface ZkNode {
  data: Buffer;
  stat: ZkStat;
}
export type StateListener = (state: ZkState) => void;

export class ZkClient {
  private readonly watches = new WatchTable();
  private readonly stateListeners = new Set<StateListener>();
  private current: ZkState = 'connected';

  private constructor(
    private readonly raw: RawZk,
    readonly connect: string,
    /** Applied right after every create (the binding can only create with the open ACL). */
    readonly acl: readonly ZkAcl[] | undefined,
  ) {}

  static async connect(options: ZkConnectOptions & { acl?: readonly ZkAcl[] }): Promise<ZkClient> {
    // State changes during the connect itself are settled by openSession; later ones go to the client.
    const box: { client?: ZkClient } = {};
    const raw = await openSession(options, (state) => box.client?.transition(state));
    box.client = new ZkClient(raw, options.connect, options.acl);
    return box.client;
  }

  get state(): ZkState {
    return this.current;
  }
  /** Expired, refused or closed: this instance will never work again. */
  get dead(): boolean {
    return this.current === 'expired' || this.current === 'auth_failed' || this.current === 'closed';
  }
  /** Negotiated session timeout (the server clamps what we ask for). */
  get sessionTimeoutMs(): number {
    return this.raw.timeout;
  }
  get armedWatches(): number {
    return this.watches.armedCount;
  }

  onState(listener: StateListener): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }
  onWatch(listener: WatchListener): () => void {
    return this.watches.on(listener);
  }

  close(): void {
    if (this.current === 'closed') return;
    this.raw.close(); // emits close(0) -> transition('closed')
    this.transition('closed');
  }

  /**
   * Creates a node; with an ACL configured, then restricts it. Window: between the create and the
   * set_acl the node has the open ACL, so anyone may write it. The set_acl expects ACL version 0,
   * so an ACL changed inside the window fails here (BADVERSION) instead of passing unnoticed; data
   * changed inside the window is caught by the content hashes the registry keeps in its pointers.
   */
  async create(path: string, data: Buffer | string, options: { mode?: CreateMode; acl?: boolean } = {}) {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const flags = FLAGS[options.mode ?? 'persistent'];
    const [created] = await this.request<[string]>('create', path, (cb) =>
      this.raw.a_create(path, bytes, flags, cb),
    );
    if (this.acl && options.acl !== false) {
      await this.setAcl(created, 0, this.acl).catch((err: unknown) => {
        if (isZkError(err, 'BADVERSION')) {
          throw new ZkError(
            ZK_CODES.BADVERSION,
            `set_acl ${created}: ACL changed between create and set_acl`,
            created,
          );
        }
        throw err;
      });
    }
    return created;
  }

  async get(path: string): Promise<ZkNode> {
    const [stat, data] = await this.request<[RawStat, Buffer | null]>('get', path, (cb) =>
      this.raw.a_get(path, false, cb),
    );
    return { data: data ?? Buffer.alloc(0), stat: toStat(stat) };
  }

  /** `get` with NONODE as null. */
  async tryGet(path: string): Promise<ZkNode | null> {
    return this.get(path).catch(nullOnNoNode);
  }

  /** `version` is the expected data version, or -1 for "any" (never undefined: that checks 0). */
  async set(path: string, data: Buffer | string, version: number): Promise<ZkStat> {
    checkVersion(version);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const [stat] = await this.request<[RawStat]>('set', path, (cb) =>
      this.raw.a_set(path, bytes, version, cb),
    );
    return toStat(stat);
  }

  async delete(path: string, version: number): Promise<void> {
    checkVersion(version);
    await this.request<[]>('delete', path, (cb) => this.raw.a_delete_(path, version, cb));
  }

  async children(path: string): Promise<string[]> {
    const [children] = await this.request<[string[]]>('children', path, (cb) =>
      this.raw.a_get_children(path, false, cb),
    );
    return children;
  }

  async stat(path: string): Promise<ZkStat | null> {
    try {
      const [stat] = await this.request<[RawStat | null]>('exists', path, (cb) =>
        this.raw.a_exists(path, false, cb),
      );
      return stat ? toStat(stat) : null;
    } catch (err) {
      return nullOnNoNode(err);
    }
  }

  async exists(path: string): Promise<boolean> {
    return (await this.stat(path)) !== null;
  }

  async getAcl(path: string): Promise<{ acl: ZkAcl[]; stat: ZkStat }> {
    const [acl, stat] = await this.request<[RawAcl[], RawStat]>('get_acl', path, (cb) =>
      this.raw.a_get_acl(path, cb),
    );
    return { acl: fromRawAcl(acl), stat: toStat(stat) };
  }

  /** `version` is the expected ACL version (stat.aversion), or -1. */
  async setAcl(path: string, version: number, acl: readonly ZkAcl[]): Promise<void> {
    checkVersion(version);
    await this.request<[]>('set_acl', path, (cb) => this.raw.a_set_acl(path, version, toRawAcl(acl), cb));
  }

  /**
   * Gives an existing node this client's ACL if it has another one (e.g. left open by a create whose
   * set_acl never ran because the connection dropped in between). Returns true when it changed it.
   */
  async ensureAcl(path: string): Promise<boolean> {
    if (!this.acl) return false;
    const { acl, stat } = await this.getAcl(path);
    if (sameAcl(acl, this.acl)) return false;
    await this.setAcl(path, stat.aversion, this.acl);
    return true;
  }

  /** get + data watch; null (and no watch left behind) when the node does not exist. */
  async getWatched(path: string): Promise<ZkNode | null> {
    if (!this.watches.arm('data', path)) return this.tryGet(path);
    try {
      const [stat, data] = await this.request<[RawStat, Buffer | null]>('get', path, (cb) =>
        this.raw.aw_get(path, this.watches.watcher, cb),
      );
      return { data: data ?? Buffer.alloc(0), stat: toStat(stat) };
    } catch (err) {
      this.watches.disarm('data', path); // w_get on a missing node leaves no watch
      return nullOnNoNode(err);
    }
  }

  /** exists + watch: unlike getWatched, this also watches a missing node for its creation. */
  async statWatched(path: string): Promise<ZkStat | null> {
    if (!this.watches.arm('data', path)) return this.stat(path);
    try {
      const [stat] = await this.request<[RawStat | null]>('exists', path, (cb) =>
        this.raw.aw_exists(path, this.watches.watcher, cb),
      );
      return stat ? toStat(stat) : null;
    } catch (err) {
      if (isZkError(err, 'NONODE')) return null; // the server keeps an exists watch on a missing node
      this.watches.disarm('data', path);
      throw err;
    }
  }

  async childrenWatched(path: string): Promise<string[] | null> {
    if (!this.watches.arm('children', path)) return this.children(path).catch(nullOnNoNode);
    try {
      const [children] = await this.request<[string[]]>('children', path, (cb) =>
        this.raw.aw_get_children(path, this.watches.watcher, cb),
      );
      return children;
    } catch (err) {
      this.watches.disarm('children', path);
      return nullOnNoNode(err);
    }
  }

  /** Resolves with the next watch event on `path`, 'timeout', or 'dead' when the session ends. */
  nextEvent(
    path: string,
    timeoutMs: number,
  ): { promise: Promise<WatchEvent | 'timeout' | 'dead'>; cancel(): void } {
    let finish: (value: WatchEvent | 'timeout' | 'dead') => void = () => {};
    const promise = new Promise<WatchEvent | 'timeout' | 'dead'>((resolve) => (finish = resolve));
    const offWatch = this.onWatch((e) => e.path === path && done(e));
    const offState = this.onState(() => this.dead && done('dead'));
    const timer = setTimeout(() => done('timeout'), Math.max(0, timeoutMs));
    const done = (value: WatchEvent | 'timeout' | 'dead') => {
      clearTimeout(timer);
      offWatch();
      offState();
      finish(value);
    };
    if (this.dead) done('dead');
    return { promise, cancel: () => done('timeout') };
  }

  private transition(state: ZkState): void {
    if (this.current === state || this.dead) return;
    this.current = state;
    if (this.dead) this.watches.clear();
    for (const listener of [...this.stateListeners]) listener(state);
  }

  private request<R extends unknown[]>(
    op: string,
    path: string,
    issue: (cb: (rc: number, text: string, ...rest: R) => void) => number,
  ): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      if (this.dead) return reject(this.deadError(op, path));
      const cb = (rc: number, text: string, ...rest: R) =>
        rc === 0 ? resolve(rest) : reject(ZkError.fromRc(rc, text, op, path));
      let rc: number;
      try {
        rc = issue(cb);
      } catch (err) {
        return reject(
          new ZkError(ZK_CODES.BADARGUMENTS, `${op} ${path}: ${String(err)}`, path, { cause: err }),
        );
      }
      // Non-zero: never queued, the callback will not run.
      if (rc !== 0) reject(this.dead ? this.deadError(op, path) : ZkError.fromRc(rc, undefined, op, path));
    });
  }

  private deadError(op: string, path: string): ZkError {
    const code = this.current === 'expired' ? ZK_CODES.SESSIONEXPIRED : ZK_CODES.CLOSING;
    return new ZkError(code, `${op} ${path}: ZooKeeper session ${this.current}; open a new client`, path);
  }
}

function checkVersion(version: number): void {
  if (!Number.isInteger(version) || version < -1) {
    throw new ZkError(ZK_CODES.BADARGUMENTS, `version must be -1 or a node version, got ${String(version)}`);
  }
}

function sameAcl(a: readonly ZkAcl[], b: readonly ZkAcl[]): boolean {
  const key = (acl: readonly ZkAcl[]) =>
    toRawAcl(acl)
      .map((e) => `${e.scheme}:${e.auth}:${e.perms}`)
      .sort()
      .join('|');
  return key(a) === key(b);
}

function nullOnNoNode(err: unknown): null {
  if (isZkError(err, 'NONODE')) return null;
  throw err;
}
