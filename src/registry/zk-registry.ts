// The live Registry on ZooKeeper. Owns one ZkClient at a time: when its session expires the
// client is dead, so the next call opens a new session, checks the layout, and says so through
// onNotice (locks of the old session are lost, and their handles report it).
//
// Access control. With `auth`, every node the registry creates gets the ACL
// digest:<user>:<base64 sha1(user:password)> ALL plus READ for world (or one named reader). The
// binding can only create with the open ACL, so each create is followed by a set_acl: for that
// moment (one round trip) the new node is writable by anyone who can reach ZooKeeper. What bounds it:
// - strangers cannot add nodes (CREATE on every parent below the root is restricted): the window
//   only concerns the node just created, and only the environment root sits under an open parent;
// - set_acl expects ACL version 0: an ACL changed inside the window fails the write loudly;
// - data changed inside the window is caught on read: the pointer (`current`, itself restricted)
//   carries the sha256 of the whole snapshot (of its manifest, which holds each object's sha256),
//   computed from what the publisher meant to write, not from what is in ZooKeeper, so an edited,
//   added or removed object fails readCurrent and repoint with SnapshotTamperedError (a `shallow`
//   repoint checks the manifest and that each object is there, not each object's bytes); drift
//   findings are hashed the same way. Applied records, history
//   and lock nodes have no hash: they are only checked for shape (CorruptNodeError).
// Only the digest of the password reaches ZooKeeper (add_auth sends the password once per session
// and the server keeps its hash in ACLs); nothing the registry stores contains it.
import type { Json } from '../model/canonical.js';
import { ZkClient, mkdirp, writerReaderAcl, type DigestCredentials } from '../zookeeper/index.js';
import { RegistryError } from './errors.js';
import { checkKeep } from './inputs.js';
import { registryPaths, type RegistryPaths } from './paths.js';
import * as r from './registry.js';
import type { ZkContext } from './zk-context.js';
import * as drift from './zk-drift.js';
import * as lock from './zk-lock.js';
import { createIfAbsent } from './zk-nodes.js';
import * as records from './zk-records.js';
import * as snapshots from './zk-snapshots.js';

export interface ZkRegistryOptions {
  /** "host:port[,host:port...]" */
  connect: string;
  /** e.g. registryRoot('prod') = /superset-gitops/prod */
  root: string;
  /**
   * Digest credentials. With them every node the registry creates gets the ACL
   * digest:<user>:<base64 sha1(user:password)> ALL, plus READ for `reader` (default world:anyone).
   */
  auth?: DigestCredentials;
  reader?: { digestId: string };
  /** Sees every byte the registry writes first, and refuses by throwing (the secret screen). */
  screen?: (path: string, data: Buffer) => void;
  sessionTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Gives up the first connect when aborted (a run that stopped before it needed the registry). */
  signal?: AbortSignal;
  keepSnapshots?: number;
  keepHistory?: number;
  /** Requests in flight for bulk reads and writes (default 64). */
  inFlight?: number;
  onNotice?: (notice: RegistryNotice) => void;
  now?: () => Date;
}

export interface RegistryNotice {
  code: 'registry.session-rebuilt';
  message: string;
}

export class ZkRegistry implements r.Registry {
  readonly paths: RegistryPaths;
  private readonly ctx: ZkContext;
  private readonly keepSnapshots: number;
  private readonly keepHistory: number;
  private live: ZkClient | undefined;
  private opening: Promise<ZkClient> | undefined;
  private closed = false;

  private constructor(private readonly options: ZkRegistryOptions) {
    this.paths = registryPaths(options.root);
    this.keepSnapshots = checkKeep(options.keepSnapshots ?? r.DEFAULT_KEEP_SNAPSHOTS, 'keepSnapshots');
    this.keepHistory = checkKeep(options.keepHistory ?? r.DEFAULT_KEEP_HISTORY, 'keepHistory');
    this.ctx = {
      client: () => this.client(),
      paths: this.paths,
      inFlight: checkKeep(options.inFlight ?? 64, 'inFlight'),
      now: options.now ?? (() => new Date()),
    };
  }

  /** Connects, authenticates and creates the layout under `root` if missing. */
  static async connect(options: ZkRegistryOptions): Promise<ZkRegistry> {
    const registry = new ZkRegistry(options);
    await registry.client();
    return registry;
  }

