// The apply lock of MemoryRegistry: a FIFO of contenders, the first one holds. Same contract as
// the ZooKeeper recipe: increasing fencing sequence, typed timeout naming the holder, force-unlock
// makes holders lost and waiters fail, and closing a registry (its "session") releases its locks.
import { LockLostError, LockTimeoutError } from '../../src/registry/errors.js';
import type { LockHandle, LockHolder, LockHolderInfo } from '../../src/registry/registry.js';

interface Contender {
  info: LockHolderInfo;
  owner: object;
  wake: () => void;
  lose: (reason: string) => void;
}

export class MemoryLock {
  private queue: Contender[] = [];
  private counter = 0;
  /** Contenders added and removed so far (ZooKeeper's cversion of the lock folder). */
  private changes = 0;

  peek(): { contenders: number; changes: number } {
    return { contenders: this.queue.length, changes: this.changes };
  }

  holder(): LockHolderInfo | null {
    return this.queue[0] ? { ...this.queue[0].info } : null;
  }

  async acquire(owner: object, holder: LockHolder, timeoutMs: number): Promise<LockHandle> {
    const started = Date.now();
    const lostListeners: Array<(reason: string) => void> = [];
    const state = { lost: false, released: false, reason: '' };
    let wake: () => void = () => {};
    const me: Contender = {
      info: { ...holder, sequence: this.counter++ },
      owner,
      wake: () => wake(),
      lose: (reason) => {
        if (state.lost || state.released) return;
        state.lost = true;
        state.reason = reason;
        lostListeners.forEach((l) => l(reason));
        wake();
      },
    };
    this.queue.push(me);
    this.changes += 1;
    while (this.queue[0] !== me) {
      if (state.lost) throw new LockLostError(state.reason);
      const remaining = timeoutMs - (Date.now() - started);
      const woken = remaining > 0 && (await this.sleep(remaining, (w) => (wake = w)));
      if (state.lost) throw new LockLostError(state.reason);
      if (!woken && this.queue[0] !== me) {
        this.remove(me);
        throw new LockTimeoutError(this.holder(), Date.now() - started);
      }
    }
    const remove = () => this.remove(me);
    return {
      sequence: me.info.sequence,
      holder: { ...holder },
      get lost() {
        return state.lost;
      },
      onLost: (listener) => void lostListeners.push(listener),
      fence: async () => {
        await Promise.resolve();
        if (state.lost) throw new LockLostError(state.reason);
        if (state.released) throw new LockLostError('released');
      },
      release: async () => {
        state.released = true;
        remove();
        await Promise.resolve();
      },
    };
  }

  /** Removes everyone; returns who they were. */
  forceUnlock(): LockHolderInfo[] {
    const removed = this.queue;
    this.queue = [];
    this.changes += removed.length;
    removed.forEach((c) => c.lose('removed by force-unlock'));
    return removed.map((c) => ({ ...c.info }));
  }

  /** A closed registry is a dead session: its contenders go away. */
  releaseOwner(owner: object): void {
    const mine = this.queue.filter((c) => c.owner === owner);
    mine.forEach((c) => {
      this.remove(c);
      c.lose('registry closed (session ended)');
    });
  }

  private remove(c: Contender): void {
    const wasFirst = this.queue[0] === c;
    if (this.queue.includes(c)) this.changes += 1;
    this.queue = this.queue.filter((x) => x !== c);
    if (wasFirst) this.queue[0]?.wake();
  }

  private sleep(ms: number, setWake: (w: () => void) => void): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      setWake(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
