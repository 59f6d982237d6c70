import { hostname } from 'node:os';
import type { ResolvedEnvironment } from '../environment/resolve.js';
import { ZkClient, type ZkState } from '../zookeeper/index.js';
import { LeaderElection } from './leader.js';
import { TreeCache, type TreeChange, type TreeScope } from './tree-cache.js';

export interface SessionEvents {
  change(change: TreeChange): void;
  leadership(leader: boolean): void;
  state(state: ZkState): void;
  expired(): void;
  rebuilt(attempt: number): void;
  error(where: string, error: Error): void;
}

/**
 * The agent's ZooKeeper side: one session, the watched tree cache and the agent's place in the
 * leader election. When the session expires, a new one is opened (retrying with backoff), the tree
 * is read again with every difference reported, and the agent joins the election anew.
 */
export class AgentSession {
  private zk: ZkClient | undefined;
  private election: LeaderElection | undefined;
  private readonly tree: TreeCache;
  private closed = false;
  private recovering = false;

  constructor(
    private readonly env: ResolvedEnvironment,
    private readonly agentId: string,
    scope: TreeScope,
    private readonly on: SessionEvents,
  ) {
    this.tree = new TreeCache(
      env.zookeeper.root,
      scope,
      (c) => on.change(c),
      (e) => on.error('zk-watch', e),
    );
  }

  get isLeader(): boolean {
    return !this.closed && (this.election?.isLeader ?? false);
  }

  get znodes(): number {
    return this.tree.size;
  }

  /** Asks ZooKeeper again whether this agent leads (a lost connection is not always reported). */
  async confirmLeader(): Promise<boolean> {
    return !this.closed && ((await this.election?.confirm()) ?? false);
  }

  /** Follows a subtree whose scope just widened (a new current snapshot). */
  async widen(path: string): Promise<void> {
    if (this.zk) await this.tree.widen(path);
  }

  async open(): Promise<void> {
    const { zookeeper } = this.env;
    const zk = await ZkClient.connect({
      connect: zookeeper.connect,
      sessionTimeoutMs: zookeeper.sessionTimeoutMs,
      ...(zookeeper.auth
        ? { auth: { user: zookeeper.auth.username, password: zookeeper.auth.password.reveal() } }
        : {}),
    });
    if (this.closed) {
      zk.close(); // stopped while connecting
      return;
    }
    this.zk = zk;
    zk.onState((state) => {
      if (this.closed || this.zk !== zk) return;
      this.on.state(state);
      // Only an expiry is recovered from: `closed` is our own doing, a refused login stays refused.
      if (state === 'expired') void this.recover();
    });
    try {
      await this.tree.rebuild(zk);
      this.election = new LeaderElection(
        zk,
        `${zookeeper.root}/agents`,
        this.agentId,
        { host: hostname(), pid: process.pid, agent: this.agentId, since: new Date().toISOString() },
        (leader) => !this.closed && this.on.leadership(leader),
        (e) => this.on.error('leader-election', e),
      );
      await this.election.join();
    } catch (e) {
      zk.close(); // no half-open session left behind (its election node goes with it)
      throw e;
    }
  }

  private async recover(): Promise<void> {
    if (this.recovering) return; // the loop below is already at it
    this.recovering = true;
    this.on.expired();
    try {
      for (let attempt = 1; !this.closed; attempt++) {
        try {
          await this.open();
          if (this.zk?.dead) continue; // expired again at once: go on
          this.on.rebuilt(attempt);
          return;
        } catch (e) {
          this.on.error('session-rebuild', e as Error);
          // unref: a stop during the wait must not keep the process alive
          await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 500 * attempt)).unref());
        }
      }
    } finally {
      this.recovering = false;
    }
  }

  /** Leaves the election at once (a standby takes over without waiting for a session timeout). */
  async leave(): Promise<void> {
    this.closed = true;
    await this.election?.leave();
  }

  close(): void {
    this.closed = true;
    this.tree.stop();
    this.zk?.close();
  }
}
