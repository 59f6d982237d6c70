// Pure snapshot rules shared by both registries: normalising a publish, the content hash and id,
// verifying what was read back, resolving a commit for repoint, and choosing what to prune.
import { canonicalJson, contentHash, type Json } from '../model/canonical.js';
import { InvalidInputError, SnapshotNotFoundError, SnapshotTamperedError } from './errors.js';
import { encodeName } from './names.js';
import { objectNodeName } from './paths.js';
import type { SnapshotInfo, SnapshotInput, SnapshotObject, SnapshotPointer } from './registry.js';
import type { SnapshotMeta } from './codec.js';

/** Znodes must stay well under ZooKeeper's 1 MB jute.maxbuffer. */
export const MAX_NODE_BYTES = 512 * 1024;

export interface PreparedSnapshot {
  id: string;
  contentHash: string;
  meta: SnapshotMeta;
  /** Sorted by (kind, uuid); bodies normalised through canonical JSON. */
  objects: SnapshotObject[];
  /** Canonical JSON of each object, same order. */
  encoded: Buffer[];
}

export function compareObjects(a: { kind: string; uuid: string }, b: { kind: string; uuid: string }): number {
  // Code-unit order, never locale order: the hash must be the same on every machine.
  if (a.kind !== b.kind) return a.kind < b.kind ? -1 : 1;
  if (a.uuid !== b.uuid) return a.uuid < b.uuid ? -1 : 1;
  return 0;
}

/** sha256 over the objects sorted by (kind, uuid), each as {kind, name, uuid, body}. */
export function snapshotContentHash(objects: readonly SnapshotObject[]): string {
  const sorted = [...objects].sort(compareObjects);
  return contentHash(sorted.map(({ kind, name, uuid, body }) => ({ kind, name, uuid, body })));
}

/** Commit SHA plus a short content hash: the same commit with the same content is the same snapshot. */
export function snapshotId(commit: string, hash: string): string {
  return `${encodeName(commit)}-${hash.slice(0, 12)}`;
}

export function prepareSnapshot(input: SnapshotInput): PreparedSnapshot {
  for (const field of ['commit', 'author', 'time'] as const) {
    if (typeof input[field] !== 'string' || input[field] === '') {
      throw new InvalidInputError(`snapshot ${field} must be a non-empty string`);
    }
  }
  if (!Array.isArray(input.objects)) throw new InvalidInputError('snapshot objects must be an array');
  const seen = new Set<string>();
  const objects: SnapshotObject[] = [];
  for (const o of input.objects) {
    if (!o || [o.kind, o.name, o.uuid].some((v) => typeof v !== 'string') || o.kind === '' || o.uuid === '') {
      throw new InvalidInputError(
        `snapshot object needs string kind, name and uuid: ${canonicalJson(o).slice(0, 200)}`,
      );
    }
    try {
      objectNodeName(o.name, o.uuid);
      encodeName(o.kind);
    } catch (err) {
      throw new InvalidInputError(`${o.kind} ${JSON.stringify(o.name)}: ${(err as Error).message}`);
    }
    const key = `${o.kind}\u0000${o.uuid}`;
    if (seen.has(key)) throw new InvalidInputError(`snapshot has two ${o.kind} objects with uuid ${o.uuid}`);
    seen.add(key);
    // Through canonical JSON and back: what we return is exactly what a reader will read.
    const body = JSON.parse(canonicalJson(o.body ?? null)) as Json;
    objects.push({ kind: o.kind, name: o.name, uuid: o.uuid, body });
  }
  objects.sort(compareObjects);
  const encoded = objects.map((o) => Buffer.from(canonicalJson(o), 'utf8'));
  encoded.forEach((bytes, i) => {
    if (bytes.length > MAX_NODE_BYTES) {
      const o = objects[i] as SnapshotObject;
      throw new InvalidInputError(
        `${o.kind} ${JSON.stringify(o.name)} is ${bytes.length} bytes as JSON; one registry node holds at most ${MAX_NODE_BYTES}`,
      );
    }
  });
  const hash = contentHash(objects);
  const id = snapshotId(input.commit, hash);
  const meta: SnapshotMeta = {
    id,
    commit: input.commit,
    author: input.author,
    ...(input.message === undefined ? {} : { message: input.message }),
    time: input.time,
    objectCount: objects.length,
    contentHash: hash,
    complete: false,
  };
  return { id, contentHash: hash, meta, objects, encoded };
}

export function pointerFor(meta: SnapshotMeta, movedAt: string): SnapshotPointer {
  const { id, commit, author, message, time, objectCount, contentHash: hash } = meta;
  return {
    snapshotId: id,
    commit,
    author,
    ...(message === undefined ? {} : { message }),
    time,
    objectCount,
    contentHash: hash,
    movedAt,
  };
}

/** Throws SnapshotTamperedError unless `objects` are exactly what `pointer` promises. */
export function verifySnapshot(
  pointer: SnapshotPointer,
  objects: readonly SnapshotObject[],
): SnapshotObject[] {
  const sorted = [...objects].sort(compareObjects);
  const actual = contentHash(sorted);
  if (actual !== pointer.contentHash || sorted.length !== pointer.objectCount) {
    const detail = `${sorted.length} objects read, pointer says ${pointer.objectCount}`;
    throw new SnapshotTamperedError(pointer.snapshotId, pointer.contentHash, actual, detail);
  }
  return sorted;
}

/** The snapshot `ref` names: an id, a full commit, or an unambiguous commit prefix (7+). Newest wins. */
export function resolveSnapshotRef(ref: string, snapshots: readonly SnapshotInfo[]): SnapshotInfo {
  const complete = snapshots.filter((s) => s.complete);
  const byId = complete.find((s) => s.id === ref);
  if (byId) return byId;
  let matches = complete.filter((s) => s.commit === ref);
  if (matches.length === 0 && ref.length >= 7) matches = complete.filter((s) => s.commit.startsWith(ref));
  const commits = new Set(matches.map((s) => s.commit));
  if (commits.size > 1)
    throw new SnapshotNotFoundError(ref, `ambiguous, matches commits ${[...commits].join(', ')}`);
  const newest = matches[0]; // snapshots come newest first
  if (!newest) throw new SnapshotNotFoundError(ref);
  return newest;
}

/** Ids to delete: everything after the newest `keep`, except the current one. */
export function snapshotsToPrune(snapshots: readonly SnapshotInfo[], keep: number): string[] {
  if (!Number.isInteger(keep) || keep < 1)
    throw new InvalidInputError(`keep must be a positive integer, got ${keep}`);
  return snapshots
    .slice(keep)
    .filter((s) => !s.current)
    .map((s) => s.id);
}

/** What `listSnapshots` says of one snapshot: its meta, whether `current` names it, when it was published. */
export function snapshotInfo(meta: SnapshotMeta, current: boolean, publishedAt: string): SnapshotInfo {
  const { id, commit, author, message, time, objectCount, contentHash, complete } = meta;
  const info: SnapshotInfo = {
    id,
    commit,
    author,
    time,
    objectCount,
    contentHash,
    complete,
    current,
    publishedAt,
  };
  if (message !== undefined) info.message = message;
  return info;
}
