// Drift findings: the same shape as snapshots, smaller. A new generation drift/<gen>/f-<i> is
// written whole, then the `drift` node (the pointer) names it with a compare-and-set, then older
// generations go. Readers follow the pointer, so they see one whole set.
import { randomBytes } from 'node:crypto';
import { contentHash, type Json } from '../model/canonical.js';
import { deleteTree, isZkError, mapLimit } from '../zookeeper/index.js';
import { DriftPointerSchema, decode, decodeJson, encode, type DriftPointer } from './codec.js';
import { CorruptNodeError, InvalidInputError } from './errors.js';
import { MAX_NODE_BYTES } from './snapshot.js';
import type { ZkContext } from './zk-context.js';

export async function writeDriftFindings(ctx: ZkContext, findings: Json[]): Promise<void> {
  if (!Array.isArray(findings)) throw new InvalidInputError('drift findings must be an array');
  const encoded = findings.map((f, i) => {
    const bytes = encode(f);
    if (bytes.length > MAX_NODE_BYTES)
      throw new InvalidInputError(`drift finding ${i} is ${bytes.length} bytes`);
    return bytes;
  });
  const zk = await ctx.client();
  const generation = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  const dir = `${ctx.paths.drift}/${generation}`;
  await zk.create(dir, '');
  await mapLimit(encoded, ctx.inFlight, (bytes, i) => zk.create(`${dir}/${findingName(i)}`, bytes));
  const parsed = encoded.map((b) => JSON.parse(b.toString('utf8')) as Json);
  const pointer: DriftPointer = {
    generation,
    count: findings.length,
    contentHash: contentHash(parsed),
    writtenAt: ctx.now().toISOString(),
  };
  for (;;) {
    const node = await zk.get(ctx.paths.drift);
    try {
      await zk.set(ctx.paths.drift, encode(pointer), node.stat.version);
      break;
    } catch (err) {
      if (!isZkError(err, 'BADVERSION')) throw err; // another writer: the last one wins, whole
    }
  }
  const old = (await zk.children(ctx.paths.drift)).filter((g) => g !== generation);
  for (const g of old) await deleteTree(zk, `${ctx.paths.drift}/${g}`);
}

export async function readDriftFindings(ctx: ZkContext): Promise<Json[]> {
  for (let attempt = 0; ; attempt++) {
    const zk = await ctx.client();
    const node = await zk.get(ctx.paths.drift);
    if (node.data.length === 0) return [];
    const pointer = decode(ctx.paths.drift, node.data, DriftPointerSchema);
    const dir = `${ctx.paths.drift}/${pointer.generation}`;
    try {
      const names = Array.from({ length: pointer.count }, (_, i) => `${dir}/${findingName(i)}`);
      const findings = await mapLimit(names, ctx.inFlight, async (p) =>
        decodeJson(p, (await zk.get(p)).data),
      );
      const extra = (await zk.children(dir)).length - pointer.count;
      if (extra !== 0 || contentHash(findings) !== pointer.contentHash) {
        throw new CorruptNodeError(dir, 'drift findings do not match the hash and count in their pointer');
      }
      return findings;
    } catch (err) {
      // Replaced by a newer generation while we read: read the new one.
      if (!isZkError(err, 'NONODE') || attempt >= 3) throw err;
    }
  }
}

function findingName(index: number): string {
  return `f-${String(index).padStart(6, '0')}`;
}
