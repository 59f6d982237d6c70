// A held apply lock. As with Curator's recipes, it is lost (and says why) the moment the connection
// is suspended, not when the session is known to be expired: by then ZooKeeper may have handed the
// lock to the next applier. It is also lost when the session expires or closes, or when our node is
// deleted (force-unlock). `fence()` is the check every write makes just before it is sent: not lost,
// and our node still there on this very session, confirmed by a round trip within a bound.
import { isZkError, type ZkClient } from '../zookeeper/index.js';
import { LockLostError } from './errors.js';
import type { LockHandle, LockHolder } from './registry.js';

/** How long a fence check may take: a third of the session timeout, at most 2 s. */
function fenceBoundMs(zk: ZkClient): number {
  return Math.max(200, Math.min(2000, Math.floor(zk.sessionTimeoutMs / 3)));
}

export function lockHandle(zk: ZkClient, path: string, sequence: number, holder: LockHolder): LockHandle {
  const listeners: Array<(reason: string) => void> = [];
  let lost = false;
  let reason = '';
  let released = false;

  const lose = (why: string) => {
    if (lost || released) return;
    lost = true;
    reason = why;
    stop();
    for (const listener of listeners) listener(why);
  };
  const watchOwnNode = () =>
    zk.statWatched(path).then(
      (stat) => stat === null && lose(`lock node ${path} is gone`),
      () => undefined, // the session handlers below report a dead session
    );
  const offWatch = zk.onWatch((e) => {
    if (e.path !== path) return;
    if (e.type === 'deleted') lose(`lock node ${path} was deleted (force-unlock?)`);
    else void watchOwnNode(); // one-shot: arm again
  });
  const offState = zk.onState((state) => {
    if (zk.dead) lose(`ZooKeeper session ${state}`);
    else if (state !== 'connected') lose(`connection to ZooKeeper suspended (${state})`);
  });
  const stop = () => {
    offWatch();
    offState();
  };
  const assertHeld = () => {
    if (released) throw new LockLostError('released');
    if (lost) throw new LockLostError(reason);
    if (zk.dead) {
      lose(`ZooKeeper session ${zk.state}`);
      throw new LockLostError(reason);
    }
  };
  const confirm = async () => {
    const bound = fenceBoundMs(zk);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), bound)),
    );
    try {
      assertHeld(); // lost while the check waited to be sent
      const answer = await Promise.race([zk.stat(path), timeout]);
      if (answer === 'timeout') lose(`ZooKeeper did not confirm the lock within ${bound} ms`);
      else if (answer === null) lose(`lock node ${path} is gone`);
    } catch (err) {
      if (err instanceof LockLostError) throw err;
      lose(`ZooKeeper could not confirm the lock: ${(err as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
    assertHeld();
  };
  // One check on its way at a time. Fences asked for meanwhile share the next check, sent once that
  // one is answered: it is still sent after each of them was asked for and answered before any of
  // their writes goes, as a check of its own would be, and writes in flight need not each add one.
  let sending: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  const fence = async (): Promise<void> => {
    assertHeld();
    if (queued) return queued;
    const check: Promise<void> = (sending ?? Promise.resolve())
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        queued = null;
        sending = check;
        return confirm();
      })
      .finally(() => {
        if (sending === check) sending = null;
      });
    queued = check;
    return check;
  };
  void watchOwnNode();

  return {
    sequence,
    holder: { ...holder },
    get lost() {
      return lost;
    },
    onLost(listener) {
      listeners.push(listener);
    },
    fence,
    async release() {
      if (released) return;
      released = true;
      stop();
      if (zk.dead) return; // the session's end removed the node already
      await zk.delete(path, -1).catch((err: unknown) => {
        if (!isZkError(err, 'NONODE')) throw err;
      });
    },
  };
}
