import { createHash } from 'node:crypto';
import type { ZkClient, ZkStat } from '../zookeeper/index.js';

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

/**
 * Which parts of the tree to follow: a path's data (otherwise only its stat), whether to descend into
 * its children; null leaves the path and everything below it out.
 */
export type TreeScope = (path: string) => { data: boolean; descend: boolean } | null;

/**
 * A cache of a ZooKeeper subtree kept current by one-shot watches that are re-armed on every event.
 * Across a reconnect the client restores its watches; a re-read the disconnect cut short is made
 * good by reading the whole tree again (already armed paths are not registered twice) and reporting
 * the differences. After a session expiry the owner calls `rebuild` with a new client, which does
 * the same, so nothing that happened while the session was gone is missed.
 */
export class TreeCache {
  private nodes = new Map<string, CachedNode>();
  private loaded = false;
  private retrying = false;
  private client: ZkClient | undefined;
  private offs: (() => void)[] = [];

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

  /** Follows the tree with a (new) client: reads it whole; differences from the cache are emitted. */
  async rebuild(client: ZkClient): Promise<void> {
    if (client !== this.client) {
      this.stop();
      this.client = client;
      this.offs.push(
        client.onWatch((event) => {
          this.refresh(event.path).catch((e: unknown) => this.retry(client, e as Error));
        }),
      );
    }
    await this.sync();
  }

  /**
   * A re-read cut short by a lost connection leaves its path unwatched, and the binding does not
   * always report the reconnect: read the whole tree again until that works (or the session dies).
   */
  private retry(client: ZkClient, error: Error, attempt = 1): void {
    if (client !== this.client || client.dead) return;
    if (attempt === 1) this.onError(error);
    if (this.retrying && attempt === 1) return;
    this.retrying = true;
    const again = setTimeout(
      () => {
        if (client !== this.client || client.dead) return void (this.retrying = false);
        this.sync().then(
          () => void (this.retrying = false),
          (e: unknown) => this.retry(client, e as Error, attempt + 1),
        );
      },
      Math.min(5000, 250 * attempt),
    );
    again.unref();
  }

  /** Reads the whole tree; the first read is the baseline, later ones report what differs. */
  private async sync(): Promise<void> {
    const before = this.nodes;
    const after = new Map<string, CachedNode>();
    await this.load(this.root, after);
    this.nodes = after;
    if (!this.loaded) {
      this.loaded = true;
      return;
    }
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
    if (!scope) return;
    const { node, stat } = await this.read(client, path, scope.data);
    if (!stat) return;
    const children = scope.descend ? ((await client.childrenWatched(path)) ?? []) : [];
    into.set(path, { version: stat.version, digest: digest(node?.data, stat), children });
    await Promise.all(children.map((child) => this.load(joinPath(path, child), into)));
  }

  /**
   * Reads the subtree below `path` again after its scope widened (the agent follows a new snapshot):
   * what is found there is cached, not reported, since nothing changed, the cache just looks further.
   */
  async widen(path: string): Promise<void> {
    if (!this.client || !this.nodes.has(path)) return;
    const added = new Map<string, CachedNode>();
    await this.load(path, added);
    for (const [p, node] of added) this.nodes.set(p, node);
  }

  private async refresh(path: string): Promise<void> {
    const client = this.client;
    if (!client) return;
    if (!this.nodes.has(path)) {
      await this.appear(path);
      return;
    }
    const scope = this.scope(path);
    if (!scope) return this.drop(path);
    const old = this.nodes.get(path);
    const { node, stat } = await this.read(client, path, scope.data);
    if (!stat) {
      this.drop(path);
      return;
    }
    const children = scope.descend ? ((await client.childrenWatched(path)) ?? []) : [];
    const next: CachedNode = { version: stat.version, digest: digest(node?.data, stat), children };
    this.nodes.set(path, next);
    if (old && old.digest !== next.digest) this.emit({ path, type: 'changed', version: next.version });
    const known = new Set(old?.children ?? []);
    for (const child of children) if (!known.has(child)) await this.appear(joinPath(path, child));
    for (const child of old?.children ?? []) if (!children.includes(child)) this.drop(joinPath(path, child));
  }

  /**
   * A node's data (or only its stat), leaving a watch. A missing node read with getWatched leaves no
   * watch: its parent's children watch sees it come back. The root has no parent here, so an exists
   * watch waits for it.
   */
  private async read(client: ZkClient, path: string, data: boolean) {
    const node = data ? await client.getWatched(path) : null;
    const stat = data && (node || path !== this.root) ? (node?.stat ?? null) : await client.statWatched(path);
    return { node, stat };
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
    for (const off of this.offs.splice(0)) off();
    this.client = undefined;
  }
}

/** Every write counts, even one that stores the same bytes again: the stat's zxids say so. */
function digest(data: Buffer | undefined, stat: ZkStat): string {
  const hash = data ? createHash('sha1').update(data).digest('hex') : '';
  return `${stat.czxid}:${stat.mzxid}:${hash}`;
}

function joinPath(parent: string, child: string): string {
  return parent === '/' ? `/${child}` : `${parent}/${child}`;
}
