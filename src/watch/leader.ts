import { mkdirp, type ZkClient } from '../zookeeper/index.js';

const SEQ = /-agent-(\d+)$/;
const seqOf = (name: string) => Number(SEQ.exec(name)?.[1] ?? Number.MAX_SAFE_INTEGER);

/**
 * Leader election, the ZooKeeper recipe: every agent creates an ephemeral sequential node; the lowest
 * leads, each other agent watches only the node just before its own. A dead leader's node goes with
 * its session and the next agent takes over. Leadership is given up at once on a disconnect.
 */
export class LeaderElection {
  private node: string | undefined;
  private leading = false;
  /** The first outcome is reported either way: a standby says so once it has joined. */
  private reported = false;
  private watching: string | undefined;
  private offs: (() => void)[] = [];

  constructor(
    private readonly client: ZkClient,
    private readonly dir: string,
    private readonly id: string,
    private readonly info: Record<string, unknown>,
    private readonly onChange: (leader: boolean) => void,
    private readonly onError: (error: Error) => void = () => {},
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  async join(): Promise<void> {
    await mkdirp(this.client, this.dir);
    this.node = await this.client.create(`${this.dir}/${this.id}-agent-`, JSON.stringify(this.info), {
      mode: 'ephemeral_sequential',
      acl: true,
    });
    this.offs.push(
      this.client.onWatch((e) => {
        if (e.path === this.watching && e.type === 'deleted') this.recheck();
      }),
      this.client.onState((state) => {
        if (state === 'connected') this.recheck();
        else this.set(false);
      }),
    );
    await this.check();
  }

  /**
   * Reads the election again and says whether this agent leads. The binding does not always report
   * a lost connection as a state change, so the agent asks before acting: a request that fails means
   * it does not lead (not now), and a later call that succeeds restores what is true.
   */
  async confirm(): Promise<boolean> {
    try {
      await this.check();
    } catch {
      this.set(false);
    }
    return this.leading;
  }

  /** A check from an event: on a failure (the connection dropped meanwhile) it is tried again. */
  private recheck(): void {
    this.check().catch((e: unknown) => {
      this.set(false);
      this.onError(e as Error);
      if (!this.client.dead && this.offs.length) setTimeout(() => this.recheck(), 1000).unref();
    });
  }

  private async check(): Promise<void> {
    if (!this.node || this.client.dead) return this.set(false);
    const mine = this.node.slice(this.dir.length + 1);
    const children = (await this.client.children(this.dir)).sort((a, b) => seqOf(a) - seqOf(b));
    if (!children.includes(mine)) return this.set(false); // our node is gone: the session ended
    const before = children.filter((c) => seqOf(c) < seqOf(mine));
    if (before.length === 0) return this.set(true);
    this.set(false);
    this.watching = `${this.dir}/${before[before.length - 1]}`;
    // If the predecessor vanished between children() and the watch, look again.
    if ((await this.client.statWatched(this.watching)) === null) await this.check();
  }

  private set(leader: boolean): void {
    if (leader === this.leading && this.reported) return;
    this.leading = leader;
    this.reported = true;
    this.onChange(leader);
  }

  /** Who leads now, as the agents wrote it into their nodes. */
  async leaderInfo(): Promise<Record<string, unknown> | null> {
    const children = (await this.client.children(this.dir)).sort((a, b) => seqOf(a) - seqOf(b));
    const first = children[0];
    if (!first) return null;
    const node = await this.client.tryGet(`${this.dir}/${first}`);
    try {
      return node ? (JSON.parse(node.data.toString('utf8')) as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }

  async leave(): Promise<void> {
    for (const off of this.offs) off();
    this.offs = [];
    this.set(false);
    if (this.node && !this.client.dead) await this.client.delete(this.node, -1).catch(() => undefined);
  }
}
