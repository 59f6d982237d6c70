// In-memory Registry for other modules' unit tests. Same rules as ZkRegistry: immutable snapshots,
// a compare-and-set pointer, hash-verified reads, bounded history, a FIFO apply lock. Registries
// built on one MemoryStore share state like clients of one ZooKeeper; closing one is its session end.
import type { Json } from '../../src/model/canonical.js';
import { PointerConflictError, RegistryError, SnapshotNotFoundError } from '../../src/registry/errors.js';
import {
  checkApplied,
  checkHistory,
  checkHolder,
  checkKeep,
  checkTimeout,
  compareApplied,
} from '../../src/registry/inputs.js';
import { MemoryLock } from './memory-lock.js';
import * as rules from '../../src/registry/snapshot.js';
import type { SnapshotMeta } from '../../src/registry/codec.js';
import {
  DEFAULT_KEEP_HISTORY,
  DEFAULT_KEEP_SNAPSHOTS,
  type AcquireLockOptions,
  type AppliedRecord,
  type AppliedState,
  type ReadAppliedOptions,
  type UnreadableRecord,
  type HistoryEntry,
  type HistoryInput,
  type LockHandle,
  type LockHolderInfo,
  type LockPeek,
  type PointerOptions,
  type PublishResult,
  type Registry,
  type Snapshot,
  type SnapshotInfo,
  type SnapshotInput,
  type SnapshotObject,
  type SnapshotPointer,
  type WrittenSnapshot,
} from '../../src/registry/registry.js';

interface StoredSnapshot {
  meta: SnapshotMeta;
  objects: SnapshotObject[];
  publishedAt: string;
}

/** State shared by every MemoryRegistry built on it. */
export class MemoryStore {
  snapshots: StoredSnapshot[] = []; // oldest first
  pointer: SnapshotPointer | null = null;
  applied = new Map<string, AppliedRecord>();
  unreadable: UnreadableRecord[] = [];
  history: HistoryEntry[] = []; // oldest first
  historySeq = 0;
  drift: Json[] = [];
  readonly lock = new MemoryLock();
}

export interface MemoryRegistryOptions {
  store?: MemoryStore;
  keepSnapshots?: number;
  keepHistory?: number;
  now?: () => Date;
}

const copy = <T>(value: T): T => structuredClone(value);

export class MemoryRegistry implements Registry {
  readonly store: MemoryStore;
  private readonly keepSnapshots: number;
  private readonly keepHistory: number;
  private readonly now: () => Date;
  private closed = false;

  constructor(options: MemoryRegistryOptions = {}) {
    this.store = options.store ?? new MemoryStore();
    this.keepSnapshots = checkKeep(options.keepSnapshots ?? DEFAULT_KEEP_SNAPSHOTS, 'keepSnapshots');
    this.keepHistory = checkKeep(options.keepHistory ?? DEFAULT_KEEP_HISTORY, 'keepHistory');
    this.now = options.now ?? (() => new Date());
  }

  async publishSnapshot(input: SnapshotInput, options: PointerOptions = {}): Promise<PublishResult> {
    this.open();
    const prepared = rules.prepareSnapshot(input);
    let stored = this.store.snapshots.find((s) => s.meta.id === prepared.id);
    const created = stored === undefined;
    if (!stored) {
      stored = {
        meta: { ...prepared.meta, complete: true },
        objects: copy(prepared.objects),
        publishedAt: this.iso(),
      };
      this.store.snapshots.push(stored);
    }
    const pointer = this.movePointer(stored.meta, options);
    const pruned = await this.pruneSnapshots(this.keepSnapshots);
    return {
      snapshotId: prepared.id,
      contentHash: prepared.contentHash,
      created,
      pointer: copy(pointer),
      pruned,
    };
  }

  async writeSnapshot(input: SnapshotInput): Promise<WrittenSnapshot> {
    this.open();
    const prepared = rules.prepareSnapshot(input);
    const created = !this.store.snapshots.some((s) => s.meta.id === prepared.id);
    if (created) {
      this.store.snapshots.push({
        meta: { ...prepared.meta, complete: true },
        objects: copy(prepared.objects),
        publishedAt: this.iso(),
      });
    }
    return Promise.resolve({ snapshotId: prepared.id, contentHash: prepared.contentHash, created });
  }

  async readPointer(): Promise<SnapshotPointer | null> {
    this.open();
    return Promise.resolve(copy(this.store.pointer));
  }

  async readCurrent(): Promise<Snapshot | null> {
    const pointer = await this.readPointer();
    if (!pointer) return null;
    const stored = this.store.snapshots.find((s) => s.meta.id === pointer.snapshotId);
    if (!stored) throw new SnapshotNotFoundError(pointer.snapshotId, 'current names it but it is gone');
    return { pointer, objects: rules.verifySnapshot(pointer, copy(stored.objects)) };
  }

