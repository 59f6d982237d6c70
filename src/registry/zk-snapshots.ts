// Desired snapshots in ZooKeeper: a meta node, then the snapshot's manifest, then the objects not
// stored yet (each stored once under objects/, named by the hash of its bytes, shared by every
// snapshot that has it), then the meta marked complete; then the pointer moves (zk-pointer.ts). Snapshots written before
// objects were shared keep one znode per object under snapshots/<id>, and are read as they were.
// Every write and prune of snapshots runs under the apply lock, so a prune never removes an object
// that a snapshot being written is about to name.
import { mapLimit } from '../util/map-limit.js';
import { deleteTree, isZkError, type ZkClient } from '../zookeeper/index.js';
import {
  ManifestSchema,
  SnapshotMetaSchema,
  decode,
  decodeObject,
  encode,
  type SnapshotMeta,
} from './codec.js';
import { CorruptNodeError, SnapshotNotFoundError, SnapshotTamperedError } from './errors.js';
import * as rules from './snapshot.js';
import type {
  PointerOptions,
  PublishResult,
  Snapshot,
  SnapshotInfo,
  SnapshotInput,
  SnapshotObject,
  WrittenSnapshot,
} from './registry.js';
import type { SnapshotPointer } from './registry.js';
import type { ZkContext } from './zk-context.js';
import { movePointer, readPointerNode } from './zk-pointer.js';
import { createIfAbsent } from './zk-nodes.js';

export async function publishSnapshot(
  ctx: ZkContext,
  input: SnapshotInput,
  options: PointerOptions,
  keep: number,
): Promise<PublishResult> {
  const { prepared, created } = await writeComplete(ctx, input);
  const pointer = await movePointer(ctx, { ...prepared.meta, complete: true }, options);
  const pruned = await pruneSnapshots(ctx, keep);
  return { snapshotId: prepared.id, contentHash: prepared.contentHash, created, pointer, pruned };
}

/** Writes a snapshot whole and marks it complete; `current` stays where it is. */
export async function writeSnapshot(ctx: ZkContext, input: SnapshotInput): Promise<WrittenSnapshot> {
  const { prepared, created } = await writeComplete(ctx, input);
  return { snapshotId: prepared.id, contentHash: prepared.contentHash, created };
}

async function writeComplete(
  ctx: ZkContext,
  input: SnapshotInput,
): Promise<{ prepared: rules.PreparedSnapshot; created: boolean }> {
  const prepared = rules.prepareSnapshot(input);
  const zk = await ctx.client();
  const metaPath = ctx.paths.snapshot(prepared.id);
  const existing = await zk.tryGet(metaPath);
  const meta = existing ? decode(metaPath, existing.data, SnapshotMetaSchema) : null;
  if (meta && meta.contentHash !== prepared.contentHash) {
    throw new CorruptNodeError(metaPath, `content hash ${meta.contentHash} does not match the snapshot id`);
  }
  let created = false;
  if (!meta?.complete) {
    // Absent, or left incomplete by a publisher that died or is still writing: (re)write it all.
    created = await createIfAbsent(zk, metaPath, encode(prepared.meta));
    // The manifest before the objects: a prune that reads it keeps what this snapshot will name.
    await mapLimit(prepared.manifestChunks, ctx.inFlight, (data, i) =>
      writeExactly(zk, ctx.paths.snapshotManifest(prepared.id, i), data),
    );
    await writeSharedObjects(ctx, zk, prepared);
    await markComplete(zk, metaPath);
  }
  return { prepared, created };
}

/** Creates `path` with `data`; if it is there already (an earlier attempt), it is made to hold `data`. */
async function writeExactly(zk: ZkClient, path: string, data: Buffer): Promise<void> {
  if (await createIfAbsent(zk, path, data)) return;
  const node = await zk.get(path);
  if (!node.data.equals(data)) await zk.set(path, data, node.stat.version);
}

/** The names of a folder's children; none when it does not exist. */
async function childrenOrNone(zk: ZkClient, path: string): Promise<string[]> {
  try {
    return await zk.children(path);
  } catch (err) {
    if (isZkError(err, 'NONODE')) return [];
    throw err;
  }
}

