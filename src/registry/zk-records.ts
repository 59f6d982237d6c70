// Applied state (what the tool owns) and apply history.
import { isZkError, mapLimit } from '../zookeeper/index.js';
import { AppliedSchema, HistorySchema, decode, encode } from './codec.js';
import { checkApplied, checkHistory, compareApplied } from './inputs.js';
import { sequenceOf } from './paths.js';
import type { AppliedRecord, HistoryEntry, HistoryInput } from './registry.js';
import type { ZkContext } from './zk-context.js';
import { createIfAbsent } from './zk-nodes.js';

export async function readApplied(ctx: ZkContext): Promise<AppliedRecord[]> {
  const zk = await ctx.client();
  const kinds = await zk.children(ctx.paths.applied);
  const paths = (
    await mapLimit(kinds, ctx.inFlight, async (kind) =>
      (await zk.children(`${ctx.paths.applied}/${kind}`).catch(emptyOnNoNode)).map(
        (u) => `${ctx.paths.applied}/${kind}/${u}`,
      ),
    )
  ).flat();
  const records = await mapLimit(paths, ctx.inFlight, async (path) => {
    const node = await zk.tryGet(path);
    return node && decode(path, node.data, AppliedSchema);
  });
  return records.filter((r) => r !== null).sort(compareApplied);
}

/** Written under the apply lock, so the version check is "any" (-1). */
export async function recordApplied(ctx: ZkContext, record: AppliedRecord): Promise<void> {
  const rec = checkApplied(record);
  const zk = await ctx.client();
  const path = ctx.paths.appliedRecord(rec.kind, rec.uuid);
  await createIfAbsent(zk, ctx.paths.appliedKind(rec.kind), '');
  if (!(await createIfAbsent(zk, path, encode(rec)))) await zk.set(path, encode(rec), -1);
}

export async function forgetApplied(ctx: ZkContext, kind: string, uuid: string): Promise<boolean> {
  try {
    await (await ctx.client()).delete(ctx.paths.appliedRecord(kind, uuid), -1);
    return true;
  } catch (err) {
    if (isZkError(err, 'NONODE')) return false;
    throw err;
  }
}

/** Appends as a persistent sequential node, then trims to the newest `keep`. */
export async function appendHistory(
  ctx: ZkContext,
  entry: HistoryInput,
  keep: number,
): Promise<HistoryEntry> {
  const clean = checkHistory(entry);
  const zk = await ctx.client();
  const created = await zk.create(`${ctx.paths.history}/h-`, encode(clean), { mode: 'sequential' });
  const names = await historyNames(ctx);
  await mapLimit(names.slice(keep), ctx.inFlight, (name) =>
    zk.delete(`${ctx.paths.history}/${name}`, -1).catch(emptyOnNoNode),
  );
  return { ...clean, seq: sequenceOf(created) ?? -1 };
}

/** Newest first. */
export async function readHistory(ctx: ZkContext, limit?: number): Promise<HistoryEntry[]> {
  const zk = await ctx.client();
  const names = (await historyNames(ctx)).slice(0, limit);
  const entries = await mapLimit(names, ctx.inFlight, async (name) => {
    const path = `${ctx.paths.history}/${name}`;
    const node = await zk.tryGet(path);
    return node && { ...decode(path, node.data, HistorySchema), seq: sequenceOf(name) ?? -1 };
  });
  return entries.filter((e) => e !== null);
}

/** History node names, newest first. */
async function historyNames(ctx: ZkContext): Promise<string[]> {
  const names = (await (await ctx.client()).children(ctx.paths.history)).filter((n) => /^h-\d{10}$/.test(n));
  return names.sort((a, b) => (sequenceOf(b) ?? 0) - (sequenceOf(a) ?? 0));
}

function emptyOnNoNode(err: unknown): never[] {
  if (isZkError(err, 'NONODE')) return [];
  throw err;
}
