import { createHash } from 'node:crypto';
import type { ZkClient } from '../zookeeper/index.js';

export interface TreeChange {
  path: string;
  type: 'created' | 'changed' | 'deleted';
  version?: number;
}

interface CachedNode {
  version: number;
  digest: string;
  children: string[];
}

/** Which parts of the tree to follow: a path's data, and whether to descend into its children. */
export type TreeScope = (path: string) => { data: boolean; descend: boolean };

/**
 * A cache of a ZooKeeper subtree kept current by one-shot watches that are re-armed on every event.
 * Across a reconnect the client restores its watches; after a session expiry the owner calls
 * `rebuild` with a new client, which re-reads the tree and reports every difference, so nothing
 * that happened while the session was gone is missed.
 */
export class TreeCache {
  private nodes = new Map<string, CachedNode>();
  private client: ZkClient | undefined;
  private offWatch: (() => void) | undefined;

  constructor(
    private readonly root: string,
    private readonly scope: TreeScope,
    private readonly emit: (change: TreeChange) => void,
    private readonly onError: (error: Error) => void = () => {},
  ) {}

  get size(): number {
    return this.nodes.size;
  }

  paths(): string[] {
    return [...this.nodes.keys()];
  }

  /** Reads the whole tree with a new client; differences from what was cached are emitted. */
  async rebuild(client: ZkClient): Promise<void> {
    this.offWatch?.();
    this.client = client;
    this.offWatch = client.onWatch((event) => {
      void this.refresh(event.path).catch((e: unknown) => this.onError(e as Error));
    });
    const before = this.nodes;
    const after = new Map<string, CachedNode>();
    await this.load(this.root, after);
    this.nodes = after;
    if (before.size === 0) return;
    for (const [path, node] of after) {
      const old = before.get(path);
      if (!old) this.emit({ path, type: 'created', version: node.version });
      else if (old.digest !== node.digest) this.emit({ path, type: 'changed', version: node.version });
    }
    for (const path of before.keys()) if (!after.has(path)) this.emit({ path, type: 'deleted' });
  }

  private async load(path: string, into: Map<string, CachedNode>): Promise<void> {
    const client = this.client;
    if (!client) return;
    const scope = this.scope(path);
    const node = scope.data ? await client.getWatched(path) : null;
    const stat = node?.stat ?? (await client.statWatched(path));
    if (!stat) return;
    const children = scope.descend ? ((await client.childrenWatched(path)) ?? []) : [];
    into.set(path, { version: stat.version, digest: digest(node?.data, stat.version), children });
    await Promise.all(children.map((child) => this.load(joinPath(path, child), into)));
  }

  /** Re-reads one node (after its watch fired, or when its scope widened) and emits what changed below it. */
  async resync(path: string): Promise<void> {
    await this.refresh(path);
  }

  private async refresh(path: string): Promise<void> {
    const client = this.client;
    if (!client) return;
    if (!this.nodes.has(path)) {
      await this.appear(path);
      return;
    }
    const scope = this.scope(path);
    const old = this.nodes.get(path);
    const node = scope.data ? await client.getWatched(path) : null;
    const stat = node?.stat ?? (await client.statWatched(path));
    if (!stat) {
      this.drop(path);
      return;
    }
    const children = scope.descend ? ((await client.childrenWatched(path)) ?? []) : [];
    const next: CachedNode = { version: stat.version, digest: digest(node?.data, stat.version), children };
    this.nodes.set(path, next);
    if (old && old.digest !== next.digest) this.emit({ path, type: 'changed', version: next.version });
    const known = new Set(old?.children ?? []);
    for (const child of children) if (!known.has(child)) await this.appear(joinPath(path, child));
    for (const child of old?.children ?? []) if (!children.includes(child)) this.drop(joinPath(path, child));
  }

  private async appear(path: string): Promise<void> {
    const added = new Map<string, CachedNode>();
    await this.load(path, added);
    for (const [p, node] of added) {
      if (!this.nodes.has(p)) this.emit({ path: p, type: 'created', version: node.version });
      this.nodes.set(p, node);
    }
  }

  private drop(path: string): void {
    for (const p of [...this.nodes.keys()]) {
      if (p === path || p.startsWith(`${path}/`)) {
        this.nodes.delete(p);
        this.emit({ path: p, type: 'deleted' });
      }
    }
  }

  stop(): void {
    this.offWatch?.();
    this.client = undefined;
  }
}

function digest(data: Buffer | undefined, version: number): string {
  return data ? createHash('sha1').update(data).digest('hex') : `v${version}`;
}

function joinPath(parent: string, child: string): string {
  return parent === '/' ? `/${child}` : `${parent}/${child}`;
}