/** The paths of the object nodes stored in the folders `dirs` (objects/<kind>), one children call each. */
async function storedObjects(ctx: ZkContext, zk: ZkClient, dirs: readonly string[]): Promise<Set<string>> {
  const names = await mapLimit(dirs, ctx.inFlight, async (dir) =>
    (await childrenOrNone(zk, dir)).map((name) => `${dir}/${name}`),
  );
  return new Set(names.flat());
}

/** The objects/<kind> folders of the kinds in a manifest. */
function kindDirs(ctx: ZkContext, manifest: readonly rules.ManifestEntry[]): string[] {
  return [...new Set(manifest.map((m) => m.kind))].map((kind) => ctx.paths.objectKind(kind));
}

/**
 * Writes the objects no earlier snapshot stored: one children call per kind says which are there
 * (their names are their hashes, so a node that is there holds these bytes, unless someone rewrote
 * it; a read of the snapshot checks every object's bytes against its name).
 */
async function writeSharedObjects(
  ctx: ZkContext,
  zk: ZkClient,
  prepared: rules.PreparedSnapshot,
): Promise<void> {
  const present = await storedObjects(ctx, zk, kindDirs(ctx, prepared.manifest));
  const missing = prepared.manifest
    .map((m, i) => ({ path: ctx.paths.sharedObject(m.kind, m.name, m.uuid, m.hash), kind: m.kind, i }))
    .filter(({ path }) => !present.has(path));
  for (const kind of new Set(missing.map((m) => m.kind))) {
    const dir = ctx.paths.objectKind(kind);
    if (await zk.exists(dir)) continue;
    if (!(await zk.exists(ctx.paths.objects))) await createIfAbsent(zk, ctx.paths.objects, '');
    await createIfAbsent(zk, dir, '');
  }
  await mapLimit(missing, ctx.inFlight, ({ path, i }) =>
    createIfAbsent(zk, path, prepared.encoded[i] as Buffer),
  );
}

async function markComplete(zk: ZkClient, metaPath: string): Promise<void> {
  for (;;) {
    const node = await zk.get(metaPath);
    const meta = decode(metaPath, node.data, SnapshotMetaSchema);
    if (meta.complete) return;
    try {
      await zk.set(metaPath, encode({ ...meta, complete: true }), node.stat.version);
      return;
    } catch (err) {
      if (!isZkError(err, 'BADVERSION')) throw err; // a concurrent publisher of the same id: look again
    }
  }
}

export async function readPointer(ctx: ZkContext): Promise<SnapshotPointer | null> {
  return (await readPointerNode(await ctx.client(), ctx.paths.current)).pointer;
}

export async function readCurrent(ctx: ZkContext): Promise<Snapshot | null> {
  for (let attempt = 0; ; attempt++) {
    const zk = await ctx.client();
    const { pointer, stat } = await readPointerNode(zk, ctx.paths.current);
    if (!pointer || !stat) return null;
    try {
      return { pointer, objects: await readVerified(ctx, zk, pointer) };
    } catch (err) {
      if (!(err instanceof SnapshotNotFoundError) || attempt >= 3) throw err;
      // Pruned while we read it: fine if the pointer has moved on since, then read the new one.
      const again = await readPointerNode(zk, ctx.paths.current);
      if (again.stat?.version === stat.version) throw err;
    }
  }
}

/** The complete meta of snapshot `id`, or why the pointer may not name it. */
async function completeMeta(ctx: ZkContext, zk: ZkClient, id: string): Promise<SnapshotMeta> {
  const metaPath = ctx.paths.snapshot(id);
  const metaNode = await zk.tryGet(metaPath);
  if (!metaNode) throw new SnapshotNotFoundError(id, 'the registry names it but it is gone');
  const meta = decode(metaPath, metaNode.data, SnapshotMetaSchema);
  if (!meta.complete) throw new CorruptNodeError(metaPath, 'named by the pointer but not marked complete');
  return meta;
}

