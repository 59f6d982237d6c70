// Desired snapshots in ZooKeeper: one immutable znode per object under snapshots/<id>, a meta node
// marked complete once every object is written, then the pointer moves (zk-pointer.ts).
import { deleteTree, isZkError, mapLimit, type ZkClient } from '../zookeeper/index.js';
import { SnapshotMetaSchema, decode, decodeObject, encode, type SnapshotMeta } from './codec.js';
import { CorruptNodeError, SnapshotNotFoundError } from './errors.js';
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
    await writeObjects(ctx, zk, prepared);
    await markComplete(zk, metaPath);
  }
  return { prepared, created };
}

async function writeObjects(ctx: ZkContext, zk: ZkClient, prepared: rules.PreparedSnapshot): Promise<void> {
  const kinds = [...new Set(prepared.objects.map((o) => o.kind))];
  await mapLimit(kinds, ctx.inFlight, (kind) =>
    createIfAbsent(zk, ctx.paths.snapshotKind(prepared.id, kind), ''),
  );
  await mapLimit(prepared.objects, ctx.inFlight, async (o, i) => {
    const path = ctx.paths.snapshotObject(prepared.id, o.kind, o.name, o.uuid);
    const data = prepared.encoded[i] as Buffer;
    if (await createIfAbsent(zk, path, data)) return;
    const node = await zk.get(path); // already there (an earlier attempt): it must hold the same bytes
    if (!node.data.equals(data)) await zk.set(path, data, node.stat.version);
  });
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

/** All objects of the snapshot `pointer` names, checked against its content hash. */
async function readVerified(
  ctx: ZkContext,
  zk: ZkClient,
  pointer: SnapshotPointer,
): Promise<SnapshotObject[]> {
  const id = pointer.snapshotId;
  const metaPath = ctx.paths.snapshot(id);
  const metaNode = await zk.tryGet(metaPath);
  if (!metaNode) throw new SnapshotNotFoundError(id, 'the registry names it but it is gone');
  const meta = decode(metaPath, metaNode.data, SnapshotMetaSchema);
  if (!meta.complete) throw new CorruptNodeError(metaPath, 'named by the pointer but not marked complete');
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
    return rules.verifySnapshot(pointer, objects);
  } catch (err) {
    if (isZkError(err, 'NONODE')) throw new SnapshotNotFoundError(id, 'deleted while being read');
    throw err;
  }
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
  const metaNode = await (await ctx.client()).get(ctx.paths.snapshot(target.id));
  const meta = decode(ctx.paths.snapshot(target.id), metaNode.data, SnapshotMetaSchema);
  // Never point at a snapshot that no longer matches its own hash.
  await readVerified(ctx, await ctx.client(), rules.pointerFor(meta, ctx.now().toISOString()));
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
  return deleted;
}
