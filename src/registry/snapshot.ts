// Pure snapshot rules shared by both registries: normalising a publish, the content hash and id,
// verifying what was read back, resolving a commit for repoint, and choosing what to prune.
//
// A snapshot's objects are stored once and shared by every snapshot that has them (layout 2): each
// object's node is named by the sha256 of its bytes, and the snapshot holds a manifest of
// (kind, name, uuid, object hash). The content hash is the hash of that manifest, so it covers every
// object through its own hash: a change of one object costs one new object node and a manifest.
// Snapshots written before (no layout) hold their objects themselves and hash them whole; they are
// still read, verified and pruned as they were.
import { createHash } from 'node:crypto';
import { canonicalJson, contentHash, type Json } from '../model/canonical.js';
import { InvalidInputError, SnapshotNotFoundError, SnapshotTamperedError } from './errors.js';
import { encodeName } from './names.js';
import { objectNodeName } from './paths.js';
import type { SnapshotInfo, SnapshotInput, SnapshotObject, SnapshotPointer } from './registry.js';
import type { SnapshotMeta } from './codec.js';

/** Znodes must stay well under ZooKeeper's 1 MB jute.maxbuffer. */
export const MAX_NODE_BYTES = 512 * 1024;

/** The layout of snapshots written now: objects shared, a manifest per snapshot. */
export const SNAPSHOT_LAYOUT = 2;

/** One line of a snapshot's manifest: which object, and the sha256 of its stored bytes. */
export interface ManifestEntry {
  kind: string;
  name: string;
  uuid: string;
  hash: string;
}

export interface PreparedSnapshot {
  id: string;
  contentHash: string;
  meta: SnapshotMeta;
  /** Sorted by (kind, uuid); bodies normalised through canonical JSON. */
  objects: SnapshotObject[];
  /** Canonical JSON of each object, same order. */
  encoded: Buffer[];
  /** The manifest, same order: each object with the hash of its `encoded` bytes. */
  manifest: ManifestEntry[];
  /** The manifest as stored: canonical JSON arrays of entries, each under MAX_NODE_BYTES, in order. */
  manifestChunks: Buffer[];
}

export function compareObjects(a: { kind: string; uuid: string }, b: { kind: string; uuid: string }): number {
  // Code-unit order, never locale order: the hash must be the same on every machine.
  if (a.kind !== b.kind) return a.kind < b.kind ? -1 : 1;
  if (a.uuid !== b.uuid) return a.uuid < b.uuid ? -1 : 1;
  return 0;
}

/** sha256 (hex) of an object's stored bytes: its node's name, and its line in the manifest. */
export function objectHash(encoded: Buffer): string {
  return createHash('sha256').update(encoded).digest('hex');
}

/** The bytes an object is stored as: canonical JSON of {kind, name, uuid, body}. */
export function encodeObject({ kind, name, uuid, body }: SnapshotObject): Buffer {
  return Buffer.from(canonicalJson({ kind, name, uuid, body }), 'utf8');
}

/**
 * encodeObject's bytes from the body's canonical JSON, already made: the keys body, kind, name and
 * uuid are in canonical (sorted) order, so the body is not sorted and written a second time.
 */
function encodeWithBody(o: { kind: string; name: string; uuid: string; bodyJson: string }): Buffer {
  return Buffer.from(
    `{"body":${o.bodyJson},"kind":${JSON.stringify(o.kind)},"name":${JSON.stringify(o.name)},"uuid":${JSON.stringify(o.uuid)}}`,
    'utf8',
  );
}

/** sha256 over the manifest sorted by (kind, uuid): the content hash of a layout-2 snapshot. */
export function manifestContentHash(manifest: readonly ManifestEntry[]): string {
  return hashOfLines([...manifest].sort(compareObjects).map(manifestLine));
}

/** The content hash of sorted manifest lines: sha256 of the canonical JSON of their array. */
function hashOfLines(lines: readonly string[]): string {
  return createHash('sha256')
    .update(`[${lines.join(',')}]`)
    .digest('hex');
}