/** The manifest of a layout-2 snapshot, its nodes in order. */
async function readManifest(ctx: ZkContext, zk: ZkClient, id: string): Promise<rules.ManifestEntry[]> {
  const metaPath = ctx.paths.snapshot(id);
  const names = (await zk.children(metaPath)).filter((n) => n.startsWith('manifest-')).sort();
  const chunks = await mapLimit(names, ctx.inFlight, async (name) => {
    const path = `${metaPath}/${name}`;
    return decode(path, (await zk.get(path)).data, ManifestSchema);
  });
  return chunks.flat();
}

/** All objects of the snapshot `pointer` names, checked against its content hash. */
async function readVerified(
  ctx: ZkContext,
  zk: ZkClient,
  pointer: SnapshotPointer,
): Promise<SnapshotObject[]> {
  const id = pointer.snapshotId;
  const metaPath = ctx.paths.snapshot(id);
  const meta = await completeMeta(ctx, zk, id);
  if (meta.layout === rules.SNAPSHOT_LAYOUT) return readShared(ctx, zk, pointer);
  try {
    const kinds = await zk.children(metaPath);
    const paths = (
      await mapLimit(kinds, ctx.inFlight, async (kind) =>
        (await zk.children(`${metaPath}/${kind}`)).map((name) => `${metaPath}/${kind}/${name}`),
      )
    ).flat();
    const objects = await mapLimit(paths, ctx.inFlight, async (path) =>
      decodeObject(path, (await zk.get(path)).data),
    );
    return rules.verifySnapshot(pointer, objects, true);
  } catch (err) {
    if (isZkError(err, 'NONODE')) throw new SnapshotNotFoundError(id, 'deleted while being read');
    throw err;
  }
}

/**
 * The objects of a layout-2 snapshot: its manifest, then each object, whose bytes must hash to the
 * hash the manifest (and the node's name) gives; then the manifest against the content hash.
 */
async function readShared(ctx: ZkContext, zk: ZkClient, pointer: SnapshotPointer): Promise<SnapshotObject[]> {
  const id = pointer.snapshotId;
  let manifest: rules.ManifestEntry[];
  try {
    manifest = await readManifest(ctx, zk, id);
  } catch (err) {
    if (isZkError(err, 'NONODE')) throw new SnapshotNotFoundError(id, 'deleted while being read');
    throw err;
  }
  const objects = await mapLimit(manifest, ctx.inFlight, async (m) => {
    const path = ctx.paths.sharedObject(m.kind, m.name, m.uuid, m.hash);
    const node = await zk.tryGet(path);
    if (!node) {
      if (!(await zk.exists(ctx.paths.snapshot(id))))
        throw new SnapshotNotFoundError(id, 'deleted while being read');
      throw new SnapshotTamperedError(id, pointer.contentHash, '0'.repeat(64), `object ${path} is missing`);
    }
    const object = decodeObject(path, node.data);
    const actual = rules.objectHash(node.data);
    if (actual !== m.hash)
      throw new SnapshotTamperedError(id, m.hash, actual, `object ${path} was rewritten`);
    return object;
  });
  return rules.verifySnapshot(pointer, objects);
}

/**
 * What a shallow repoint checks before it points at a layout-2 snapshot: its manifest gives the
 * content hash, and every object it names is there. The objects' bytes are checked against their
 * names whenever the snapshot is read (readCurrent): rollback, heal and the watch agent read them all.
 */
async function checkShared(ctx: ZkContext, zk: ZkClient, pointer: SnapshotPointer): Promise<void> {
  const id = pointer.snapshotId;
  const manifest = await readManifest(ctx, zk, id);
  const actual = rules.manifestContentHash(manifest);
  if (actual !== pointer.contentHash || manifest.length !== pointer.objectCount) {
    const detail = `${manifest.length} objects in its manifest, pointer says ${pointer.objectCount}`;
    throw new SnapshotTamperedError(id, pointer.contentHash, actual, detail);
  }
  const present = await storedObjects(ctx, zk, kindDirs(ctx, manifest));
  const missing = manifest
    .map((m) => ctx.paths.sharedObject(m.kind, m.name, m.uuid, m.hash))
    .filter((path) => !present.has(path));
  if (missing.length)
    throw new SnapshotTamperedError(id, pointer.contentHash, actual, `object ${missing[0]} is missing`);
}

