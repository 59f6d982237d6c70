// Reads that leave a watch behind, all with the client's one shared watcher (watches.ts). A path
// already armed is read without registering again: its pending watch will still fire.
import type { RawStat } from './binding.js';
import type { ZkConnection } from './connection.js';
import { isZkError } from './errors.js';
import { toStat, type ZkStat } from './stat.js';
import type { WatchEvent, WatchTable } from './watches.js';

export interface NextEvent {
  promise: Promise<WatchEvent | 'timeout' | 'dead'>;
  cancel(): void;
}

interface PlainReads {
  tryGet(path: string): Promise<{ data: Buffer; stat: ZkStat } | null>;
  stat(path: string): Promise<ZkStat | null>;
  children(path: string): Promise<string[]>;
}

export class WatchedReads {
  constructor(
    private readonly conn: ZkConnection,
    private readonly watches: WatchTable,
    private readonly plain: PlainReads,
  ) {}

  async get(path: string): Promise<{ data: Buffer; stat: ZkStat } | null> {
    if (!this.watches.arm('data', path)) return this.plain.tryGet(path);
    try {
      const [stat, data] = await this.conn.request<[RawStat, Buffer | null]>('get', path, (cb) =>
        this.conn.raw.aw_get(path, this.watches.watcher, cb),
      );
      return { data: data ?? Buffer.alloc(0), stat: toStat(stat) };
    } catch (err) {
      this.watches.disarm('data', path); // w_get on a missing node leaves no watch
      return nullOnNoNode(err);
    }
  }

  async stat(path: string): Promise<ZkStat | null> {
    if (!this.watches.arm('data', path)) return this.plain.stat(path);
    try {
      const [stat] = await this.conn.request<[RawStat | null]>('exists', path, (cb) =>
        this.conn.raw.aw_exists(path, this.watches.watcher, cb),
      );
      return stat ? toStat(stat) : null;
    } catch (err) {
      if (isZkError(err, 'NONODE')) return null; // the server keeps an exists watch on a missing node
      this.watches.disarm('data', path);
      throw err;
    }
  }

  async children(path: string): Promise<string[] | null> {
    if (!this.watches.arm('children', path)) return this.plain.children(path).catch(nullOnNoNode);
    try {
      const [children] = await this.conn.request<[string[]]>('children', path, (cb) =>
        this.conn.raw.aw_get_children(path, this.watches.watcher, cb),
      );
      return children;
    } catch (err) {
      this.watches.disarm('children', path);
      return nullOnNoNode(err);
    }
  }

  nextEvent(path: string, timeoutMs: number): NextEvent {
    let finish: (value: WatchEvent | 'timeout' | 'dead') => void = () => {};
    const promise = new Promise<WatchEvent | 'timeout' | 'dead'>((resolve) => (finish = resolve));
    const offWatch = this.watches.on((e) => e.path === path && done(e));
    const offState = this.conn.onState(() => this.conn.dead && done('dead'));
    const timer = setTimeout(() => done('timeout'), Math.max(0, timeoutMs));
    const done = (value: WatchEvent | 'timeout' | 'dead') => {
      clearTimeout(timer);
      offWatch();
      offState();
      finish(value);
    };
    if (this.conn.dead) done('dead');
    return { promise, cancel: () => done('timeout') };
  }
}

export function nullOnNoNode(err: unknown): null {
  if (isZkError(err, 'NONODE')) return null;
  throw err;
}
