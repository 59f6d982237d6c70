// The `current` pointer: one znode, moved with a version-checked set (compare-and-set). Snapshots
// are immutable and complete before the pointer names them, so a reader that reads the pointer
// once sees a whole snapshot, this one or the previous one, never a mix.
import { isZkError, type ZkClient, type ZkStat } from '../zookeeper/index.js';
import { PointerSchema, decode, encode, type SnapshotMeta } from './codec.js';
import { CorruptNodeError, PointerConflictError, RegistryError } from './errors.js';
import type { PointerOptions, SnapshotPointer } from './registry.js';
import { pointerFor } from './snapshot.js';
import type { ZkContext } from './zk-context.js';

const MAX_ATTEMPTS = 10;

export interface VersionedPointer {
  pointer: SnapshotPointer | null;
  stat: ZkStat | null;
}

export async function readPointerNode(zk: ZkClient, path: string): Promise<VersionedPointer> {
  const node = await zk.tryGet(path);
  if (!node) return { pointer: null, stat: null };
  if (node.data.length === 0) return { pointer: null, stat: node.stat };
  return { pointer: decode(path, node.data, PointerSchema), stat: node.stat };
}

/**
 * The pointer before a move. A corrupt pointer (edited by hand) must not block a legitimate apply
 * forever: an unconditional move overwrites it (drift reported it when it was read); a move that
 * expects a particular snapshot refuses.
 */
async function pointerBeforeMove(
  zk: ZkClient,
  path: string,
  conditional: boolean,
): Promise<VersionedPointer> {
  try {
    return await readPointerNode(zk, path);
  } catch (err) {
    if (conditional || !(err instanceof CorruptNodeError)) throw err;
    return { pointer: null, stat: (await zk.tryGet(path))?.stat ?? null };
  }
}

export async function movePointer(
  ctx: ZkContext,
  meta: SnapshotMeta,
  options: PointerOptions,
): Promise<SnapshotPointer> {
  const path = ctx.paths.current;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const zk = await ctx.client();
    const { pointer: before, stat } = await pointerBeforeMove(zk, path, options.expectCurrent !== undefined);
    const actual = before?.snapshotId ?? null;
    if (options.expectCurrent !== undefined && options.expectCurrent !== actual) {
      throw new PointerConflictError(options.expectCurrent, actual);
    }
    const next = pointerFor(meta, ctx.now().toISOString());
    try {
      if (stat) await zk.set(path, encode(next), stat.version);
      else await zk.create(path, encode(next));
      return next;
    } catch (err) {
      // Someone moved it between our read and our write: read again, decide again.
      if (!isZkError(err, 'BADVERSION', 'NODEEXISTS', 'NONODE')) throw err;
    }
  }
  throw new RegistryError(
    'registry.pointer-conflict',
    `could not move ${path} in ${MAX_ATTEMPTS} attempts: other writers keep moving it; retry later`,
  );
}