/** The content hash of a snapshot of `objects`: the hash of its manifest. */
export function snapshotContentHash(objects: readonly SnapshotObject[]): string {
  return manifestContentHash(objects.map((o) => ({ ...o, hash: objectHash(encodeObject(o)) })));
}

/** The content hash of a snapshot written before objects were shared: the objects hashed whole. */
export function legacyContentHash(objects: readonly SnapshotObject[]): string {
  const sorted = [...objects].sort(compareObjects);
  return contentHash(sorted.map(({ kind, name, uuid, body }) => ({ kind, name, uuid, body })));
}

/** One manifest entry as stored: canonical JSON of {kind, name, uuid, hash}. */
function manifestLine({ kind, name, uuid, hash }: ManifestEntry): string {
  return canonicalJson({ kind, name, uuid, hash });
}

/** The manifest split into nodes under MAX_NODE_BYTES each, in order. */
export function manifestChunks(manifest: readonly ManifestEntry[]): Buffer[] {
  return chunksOfLines(manifest.map(manifestLine));
}

/** Manifest lines (manifestLine) split into nodes under MAX_NODE_BYTES each, in order. */
function chunksOfLines(lines: readonly string[]): Buffer[] {
  const chunks: Buffer[] = [];
  let current: string[] = [];
  let size = 2;
  const flush = () => {
    if (current.length) chunks.push(Buffer.from(`[${current.join(',')}]`, 'utf8'));
    current = [];
    size = 2;
  };
  for (const line of lines) {
    const bytes = Buffer.byteLength(line) + 1;
    if (size + bytes > MAX_NODE_BYTES) flush();
    current.push(line);
    size += bytes;
  }
  flush();
  return chunks.length ? chunks : [Buffer.from('[]', 'utf8')];
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
  const objects: (SnapshotObject & { bodyJson: string })[] = [];
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
    objects.push({
      kind: o.kind,
      name: o.name,
      uuid: o.uuid,
      body: o.body,
      bodyJson: canonicalJson(o.body ?? null),
    });
  }
  objects.sort(compareObjects);
  const encoded = objects.map(encodeWithBody);
  encoded.forEach((bytes, i) => {
    if (bytes.length > MAX_NODE_BYTES) {
      const o = objects[i] as SnapshotObject;
      throw new InvalidInputError(
        `${o.kind} ${JSON.stringify(o.name)} is ${bytes.length} bytes as JSON; one registry node holds at most ${MAX_NODE_BYTES}`,
      );
    }
  });
  const manifest = objects.map((o, i) => ({
    kind: o.kind,
    name: o.name,
    uuid: o.uuid,
    hash: objectHash(encoded[i] as Buffer),
  }));
  // Already sorted as manifestContentHash sorts it: its hash, from the lines the nodes are made of.
  const lines = manifest.map(manifestLine);
  const hash = hashOfLines(lines);
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
    layout: SNAPSHOT_LAYOUT,
  };
  return {
    id,
    contentHash: hash,
    meta,
    // Read back through canonical JSON, as a reader will read them; only when asked for (the
    // registry writes `encoded`).
    get objects() {
      return objects.map(({ kind, name, uuid, bodyJson }) => ({
        kind,
        name,
        uuid,
        body: JSON.parse(bodyJson) as Json,
      }));
    },
    encoded,
    manifest,
    manifestChunks: chunksOfLines(lines),
  };
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

/**
 * Throws SnapshotTamperedError unless `objects` are exactly what `pointer` promises; `legacy` for a
 * snapshot written before objects were shared (its hash covers the objects whole).
 */
export function verifySnapshot(
  pointer: SnapshotPointer,
  objects: readonly SnapshotObject[],
  legacy = false,
): SnapshotObject[] {
  const sorted = [...objects].sort(compareObjects);
  const actual = legacy ? legacyContentHash(sorted) : snapshotContentHash(sorted);
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
