// A held apply lock. It is lost (and says why) when the session expires or closes, when we stay
// disconnected longer than the session timeout (the server will have expired us by then), or when
// our node is deleted (force-unlock). The owner should stop applying at once when that happens.
import { isZkError, type ZkClient } from '../zookeeper/index.js';
import type { LockHandle, LockHolder } from './registry.js';

export function lockHandle(zk: ZkClient, path: string, sequence: number, holder: LockHolder): LockHandle {
  const listeners: Array<(reason: string) => void> = [];
  let lost = false;
  let released = false;
  let disconnectTimer: NodeJS.Timeout | undefined;

  const lose = (reason: string) => {
    if (lost || released) return;
    lost = true;
    stop();
    for (const listener of listeners) listener(reason);
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
    else if (state === 'disconnected') {
      const ms = zk.sessionTimeoutMs;
      disconnectTimer = setTimeout(() => lose(`disconnected from ZooKeeper for longer than ${ms} ms`), ms);
    } else if (state === 'connected') clearTimeout(disconnectTimer);
  });
  const stop = () => {
    clearTimeout(disconnectTimer);
    offWatch();
    offState();
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
