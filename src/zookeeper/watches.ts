// One watcher function per client. The binding allocates a native callback per registration and
// never frees it: a fresh closure per registration grew ~50 MB per 20,000 registrations, one shared
// function grows little. Watches are one-shot and the same path registered twice fires twice, so we
// remember what is armed (path + kind) and register a path again only after its watch fired.
import { EVENT, type RawWatcher } from './binding.js';

export type WatchKind = 'data' | 'children';
export type WatchEventType = 'created' | 'deleted' | 'changed' | 'children';
export interface WatchEvent {
  type: WatchEventType;
  path: string;
}
export type WatchListener = (event: WatchEvent) => void;

const TYPES = new Map<number, WatchEventType>([
  [EVENT.CREATED, 'created'],
  [EVENT.DELETED, 'deleted'],
  [EVENT.CHANGED, 'changed'],
  [EVENT.CHILD, 'children'],
]);

export class WatchTable {
  private readonly armed = new Set<string>();
  private readonly listeners = new Set<WatchListener>();

  /** The shared watcher handed to every aw_* call of this client. */
  readonly watcher: RawWatcher = (type, _state, path) => {
    // -1: session events (disconnect, reconnect) reach every pending watcher; the connection
    // state is reported separately, and the watch itself stays armed across a reconnect.
    if (type === EVENT.SESSION) return;
    if (type === EVENT.NOTWATCHING) {
      this.disarm('data', path);
      this.disarm('children', path);
      return;
    }
    const eventType = TYPES.get(type);
    if (eventType === undefined) return;
    // Which registration fired follows from the event: a deletion ends both kinds.
    if (eventType === 'children') this.disarm('children', path);
    else this.disarm('data', path);
    if (eventType === 'deleted') this.disarm('children', path);
    for (const listener of [...this.listeners]) listener({ type: eventType, path });
  };

  isArmed(kind: WatchKind, path: string): boolean {
    return this.armed.has(key(kind, path));
  }

  /** Marks a registration; returns false when one is already armed (do not register again). */
  arm(kind: WatchKind, path: string): boolean {
    const k = key(kind, path);
    if (this.armed.has(k)) return false;
    this.armed.add(k);
    return true;
  }

  disarm(kind: WatchKind, path: string): void {
    this.armed.delete(key(kind, path));
  }

  get armedCount(): number {
    return this.armed.size;
  }

  /** A dead session has no watches left. */
  clear(): void {
    this.armed.clear();
  }

  on(listener: WatchListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function key(kind: WatchKind, path: string): string {
  return `${kind}\u0000${path}`;
}