export async function listSnapshots(ctx: ZkContext): Promise<SnapshotInfo[]> {
  const zk = await ctx.client();
  const currentId = (await readPointerNode(zk, ctx.paths.current)).pointer?.snapshotId;
  const ids = await zk.children(ctx.paths.snapshots);
  const rows = await mapLimit(ids, ctx.inFlight, async (id) => {
    const path = ctx.paths.snapshot(id);
    const node = await zk.tryGet(path);
    if (!node) return null; // pruned meanwhile
    const meta = decode(path, node.data, SnapshotMetaSchema);
    if (meta.id !== id) throw new CorruptNodeError(path, `holds the metadata of snapshot ${meta.id}`);
    return { meta, czxid: node.stat.czxid, ctime: node.stat.ctime };
  });
  return rows
    .filter((r) => r !== null)
    .sort((a, b) => b.czxid - a.czxid)
    .map(({ meta, ctime }) => infoOf(meta, meta.id === currentId, ctime));
}

function infoOf(meta: SnapshotMeta, current: boolean, ctime: number): SnapshotInfo {
  return rules.snapshotInfo(meta, current, new Date(ctime).toISOString());
}

export async function repoint(
  ctx: ZkContext,
  ref: string,
  options: PointerOptions,
): Promise<SnapshotPointer> {
  const target = rules.resolveSnapshotRef(ref, await listSnapshots(ctx));
  const zk = await ctx.client();
  const meta = await completeMeta(ctx, zk, target.id);
  // Never point at a snapshot that no longer matches its own hash.
  const pointer = rules.pointerFor(meta, ctx.now().toISOString());
  if (meta.layout === rules.SNAPSHOT_LAYOUT && options.shallow) await checkShared(ctx, zk, pointer);
  else await readVerified(ctx, zk, pointer);
  return movePointer(ctx, meta, options);
}

/**
 * Deletes all but the newest `keep` snapshots and never the current one. No multi: the pointer is
 * read again just before each deletion, which narrows (does not close) the window against a
 * concurrent repoint; a reader that then finds its snapshot gone gets SnapshotNotFoundError.
 */
export async function pruneSnapshots(ctx: ZkContext, keep: number): Promise<string[]> {
  const doomed = rules.snapshotsToPrune(await listSnapshots(ctx), keep);
  const deleted: string[] = [];
  for (const id of doomed) {
    const zk = await ctx.client();
    if ((await readPointerNode(zk, ctx.paths.current)).pointer?.snapshotId === id) continue;
    await deleteTree(zk, ctx.paths.snapshot(id));
    deleted.push(id);
  }
  if (deleted.length) await collectObjects(ctx, await ctx.client());
  return deleted;
}

/**
 * Deletes the shared objects no snapshot's manifest names any more. It reads every manifest, so it
 * runs only after a prune deleted a snapshot (under the apply lock, as every snapshot write).
 */
async function collectObjects(ctx: ZkContext, zk: ZkClient): Promise<void> {
  const kinds = await childrenOrNone(zk, ctx.paths.objects);
  if (kinds.length === 0) return;
  const named = new Set<string>();
  for (const id of await zk.children(ctx.paths.snapshots)) {
    let manifest: rules.ManifestEntry[];
    try {
      manifest = await readManifest(ctx, zk, id);
    } catch (err) {
      if (isZkError(err, 'NONODE')) continue;
      throw err; // an unreadable manifest: keep every object rather than guess
    }
    for (const m of manifest) named.add(ctx.paths.sharedObject(m.kind, m.name, m.uuid, m.hash));
  }
  const stored = await storedObjects(
    ctx,
    zk,
    kinds.map((kind) => `${ctx.paths.objects}/${kind}`),
  );
  const unnamed = [...stored].filter((path) => !named.has(path));
  await mapLimit(unnamed, ctx.inFlight, async (path) => {
    try {
      await zk.delete(path, -1);
    } catch (err) {
      if (!isZkError(err, 'NONODE')) throw err;
    }
  });
}