  /** The live client (a new session after an expiry). */
  async client(): Promise<ZkClient> {
    if (this.closed) throw new RegistryError('registry.closed', `registry ${this.paths.root} is closed`);
    if (this.live && !this.live.dead) return this.live;
    this.opening ??= this.openSession().finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async openSession(): Promise<ZkClient> {
    const { connect, auth, reader, sessionTimeoutMs, connectTimeoutMs, screen, signal } = this.options;
    const acl = auth ? writerReaderAcl(auth, reader) : undefined;
    const zk = await ZkClient.connect({
      connect,
      auth,
      acl,
      sessionTimeoutMs,
      connectTimeoutMs,
      screen,
      ...(signal && !this.live ? { signal } : {}),
    });
    try {
      await ensureLayout(zk, this.paths);
    } catch (err) {
      zk.close();
      throw err;
    }
    const previous = this.live;
    this.live = zk;
    if (previous) {
      this.options.onNotice?.({
        code: 'registry.session-rebuilt',
        message:
          `ZooKeeper session ${previous.state}: opened a new session to ${connect} and checked the layout under ` +
          `${this.paths.root}; locks held by the old session are lost`,
      });
    }
    return zk;
  }

  publishSnapshot(input: r.SnapshotInput, options: r.PointerOptions = {}): Promise<r.PublishResult> {
    return snapshots.publishSnapshot(this.ctx, input, options, this.keepSnapshots);
  }
  writeSnapshot(input: r.SnapshotInput): Promise<r.WrittenSnapshot> {
    return snapshots.writeSnapshot(this.ctx, input);
  }
  readPointer(): Promise<r.SnapshotPointer | null> {
    return snapshots.readPointer(this.ctx);
  }
  readCurrent(): Promise<r.Snapshot | null> {
    return snapshots.readCurrent(this.ctx);
  }
  listSnapshots(): Promise<r.SnapshotInfo[]> {
    return snapshots.listSnapshots(this.ctx);
  }
  repoint(commit: string, options: r.PointerOptions = {}): Promise<r.SnapshotPointer> {
    return snapshots.repoint(this.ctx, commit, options);
  }
  pruneSnapshots(keep: number = this.keepSnapshots): Promise<string[]> {
    return snapshots.pruneSnapshots(this.ctx, keep);
  }
  readApplied(): Promise<r.AppliedRecord[]> {
    return records.readApplied(this.ctx);
  }
  readAppliedState(options?: r.ReadAppliedOptions): Promise<r.AppliedState> {
    return records.readAppliedState(this.ctx, options);
  }
  recordApplied(record: r.AppliedRecord): Promise<void> {
    return records.recordApplied(this.ctx, record);
  }
  forgetApplied(kind: string, uuid: string): Promise<boolean> {
    return records.forgetApplied(this.ctx, kind, uuid);
  }
  acquireLock(options: r.AcquireLockOptions): Promise<r.LockHandle> {
    return lock.acquireLock(this.ctx, options);
  }
  readLockHolder(): Promise<r.LockHolderInfo | null> {
    return lock.readLockHolder(this.ctx);
  }
  peekLock(): Promise<r.LockPeek> {
    return lock.peekLock(this.ctx);
  }
  forceUnlock(): Promise<r.LockHolderInfo[]> {
    return lock.forceUnlock(this.ctx);
  }
  appendHistory(entry: r.HistoryInput): Promise<r.HistoryEntry> {
    return records.appendHistory(this.ctx, entry, this.keepHistory);
  }
  readHistory(limit?: number): Promise<r.HistoryEntry[]> {
    return records.readHistory(this.ctx, limit);
  }
  writeDriftFindings(findings: Json[]): Promise<void> {
    return drift.writeDriftFindings(this.ctx, findings);
  }
  readDriftFindings(): Promise<Json[]> {
    return drift.readDriftFindings(this.ctx);
  }

  /** Ends the session: ephemeral lock nodes go with it. */
  async close(): Promise<void> {
    this.closed = true;
    const pending = this.opening;
    const zk = pending ? await pending.catch(() => undefined) : this.live;
    zk?.close();
    this.live = undefined;
  }
}

/**
 * Creates what is missing of the layout (nothing when it is complete, so a client without write
 * access can still read). Ancestors above the root stay open: they may be shared by environments
 * with other credentials.
 */
export async function ensureLayout(zk: ZkClient, paths: RegistryPaths): Promise<void> {
  const nodes = [paths.snapshots, paths.current, paths.applied, paths.lock, paths.history, paths.drift];
  const present = await Promise.all(nodes.map((p) => zk.exists(p)));
  if (present.every(Boolean)) return;
  await mkdirp(zk, paths.root, { aclFrom: paths.root });
  for (const node of nodes) await createIfAbsent(zk, node, '');
}
