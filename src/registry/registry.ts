// The state backend as a port: ZkRegistry is the live implementation, MemoryRegistry (in
// test/doubles/) the fake for tests. Both keep the same rules, so a test written against one holds for the other.
import type { Json } from '../model/canonical.js';

/** One object of a desired snapshot; `body` is whatever the planner needs, as JSON. */
export interface SnapshotObject {
  kind: string;
  name: string;
  uuid: string;
  body: Json;
}

export interface SnapshotInput {
  commit: string;
  author: string;
  message?: string;
  /** ISO time of the commit (or of the publish). */
  time: string;
  objects: SnapshotObject[];
}

/** What `current` says: which snapshot is desired and the hash its objects must have. */
export interface SnapshotPointer {
  snapshotId: string;
  commit: string;
  author: string;
  message?: string;
  time: string;
  objectCount: number;
  /** sha256 over the snapshot's objects, sorted by (kind, uuid), in canonical JSON. */
  contentHash: string;
  /** ISO time the pointer was moved. */
  movedAt: string;
}

export interface Snapshot {
  pointer: SnapshotPointer;
  /** Sorted by (kind, uuid). */
  objects: SnapshotObject[];
}

export interface SnapshotInfo {
  id: string;
  commit: string;
  author: string;
  message?: string;
  time: string;
  objectCount: number;
  contentHash: string;
  /** False while being written (or left behind by a publisher that died). */
  complete: boolean;
  current: boolean;
  /** ISO time the snapshot was created in the registry. */
  publishedAt: string;
}

export interface PublishResult {
  snapshotId: string;
  contentHash: string;
  /** False when an identical snapshot (same commit, same content) was already there. */
  created: boolean;
  pointer: SnapshotPointer;
  /** Old snapshots removed after the publish (keep count). */
  pruned: string[];
}

/** A snapshot written whole but not (yet) named by `current`. */
export interface WrittenSnapshot {
  snapshotId: string;
  contentHash: string;
  /** False when an identical snapshot was already there. */
  created: boolean;
}

export interface PointerOptions {
  /** Compare-and-set: move only if `current` names this snapshot id (null: no snapshot yet). */
  expectCurrent?: string | null;
  /**
   * repoint only: check the snapshot's manifest against its content hash and that every object it
   * names is there, without reading each object (an apply re-pointing to the snapshot it wrote
   * itself, under the lock). Every read of the snapshot still checks each object's bytes.
   */
  shallow?: boolean;
}

/** One object the tool created or updated in Superset: the record of what it owns. */
export interface AppliedRecord {
  kind: string;
  name: string;
  uuid: string;
  supersetId: number;
  /** Content hash of what was applied. */
  hash: string;
  appliedAt: string;
  commit: string;
  /** Superset's changed_on when we last read or wrote it (lets a reader skip unchanged objects). */
  changedOn?: string | null;
  /** Marked protected in YAML: never deleted by the tool. */
  protected?: boolean;
  /** HMAC digests of the secrets last sent, by field (`password`, `ssh_tunnel.password`, ...). */
  secrets?: Record<string, string>;
  /** Keyed MAC of the record (see record-mac.ts); absent when written without a key. */
  mac?: string;
}

/** An applied record that does not read back as the tool writes them (edited by hand, cut short). */
export interface UnreadableRecord {
  path: string;
  kind: string;
  uuid: string;
  reason: string;
}

export interface ReadAppliedOptions {
  onRecord?: (record: AppliedRecord) => void;
}

export interface AppliedState {
  records: AppliedRecord[];
  unreadable: UnreadableRecord[];
}

/**
 * The apply lock's folder as it is at one moment: how many contenders it has (holder and waiters), and
 * how many changes its children have seen so far (ZooKeeper's `cversion`: every node created or
 * deleted in it counts one).
 */
export interface LockPeek {
  contenders: number;
  changes: number;
}

export interface LockHolder {
  host: string;
  pid: number;
  runUrl?: string;
  user?: string;
  /** ISO time the holder started waiting for / holding the lock. */
  since: string;
}

export interface LockHolderInfo extends LockHolder {
  /** Fencing token: increases with every acquisition. */
  sequence: number;
}