  async listSnapshots(): Promise<SnapshotInfo[]> {
    this.open();
    const currentId = this.store.pointer?.snapshotId;
    const infos = this.store.snapshots.map(({ meta, publishedAt }) =>
      rules.snapshotInfo(meta, meta.id === currentId, publishedAt),
    );
    return Promise.resolve(infos.reverse());
  }

  async repoint(commit: string, options: PointerOptions = {}): Promise<SnapshotPointer> {
    const target = rules.resolveSnapshotRef(commit, await this.listSnapshots());
    const stored = this.store.snapshots.find((s) => s.meta.id === target.id) as StoredSnapshot;
    rules.verifySnapshot(rules.pointerFor(stored.meta, this.iso()), stored.objects);
    return copy(this.movePointer(stored.meta, options));
  }

  async pruneSnapshots(keep: number = this.keepSnapshots): Promise<string[]> {
    const doomed = new Set(rules.snapshotsToPrune(await this.listSnapshots(), keep));
    this.store.snapshots = this.store.snapshots.filter((s) => !doomed.has(s.meta.id));
    return [...doomed];
  }

  async readApplied(): Promise<AppliedRecord[]> {
    this.open();
    return Promise.resolve(copy([...this.store.applied.values()].sort(compareApplied)));
  }

  /** In memory every record reads back; `store.unreadable` stands in for nodes edited by hand. */
  async readAppliedState(options: ReadAppliedOptions = {}): Promise<AppliedState> {
    const records = await this.readApplied();
    for (const record of records) options.onRecord?.(copy(record));
    return { records, unreadable: copy(this.store.unreadable) };
  }

  async recordApplied(record: AppliedRecord): Promise<void> {
    this.open();
    const rec = checkApplied(record);
    this.store.applied.set(`${rec.kind}\u0000${rec.uuid}`, rec);
    return Promise.resolve();
  }

  async forgetApplied(kind: string, uuid: string): Promise<boolean> {
    this.open();
    return Promise.resolve(this.store.applied.delete(`${kind}\u0000${uuid}`));
  }

  async acquireLock(options: AcquireLockOptions): Promise<LockHandle> {
    this.open();
    return this.store.lock.acquire(this, checkHolder(options.holder), checkTimeout(options.timeoutMs));
  }

  async readLockHolder(): Promise<LockHolderInfo | null> {
    this.open();
    return Promise.resolve(this.store.lock.holder());
  }

  async peekLock(): Promise<LockPeek> {
    this.open();
    return Promise.resolve(this.store.lock.peek());
  }

  async forceUnlock(): Promise<LockHolderInfo[]> {
    this.open();
    return Promise.resolve(this.store.lock.forceUnlock());
  }

  async appendHistory(entry: HistoryInput): Promise<HistoryEntry> {
    this.open();
    const stored: HistoryEntry = { ...checkHistory(entry), seq: this.store.historySeq++ };
    this.store.history = [...this.store.history, stored].slice(-this.keepHistory);
    return Promise.resolve(copy(stored));
  }

  async readHistory(limit?: number): Promise<HistoryEntry[]> {
    this.open();
    const newestFirst = [...this.store.history].reverse();
    return Promise.resolve(copy(limit === undefined ? newestFirst : newestFirst.slice(0, limit)));
  }

  async writeDriftFindings(findings: Json[]): Promise<void> {
    this.open();
    this.store.drift = JSON.parse(JSON.stringify(findings)) as Json[];
    return Promise.resolve();
  }

  async readDriftFindings(): Promise<Json[]> {
    this.open();
    return Promise.resolve(copy(this.store.drift));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.store.lock.releaseOwner(this);
    return Promise.resolve();
  }

  /** Test hook: change a stored object behind the registry's back, as someone with write access could. */
  tamperObject(snapshotId: string, uuid: string, body: Json): void {
    const obj = this.store.snapshots
      .find((s) => s.meta.id === snapshotId)
      ?.objects.find((o) => o.uuid === uuid);
    if (!obj) throw new SnapshotNotFoundError(`${snapshotId}/${uuid}`);
    obj.body = copy(body);
  }

  private movePointer(meta: SnapshotMeta, options: PointerOptions): SnapshotPointer {
    const actual = this.store.pointer?.snapshotId ?? null;
    if (options.expectCurrent !== undefined && options.expectCurrent !== actual) {
      throw new PointerConflictError(options.expectCurrent, actual);
    }
    this.store.pointer = rules.pointerFor(meta, this.iso());
    return this.store.pointer;
  }

  private iso(): string {
    return this.now().toISOString();
  }

  private open(): void {
    if (this.closed) throw new RegistryError('registry.closed', 'registry is closed');
  }
}
