// The registry an apply writes through: every write first runs the apply's fence (the lock is ours
// on the session that took it, the deadline has not passed), in this one place, so no bookkeeping is
// written by an apply that no longer holds the lock (a registry that rebuilt its session after an
// expiry included: the fence checks the lock's own session, which is gone).
import type { Registry } from './registry.js';

export function fencedRegistry(inner: Registry, fence: () => Promise<void>): Registry {
  const fenced =
    <A extends unknown[], R>(write: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await fence();
      return write(...args);
    };
  return {
    publishSnapshot: fenced((...a: Parameters<Registry['publishSnapshot']>) => inner.publishSnapshot(...a)),
    writeSnapshot: fenced((...a: Parameters<Registry['writeSnapshot']>) => inner.writeSnapshot(...a)),
    repoint: fenced((...a: Parameters<Registry['repoint']>) => inner.repoint(...a)),
    pruneSnapshots: fenced((...a: Parameters<Registry['pruneSnapshots']>) => inner.pruneSnapshots(...a)),
    recordApplied: fenced((...a: Parameters<Registry['recordApplied']>) => inner.recordApplied(...a)),
    forgetApplied: fenced((...a: Parameters<Registry['forgetApplied']>) => inner.forgetApplied(...a)),
    appendHistory: fenced((...a: Parameters<Registry['appendHistory']>) => inner.appendHistory(...a)),
    writeDriftFindings: fenced((...a: Parameters<Registry['writeDriftFindings']>) =>
      inner.writeDriftFindings(...a),
    ),
    readPointer: () => inner.readPointer(),
    readCurrent: () => inner.readCurrent(),
    listSnapshots: () => inner.listSnapshots(),
    readApplied: () => inner.readApplied(),
    readAppliedState: (options) => inner.readAppliedState(options),
    readDriftFindings: () => inner.readDriftFindings(),
    readHistory: (...a) => inner.readHistory(...a),
    readLockHolder: () => inner.readLockHolder(),
    ...(inner.peekLock ? { peekLock: () => inner.peekLock!() } : {}),
    acquireLock: (...a) => inner.acquireLock(...a),
    forceUnlock: () => inner.forceUnlock(),
    close: () => inner.close(),
  };
}
