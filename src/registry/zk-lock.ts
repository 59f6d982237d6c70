// The apply lock: the ephemeral-sequential recipe. Each contender creates lock/<uuid>-lock-<seq>
// (the uuid finds our node again after a connection loss), the lowest sequence holds, the others
// watch the node just before theirs. The sequence is the fencing token. A holder that dies
// releases by its session ending; `state unlock` deletes every contender.
import { randomUUID } from 'node:crypto';
import { isZkError, type ZkClient } from '../zookeeper/index.js';
import { HolderSchema, decode, encode } from './codec.js';
import { CorruptNodeError, LockLostError, LockTimeoutError } from './errors.js';
import { checkHolder, checkTimeout } from './inputs.js';
import { sequenceOf } from './paths.js';
import type { AcquireLockOptions, LockHandle, LockHolderInfo, LockPeek } from './registry.js';
import type { ZkContext } from './zk-context.js';
import { lockHandle } from './zk-lock-handle.js';
import { retryOnConnectionLoss } from './zk-nodes.js';

const CONTENDER = /^[0-9a-f-]{36}-lock-\d{10}$/;
class TimedOut extends Error {}

export async function acquireLock(ctx: ZkContext, options: AcquireLockOptions): Promise<LockHandle> {
  const holder = checkHolder(options.holder);
  const timeoutMs = checkTimeout(options.timeoutMs);
  const started = Date.now();
  const zk = await ctx.client(); // the lock lives and dies with this session
  const dir = ctx.paths.lock;
  const name = await createContender(zk, dir, randomUUID(), encode(holder));
  const path = `${dir}/${name}`;
  try {
    for (;;) {
      const queue = await contenders(zk, dir);
      const index = queue.indexOf(name);
      if (index < 0)
        throw new LockLostError('our lock node disappeared while waiting (force-unlock or session end)');
      if (index === 0) break;
      const remaining = timeoutMs - (Date.now() - started);
      if (remaining <= 0) throw new TimedOut();
      const predecessor = `${dir}/${queue[index - 1]}`;
      const next = zk.nextEvent(predecessor, remaining); // listen before arming: no event can slip by
      if ((await zk.getWatched(predecessor)) === null) {
        next.cancel();
        continue;
      }
      if ((await next.promise) === 'dead')
        throw new LockLostError(`ZooKeeper session ${zk.state} while waiting`);
    }
  } catch (err) {
    if (!zk.dead) await zk.delete(path, -1).catch(ignoreNoNode);
    if (err instanceof TimedOut) throw new LockTimeoutError(await holderOf(zk, dir), Date.now() - started);
    throw err;
  }
  return lockHandle(zk, path, sequenceOf(name) ?? -1, holder);
}

async function createContender(zk: ZkClient, dir: string, token: string, data: Buffer): Promise<string> {
  const prefix = `${token}-lock-`;
  let retry = false;
  return retryOnConnectionLoss(async () => {
    // After a connection loss the create may have happened: find it by our token before retrying.
    const mine = retry ? (await zk.children(dir)).find((child) => child.startsWith(prefix)) : undefined;
    retry = true;
    if (mine) return mine;
    const created = await zk.create(`${dir}/${prefix}`, data, { mode: 'ephemeral_sequential' });
    return created.slice(dir.length + 1);
  });
}

/** Contender node names, lowest sequence (the holder) first. */
async function contenders(zk: ZkClient, dir: string): Promise<string[]> {
  const names = (await zk.children(dir)).filter((child) => CONTENDER.test(child));
  return names.sort((a, b) => (sequenceOf(a) ?? 0) - (sequenceOf(b) ?? 0));
}

export async function holderOf(zk: ZkClient, dir: string): Promise<LockHolderInfo | null> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const first = (await contenders(zk, dir))[0];
    if (first === undefined) return null;
    const node = await zk.tryGet(`${dir}/${first}`);
    if (!node) continue; // released between the listing and the read
    return { ...decode(`${dir}/${first}`, node.data, HolderSchema), sequence: sequenceOf(first) ?? -1 };
  }
  return null;
}

export async function peekLock(ctx: ZkContext): Promise<LockPeek> {
  const stat = await (await ctx.client()).stat(ctx.paths.lock);
  if (!stat) throw new CorruptNodeError(ctx.paths.lock, 'the lock folder is missing');
  return { contenders: stat.numChildren, changes: stat.cversion };
}

export async function readLockHolder(ctx: ZkContext): Promise<LockHolderInfo | null> {
  return holderOf(await ctx.client(), ctx.paths.lock);
}

/**
 * Deletes every contender, holder and waiters alike; unreadable ones too. Returns who they were,
 * holder first. Deletes the newest first: were the holder deleted first, the next waiter would
 * take the lock in between.
 */
export async function forceUnlock(ctx: ZkContext): Promise<LockHolderInfo[]> {
  const zk = await ctx.client();
  const removed: LockHolderInfo[] = [];
  for (const name of (await contenders(zk, ctx.paths.lock)).reverse()) {
    const path = `${ctx.paths.lock}/${name}`;
    const node = await zk.tryGet(path);
    if (!node) continue;
    const sequence = sequenceOf(name) ?? -1;
    try {
      removed.push({ ...decode(path, node.data, HolderSchema), sequence });
    } catch (err) {
      if (!(err instanceof CorruptNodeError)) throw err;
      removed.push({ host: `(unreadable: ${err.reason})`, pid: 0, since: '', sequence });
    }
    await zk.delete(path, -1).catch(ignoreNoNode);
  }
  return removed.reverse();
}

function ignoreNoNode(err: unknown): void {
  if (!isZkError(err, 'NONODE')) throw err;
}
