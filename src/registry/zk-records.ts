// Applied state (what the tool owns) and apply history.
import { mapLimit } from '../util/map-limit.js';
import { isZkError, nullOnNoNode } from '../zookeeper/index.js';
import { AppliedSchema, HistorySchema, decode, encode } from './codec.js';
import { checkApplied, checkHistory, compareApplied } from './inputs.js';
import { sequenceOf } from './paths.js';
import type {
  AppliedRecord,
  AppliedState,
  ReadAppliedOptions,
  HistoryEntry,
  HistoryInput,
  UnreadableRecord,
} from './registry.js';
import { CorruptNodeError } from './errors.js';
import { decodeName } from './names.js';
import type { ZkContext } from './zk-context.js';
import { createIfAbsent } from './zk-nodes.js';

export async function readApplied(ctx: ZkContext): Promise<AppliedRecord[]> {
  return (await readAppliedState(ctx)).records;
}

/** Each record on its own: one that does not decode is named, never a failure of the whole read. */
export async function readAppliedState(
  ctx: ZkContext,
  options: ReadAppliedOptions = {},
): Promise<AppliedState> {
  const zk = await ctx.client();
  const kinds = await zk.children(ctx.paths.applied);
  const paths = (
    await mapLimit(kinds, ctx.inFlight, async (kind) =>
      (await zk.children(`${ctx.paths.applied}/${kind}`).catch(emptyOnNoNode)).map((u) => ({
        path: `${ctx.paths.applied}/${kind}/${u}`,
        kind: decodeName(kind),
        uuid: decodeName(u),
      })),
    )
  ).flat();
  const unreadable: UnreadableRecord[] = [];
  const records = await mapLimit(paths, ctx.inFlight, async ({ path, kind, uuid }) => {
    const node = await zk.tryGet(path);
    if (!node) return null; // forgotten meanwhile
    let record: AppliedRecord;
    try {
      record = decode(path, node.data, AppliedSchema);
      if (record.kind !== kind || record.uuid !== uuid)
        throw new CorruptNodeError(
          path,
          `names ${record.kind} ${record.uuid}, not the ${kind} ${uuid} of its path`,
        );
    } catch (err) {
      if (!(err instanceof CorruptNodeError)) throw err;
      unreadable.push({ path, kind, uuid, reason: err.reason });
      return null;
    }
    options.onRecord?.(record);
    return record;
  });
  return { records: records.filter((r) => r !== null).sort(compareApplied), unreadable };
}

/**
 * Written under the apply lock, so the version check is "any" (-1). Most writes replace a record (an
 * update, or the claim a bulk create wrote): one set. A claim (made just before a create: id 0, no
 * hash) is for an object with no record yet, so it is created first; one left by a killed run is
 * found by NODEEXISTS and replaced. A record whose ACL was never set (aversion 0: its create's
 * set_acl never ran) is given ours either way. Its kind's folder is created only when missing.
 */
export async function recordApplied(ctx: ZkContext, record: AppliedRecord): Promise<void> {
  const rec = checkApplied(record);
  const zk = await ctx.client();
  const path = ctx.paths.appliedRecord(rec.kind, rec.uuid);
  const data = encode(rec);
  if (!isClaim(rec)) {
    const replaced = await zk.set(path, data, -1).catch(nullOnNoNode);
    if (replaced) {
      if (replaced.aversion === 0) await zk.ensureAcl(path);
      return;
    }
  }
  let created: boolean;
  try {
    created = await createIfAbsent(zk, path, data);
  } catch (err) {
    if (!isZkError(err, 'NONODE')) throw err;
    await createIfAbsent(zk, ctx.paths.appliedKind(rec.kind), '');
    created = await createIfAbsent(zk, path, data);
  }
  if (!created) await zk.set(path, data, -1); // found: createIfAbsent made its ACL ours
}

function isClaim(record: AppliedRecord): boolean {
  return record.supersetId === 0 && record.hash === '';
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