export interface LockHandle {
  /** Fencing token: a later holder always has a larger one. */
  readonly sequence: number;
  readonly holder: LockHolder;
  /** True once the lock is gone without release(): session expired, or removed by force-unlock. */
  readonly lost: boolean;
  onLost(listener: (reason: string) => void): void;
  /**
   * Throws LockLostError unless the lock is ours right now: not lost, and (in ZooKeeper) its node
   * still there on the very session that made it, confirmed by a round trip. Every write calls it
   * just before it is sent.
   */
  fence(): Promise<void>;
  release(): Promise<void>;
}

export interface AcquireLockOptions {
  holder: LockHolder;
  timeoutMs: number;
}

export type ApplyResult = 'success' | 'failure' | 'partial';

export interface HistoryInput {
  commit: string;
  author: string;
  startedAt: string;
  finishedAt: string;
  created: number;
  updated: number;
  deleted: number;
  failed: number;
  result: ApplyResult;
  message?: string;
  /** The CI run that applied, when there is one (GitHub Actions run URL). */
  runUrl?: string;
  /** Whether `current` was moved to what was applied ('kept': --target, or the apply did not finish). */
  current?: 'moved' | 'kept';
  /** The --target keys of a targeted apply. */
  targets?: string[];
}

export interface HistoryEntry extends HistoryInput {
  /** Order of appending; newest has the largest. */
  seq: number;
}

export interface Registry {
  publishSnapshot(input: SnapshotInput, options?: PointerOptions): Promise<PublishResult>;
  /** Writes a snapshot whole without moving `current` (an apply moves it once it has finished). */
  writeSnapshot(input: SnapshotInput): Promise<WrittenSnapshot>;
  /** The pointer alone (cheap); null before the first publish. */
  readPointer(): Promise<SnapshotPointer | null>;
  /** The whole snapshot `current` names, hash-verified; null before the first publish. */
  readCurrent(): Promise<Snapshot | null>;
  /** Newest first. */
  listSnapshots(): Promise<SnapshotInfo[]>;
  /** Moves `current` to the newest complete snapshot of `commit` (a SHA, an unambiguous SHA prefix of 7+, or a snapshot id). */
  repoint(commit: string, options?: PointerOptions): Promise<SnapshotPointer>;
  /** Deletes all but the newest `keep` snapshots, never the current one; returns the ids deleted. */
  pruneSnapshots(keep?: number): Promise<string[]>;

  /** The records that read back; unreadable ones are left out (readAppliedState names them). */
  readApplied(): Promise<AppliedRecord[]>;
  /**
   * Every record, and the ones that could not be read: one bad node never hides the others. With
   * `onRecord`, each record that decodes is handed over as it arrives too (unverified: its MAC is
   * the reader's to check), so that a reader can act on the first ones while the rest are read.
   */
  readAppliedState(options?: ReadAppliedOptions): Promise<AppliedState>;
  recordApplied(record: AppliedRecord): Promise<void>;
  /** Returns false when there was no record. */
  forgetApplied(kind: string, uuid: string): Promise<boolean>;

  acquireLock(options: AcquireLockOptions): Promise<LockHandle>;
  readLockHolder(): Promise<LockHolderInfo | null>;
  /**
   * The lock's folder now (LockPeek). Reads made before the lock is taken are as good as reads made
   * under it when no apply held it then, and taking it was the only change since (EarlyReads).
   */
  peekLock?(): Promise<LockPeek>;
  /** Removes every holder and waiter; returns who they were. */
  forceUnlock(): Promise<LockHolderInfo[]>;

  appendHistory(entry: HistoryInput): Promise<HistoryEntry>;
  /** Newest first. */
  readHistory(limit?: number): Promise<HistoryEntry[]>;

  /** Replaces the whole set of drift findings. */
  writeDriftFindings(findings: Json[]): Promise<void>;
  readDriftFindings(): Promise<Json[]>;

  close(): Promise<void>;
}

export const DEFAULT_KEEP_SNAPSHOTS = 20;
export const DEFAULT_KEEP_HISTORY = 100;
