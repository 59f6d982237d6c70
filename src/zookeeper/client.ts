// Typed, promise-based operations over the binding's callback API. One instance = one ZooKeeper
// session (connection.ts): once it is expired or closed the instance is dead for good and the owner
// opens a new client and rebuilds what it needs.
import { FLAGS, type RawAcl, type RawStat } from './binding.js';
import { digestId, toRawAcl, fromRawAcl, type DigestCredentials, type ZkAcl } from './acl.js';
import { ZkConnection, type StateListener } from './connection.js';
import { ZK_CODES, ZkError, isZkError } from './errors.js';
import { toStat, type ZkStat } from './stat.js';
import { WatchTable, type WatchListener } from './watches.js';
import { WatchedReads, nullOnNoNode, type NextEvent } from './watched.js';
import type { ZkConnectOptions, ZkState } from './session.js';

export type CreateMode = keyof typeof FLAGS;
export interface ZkNode {
  data: Buffer;
  stat: ZkStat;
}
export type { StateListener };

export class ZkClient {
  private readonly watches = new WatchTable();
  private readonly watched: WatchedReads;
  /** Set once a node this client restricted has read back with exactly its ACL (restrict). */
  private aclReadBack = false;

  private constructor(
    private readonly conn: ZkConnection,
    /** Applied right after every create (the binding can only create with the open ACL). */
    readonly acl: readonly ZkAcl[] | undefined,
    /** Sees every byte written (create and set) first, and may refuse by throwing. */
    private readonly screen: ((path: string, data: Buffer) => void) | undefined,
  ) {
    // A dead session has no watches left.
    conn.onState(() => conn.dead && this.watches.clear());
    this.watched = new WatchedReads(conn, this.watches, this);
  }

  static async connect(
    options: ZkConnectOptions & {
      acl?: readonly ZkAcl[];
      screen?: (path: string, data: Buffer) => void;
    },
  ): Promise<ZkClient> {
    if (options.acl && !readableBy(options.acl, options.auth)) {
      // The binding crashes the process on a failed get_acl (it frees a NULL ACL vector), and
      // restrict reads a created node's ACL back: an ACL that locks this client out is refused here.
      throw new ZkError(
        ZK_CODES.BADARGUMENTS,
        'the ACL for new nodes must let this client read them (its own digest identity, or world READ)',
      );
    }
    return new ZkClient(await ZkConnection.open(options), options.acl, options.screen);
  }

  get connect(): string {
    return this.conn.connect;
  }
  get state(): ZkState {
    return this.conn.state;
  }
  /** Expired, refused or closed: this instance will never work again. */
  get dead(): boolean {
    return this.conn.dead;
  }
  /** Negotiated session timeout (the server clamps what we ask for). */
  get sessionTimeoutMs(): number {
    return this.conn.sessionTimeoutMs;
  }
  get armedWatches(): number {
    return this.watches.armedCount;
  }

  onState(listener: StateListener): () => void {
    return this.conn.onState(listener);
  }
  onWatch(listener: WatchListener): () => void {
    return this.watches.on(listener);
  }

  close(): void {
    this.conn.close();
  }

  /**
   * Creates a node; with an ACL configured, then restricts it. Window: between the create and the
   * set_acl the node has the open ACL, so anyone may write it. The set_acl expects ACL version 0,
   * so an ACL changed inside the window fails here (BADVERSION) instead of passing unnoticed; data
   * changed inside the window is caught by the content hashes the registry keeps in its pointers.
   */
  async create(path: string, data: Buffer | string, options: { mode?: CreateMode; acl?: boolean } = {}) {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.screen?.(path, bytes);
    const flags = FLAGS[options.mode ?? 'persistent'];
    const [created] = await this.conn.request<[string]>('create', path, (cb) =>
      this.conn.raw.a_create(path, bytes, flags, cb),
    );
    if (this.acl && options.acl !== false) await this.restrict(created);
    return created;
  }

  /**
   * set_acl on a node just made, expecting the ACL version the create left (0): a node left open (the
   * set_acl failed, or someone changed the ACL in between to anything but ours) is deleted and the
   * write stops, never left world-writable. A set_acl at version 0 that succeeded leaves exactly our
   * ACL, which only our own identity may change (it alone has ADMIN); the first such node of this
   * client is read back all the same, to check that the binding sets the ACL it is given. A
   * BADVERSION is always read back: an ACL exactly ours is another writer with our credentials that
   * found the node (NODEEXISTS) and restricted it first, the outcome asked for.
   */
  private async restrict(created: string): Promise<void> {
    const acl = this.acl ?? [];
    try {
      const raced = await this.setAcl(created, 0, acl).then(
        () => false,
        (err: unknown) => {
          if (isZkError(err, 'BADVERSION')) return true;
          throw err;
        },
      );
      if (!raced && this.aclReadBack) return;
      const { acl: actual } = await this.getAcl(created);
      if (!sameAcl(actual, acl)) {
        if (raced) {
          throw new ZkError(
            ZK_CODES.BADVERSION,
            `set_acl ${created}: ACL changed between create and set_acl`,
            created,
          );
        }
        throw new ZkError(
          ZK_CODES.NOAUTH,
          `the ACL of ${created} is not the one asked for after set_acl (${actual.map((a) => `${a.scheme}:${a.scheme === 'digest' ? a.id.split(':')[0] : a.id}`).join(', ')})`,
          created,
        );
      }
      if (!raced) this.aclReadBack = true;
    } catch (err) {
      // The node may still be open: remove it rather than leave it writable by anyone.
      await this.delete(created, -1).catch(() => undefined);
      throw err;
    }
  }

