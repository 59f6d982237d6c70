// Drift findings: the same shape as snapshots, smaller. A new generation drift/g-<seq>/f-<i> is
// written whole, then the `drift` node (the pointer) names it with a compare-and-set that only moves
// forward, then older generations go. Readers follow the pointer and read again when the set they
// read was replaced meanwhile, so they see one whole set: the old one or the new one.
import { contentHash, type Json } from '../model/canonical.js';
import { mapLimit } from '../util/map-limit.js';
import { deleteTree, isZkError } from '../zookeeper/index.js';
import { DriftPointerSchema, decode, decodeJson, encode, type DriftPointer } from './codec.js';
import { CorruptNodeError, InvalidInputError } from './errors.js';
import { MAX_NODE_BYTES } from './snapshot.js';
import type { ZkContext } from './zk-context.js';
import { sequenceOf } from './paths.js';

/**
 * Generations are persistent sequential nodes `g-<seq>`: ZooKeeper orders them, whatever the
 * writers' clocks say. Names of another shape (written before) sort first.
 */
export function compareGenerations(a: string, b: string): number {
  return (sequenceOf(a) ?? -1) - (sequenceOf(b) ?? -1) || (a < b ? -1 : a > b ? 1 : 0);
}

/** A writer that died half way leaves a generation nobody points at; it is cleared after this long. */
const ABANDONED_MS = 10 * 60_000;

/**
 * Writes a new generation whole, then moves the pointer to it with a compare-and-set, only forward
 * (a slower writer whose generation is older than the one already named gives up and removes its
 * own), then removes generations older than the named one. A generation newer than the named one
 * may be another writer's, still being written, and is left alone.
 */
export async function writeDriftFindings(ctx: ZkContext, findings: Json[]): Promise<void> {
  if (!Array.isArray(findings)) throw new InvalidInputError('drift findings must be an array');
  const encoded = findings.map((f, i) => {
    const bytes = encode(f);
    if (bytes.length > MAX_NODE_BYTES)
      throw new InvalidInputError(`drift finding ${i} is ${bytes.length} bytes`);
    return bytes;
  });
  const zk = await ctx.client();
  const dir = await zk.create(`${ctx.paths.drift}/g-`, '', { mode: 'sequential' });
  const generation = dir.slice(ctx.paths.drift.length + 1);
  await mapLimit(encoded, ctx.inFlight, (bytes, i) => zk.create(`${dir}/${findingName(i)}`, bytes));
  const parsed = encoded.map((b) => JSON.parse(b.toString('utf8')) as Json);
  const pointer: DriftPointer = {
    generation,
    count: findings.length,
    contentHash: contentHash(parsed),
    writtenAt: ctx.now().toISOString(),
  };
  let named = generation;
  for (;;) {
    const node = await zk.get(ctx.paths.drift);
    const current = node.data.length ? decodePointer(ctx, node.data)?.generation : undefined;
    if (current !== undefined && compareGenerations(current, generation) > 0) {
      named = current; // a newer set is already published: ours is stale
      await deleteTree(zk, dir);
      break;
    }
    try {
      await zk.set(ctx.paths.drift, encode(pointer), node.stat.version);
      break;
    } catch (err) {
      if (!isZkError(err, 'BADVERSION')) throw err; // another writer moved it: look again
    }
  }
  for (const g of await zk.children(ctx.paths.drift)) {
    const order = compareGenerations(g, named);
    if (order === 0) continue;
    const path = `${ctx.paths.drift}/${g}`;
    // Newer than the named set: another writer's, still being written, unless it was left long ago.
    if (order > 0) {
      const stat = await zk.stat(path);
      if (!stat || Date.now() - stat.ctime < ABANDONED_MS) continue;
    }
    await deleteTree(zk, path);
  }
}

function decodePointer(ctx: ZkContext, data: Buffer): DriftPointer | undefined {
  try {
    return decode(ctx.paths.drift, data, DriftPointerSchema);
  } catch {
    return undefined; // a hand-broken pointer is replaced by the next write
  }
}

/**
 * The set the pointer names. A set that does not match its pointer (nodes missing or extra, another
 * hash) while the pointer moved meanwhile was being replaced: read again. One that does not match a
 * pointer that stayed put is corrupt.
 */
export async function readDriftFindings(ctx: ZkContext): Promise<Json[]> {
  for (let attempt = 0; ; attempt++) {
    const zk = await ctx.client();
    const node = await zk.get(ctx.paths.drift);
    if (node.data.length === 0) return [];
    const pointer = decode(ctx.paths.drift, node.data, DriftPointerSchema);
    const dir = `${ctx.paths.drift}/${pointer.generation}`;
    let problem: Error;
    try {
      const names = Array.from({ length: pointer.count }, (_, i) => `${dir}/${findingName(i)}`);
      const findings = await mapLimit(names, ctx.inFlight, async (p) =>
        decodeJson(p, (await zk.get(p)).data),
      );
      const extra = (await zk.children(dir)).length - pointer.count;
      if (extra === 0 && contentHash(findings) === pointer.contentHash) return findings;
      problem = new CorruptNodeError(dir, 'drift findings do not match the hash and count in their pointer');
    } catch (err) {
      if (!isZkError(err, 'NONODE') && !(err instanceof CorruptNodeError)) throw err;
      problem = err;
    }
    const after = await zk.get(ctx.paths.drift);
    const moved = after.stat.version !== node.stat.version;
    if (!moved || attempt >= 20) {
      throw problem instanceof CorruptNodeError
        ? problem
        : new CorruptNodeError(dir, 'drift findings named by their pointer are missing');
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(50, 5 * (attempt + 1))));
  }
}

function findingName(index: number): string {
  return `f-${String(index).padStart(6, '0')}`;
}