  async get(path: string): Promise<ZkNode> {
    const [stat, data] = await this.conn.request<[RawStat, Buffer | null]>('get', path, (cb) =>
      this.conn.raw.a_get(path, false, cb),
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
    this.screen?.(path, bytes);
    const [stat] = await this.conn.request<[RawStat]>('set', path, (cb) =>
      this.conn.raw.a_set(path, bytes, version, cb),
    );
    return toStat(stat);
  }

  async delete(path: string, version: number): Promise<void> {
    checkVersion(version);
    await this.conn.request<[]>('delete', path, (cb) => this.conn.raw.a_delete_(path, version, cb));
  }

  async children(path: string): Promise<string[]> {
    const [children] = await this.conn.request<[string[]]>('children', path, (cb) =>
      this.conn.raw.a_get_children(path, false, cb),
    );
    return children;
  }

  async stat(path: string): Promise<ZkStat | null> {
    try {
      const [stat] = await this.conn.request<[RawStat | null]>('exists', path, (cb) =>
        this.conn.raw.a_exists(path, false, cb),
      );
      return stat ? toStat(stat) : null;
    } catch (err) {
      return nullOnNoNode(err);
    }
  }

  async exists(path: string): Promise<boolean> {
    return (await this.stat(path)) !== null;
  }

  /**
   * Trap: the binding's get_acl completion frees the ACL vector even when the call failed, so a
   * get_acl that fails (NONODE, NOAUTH) crashes the process. Call it only on a node known to exist
   * and readable by this client.
   */
  async getAcl(path: string): Promise<{ acl: ZkAcl[]; stat: ZkStat }> {
    const [acl, stat] = await this.conn.request<[RawAcl[], RawStat]>('get_acl', path, (cb) =>
      this.conn.raw.a_get_acl(path, cb),
    );
    return { acl: fromRawAcl(acl), stat: toStat(stat) };
  }

  /** `version` is the expected ACL version (stat.aversion), or -1. */
  async setAcl(path: string, version: number, acl: readonly ZkAcl[]): Promise<void> {
    checkVersion(version);
    await this.conn.request<[]>('set_acl', path, (cb) =>
      this.conn.raw.a_set_acl(path, version, toRawAcl(acl), cb),
    );
  }

  /**
   * Gives an existing node this client's ACL (e.g. one left open by a create whose set_acl never
   * ran because the connection dropped in between, or one another writer is about to restrict).
   * It sets the ACL without reading it first and without an expected version: get_acl crashes the
   * process when it fails (see getAcl), and a node found by NODEEXISTS may be gone by now or owned
   * by someone else; set_acl then fails with NONODE or NOAUTH like any call. Setting an ACL equal to
   * the one there is harmless, and a writer racing this one sets the same ACL.
   */
  async ensureAcl(path: string): Promise<void> {
    if (this.acl) await this.setAcl(path, -1, this.acl);
  }

  /** get + data watch; null (and no watch left behind) when the node does not exist. */
  getWatched(path: string): Promise<ZkNode | null> {
    return this.watched.get(path);
  }
  /** exists + watch: unlike getWatched, this also watches a missing node for its creation. */
  statWatched(path: string): Promise<ZkStat | null> {
    return this.watched.stat(path);
  }
  /** children + child watch; null when the node does not exist. */
  childrenWatched(path: string): Promise<string[] | null> {
    return this.watched.children(path);
  }
  /** The next watch event on `path`, 'timeout', or 'dead' when the session ends first. */
  nextEvent(path: string, timeoutMs: number): NextEvent {
    return this.watched.nextEvent(path, timeoutMs);
  }
}

function checkVersion(version: number): void {
  if (!Number.isInteger(version) || version < -1) {
    throw new ZkError(ZK_CODES.BADARGUMENTS, `version must be -1 or a node version, got ${String(version)}`);
  }
}

/** Whether a client with `auth` may read nodes that have `acl` (get_acl needs READ or ADMIN). */
function readableBy(acl: readonly ZkAcl[], auth: DigestCredentials | undefined): boolean {
  const reads = (a: ZkAcl) => a.perms.some((p) => p === 'ALL' || p === 'READ' || p === 'ADMIN');
  return acl.some(
    (a) =>
      reads(a) &&
      ((a.scheme === 'world' && a.id === 'anyone') ||
        (a.scheme === 'digest' && auth !== undefined && a.id === digestId(auth.user, auth.password))),
  );
}

function sameAcl(a: readonly ZkAcl[], b: readonly ZkAcl[]): boolean {
  const key = (acl: readonly ZkAcl[]) =>
    toRawAcl(acl)
      .map((e) => `${e.scheme}:${e.auth}:${e.perms}`)
      .sort()
      .join('|');
  return key(a) === key(b);
}
