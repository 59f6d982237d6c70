import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { DriftFinding } from '../drift/types.js';
import { computeDrift } from '../drift/compute.js';
import { snapshotHashes } from '../engine/drift-run.js';
import { ATTRIBUTE_OPTIONS, toAppliedEntry } from '../engine/plan-run.js';
import type { ResolvedEnvironment } from '../environment/resolve.js';
import { readLive } from '../live/read-live.js';
import type { AnyDesired } from '../model/object.js';
import { desiredEntry } from '../plan/desired.js';
import type { AppliedEntry, DesiredEntry } from '../plan/types.js';
import type { Registry } from '../registry/registry.js';
import type { ObjectKind } from '../schema/index.js';
import type { SupersetPort } from '../superset/port.js';
import { ZkClient } from '../zookeeper/index.js';
import { evaluateChanged, evaluateDeleted } from './evaluate.js';
import { Health, type HealthState } from './health.js';
import { LeaderElection } from './leader.js';
import { SupersetPoller } from './poller.js';
import { TreeCache, type TreeChange } from './tree-cache.js';
import { desiredFromSnapshot } from './snapshot-objects.js';

export type AgentEvent = { event: string; level?: 'debug' | 'info' | 'warn' | 'error' } & Record<
  string,
  unknown
>;

export interface AgentOptions {
  env: ResolvedEnvironment;
  port: SupersetPort;
  registry: Registry;
  /** Desired objects from git, used until the registry has a snapshot. */
  gitObjects: readonly AnyDesired[];
  intervalMs: number;
  /** Re-apply desired state for drifted objects (leader only); returns how many were healed. */
  heal?: (targets: string[]) => Promise<number>;
  log: (event: AgentEvent) => void;
  healthFile?: string;
  healthPort?: number;
}

type Task = 'reload' | 'check' | 'poll';

/**
 * The long-running agent. It keeps a watched cache of the environment's ZooKeeper tree (a change is
 * reported as soon as its watch fires), polls Superset incrementally when it leads, writes drift
 * findings to the registry and, with --heal, re-applies drifted objects. Work runs one task at a time;
 * tasks asked for while one runs are merged into one re-run, and a failed task is logged, never fatal.
 */
export class WatchAgent {
  readonly id = randomUUID();
  private zk: ZkClient | undefined;
  private tree: TreeCache;
  private election: LeaderElection | undefined;
  private poller: SupersetPoller;
  private health: Health;
  private timer: NodeJS.Timeout | undefined;
  private queued = new Set<Task>();
  private running: Promise<void> | undefined;
  private stopping = false;
  private desired = new Map<string, DesiredEntry>();
  private objects = new Map<string, AnyDesired>();
  private applied = new Map<string, AppliedEntry>();
  private findings = new Map<string, DriftFinding[]>();
  private snapshotId: string | null = null;
  private stats: Omit<HealthState, 'agent' | 'environment' | 'pid' | 'leader' | 'findings'> = {
    state: 'starting',
    startedAt: new Date().toISOString(),
    lastPollAt: null,
    lastZkEventAt: null,
    polls: 0,
    sessionRebuilds: 0,
  };

  constructor(private readonly options: AgentOptions) {
    const root = options.env.zookeeper.root;
    this.tree = new TreeCache(
      root,
      (path) => this.scope(path),
      (c) => this.onTreeChange(c),
      (e) => this.fail('zk-watch', e),
    );
    this.poller = new SupersetPoller(options.port, () => new Map([...this.watchedKinds()]));
    this.health = new Health(
      () => ({
        agent: this.id,
        environment: options.env.name,
        pid: process.pid,
        leader: this.isLeader,
        findings: this.findingList().length,
        ...this.stats,
      }),
      options.healthFile,
    );
  }

  get isLeader(): boolean {
    return this.election?.isLeader ?? false;
  }

  findingList(): DriftFinding[] {
    return [...this.findings.values()].flat();
  }

  async start(): Promise<void> {
    if (this.options.healthPort !== undefined) {
      const port = await this.health.listen(this.options.healthPort);
      this.log({ event: 'health-listening', url: `http://127.0.0.1:${port}/health` });
    }
    await this.reload();
    await this.openSession();
    this.stats.state = 'running';
    this.timer = setInterval(() => this.schedule('poll'), this.options.intervalMs);
    this.health.write();
    this.log({
      event: 'started',
      leader: this.isLeader,
      intervalMs: this.options.intervalMs,
      znodes: this.tree.size,
    });
  }

  private async openSession(): Promise<void> {
    const { zookeeper } = this.options.env;
    const zk = await ZkClient.connect({
      connect: zookeeper.connect,
      sessionTimeoutMs: zookeeper.sessionTimeoutMs,
      ...(zookeeper.auth
        ? { auth: { user: zookeeper.auth.username, password: zookeeper.auth.password.reveal() } }
        : {}),
    });
    this.zk = zk;
    zk.onState((state) => {
      this.log({ event: 'zk-state', state, level: state === 'connected' ? 'info' : 'warn' });
      if (zk.dead && !this.stopping && this.zk === zk) void this.recover();
    });
    await this.tree.rebuild(zk);
    this.election = new LeaderElection(
      zk,
      `${zookeeper.root}/agents`,
      this.id,
      { host: hostname(), pid: process.pid, agent: this.id, since: new Date().toISOString() },
      (leader) => this.onLeadership(leader),
    );
    await this.election.join();
  }

  /** A new session after expiry: rejoin the election and re-read the tree; what changed meanwhile is reported. */
  private async recover(): Promise<void> {
    this.stats.state = 'recovering';
    this.log({ event: 'session-expired', level: 'warn' });
    for (let attempt = 1; !this.stopping; attempt++) {
      try {
        await this.openSession();
        this.stats.sessionRebuilds++;
        this.stats.state = 'running';
        this.log({ event: 'session-rebuilt', attempt, znodes: this.tree.size, leader: this.isLeader });
        this.schedule('reload');
        return;
      } catch (e) {
        this.fail('session-rebuild', e as Error);
        await sleep(Math.min(10_000, 500 * attempt));
      }
    }
  }

  /** The parts of the tree worth watching: not our own findings, not old snapshots' objects. */
  private scope(path: string): { data: boolean; descend: boolean } {
    const rel = path.slice(this.options.env.zookeeper.root.length);
    // Findings are what this agent writes itself; watching them would report our own writes.
    if (rel === '/drift' || rel.startsWith('/drift/')) return { data: false, descend: false };
    if (rel === '/history' || rel === '/snapshots' || rel === '/lock' || rel === '/agents')
      return { data: false, descend: true };
    if (rel.startsWith('/history/')) return { data: false, descend: false };
    if (rel.startsWith('/snapshots/')) {
      const id = rel.split('/')[2];
      return { data: true, descend: id === this.snapshotId };
    }
    return { data: true, descend: true };
  }

  private onTreeChange(change: TreeChange): void {
    this.stats.lastZkEventAt = new Date().toISOString();
    const rel = change.path.slice(this.options.env.zookeeper.root.length) || '/';
    this.log({
      event: 'zk-change',
      path: change.path,
      type: change.type,
      ...(change.version !== undefined ? { version: change.version } : {}),
    });
    if (
      rel === '/current' ||
      rel.startsWith('/applied') ||
      (this.snapshotId && rel.startsWith(`/snapshots/${this.snapshotId}/`))
    )
      this.schedule('reload');
  }

  private onLeadership(leader: boolean): void {
    this.log({ event: leader ? 'leader-elected' : 'standing-by', leader });
    this.health.write();
    if (leader) this.schedule('check');
  }

  schedule(task: Task): void {
    if (this.stopping) return;
    this.queued.add(task);
    this.running ??= this.drain().finally(() => (this.running = undefined));
  }

  private async drain(): Promise<void> {
    while (this.queued.size) {
      const order: Task[] = ['reload', 'check', 'poll'];
      const task = order.find((t) => this.queued.has(t)) as Task;
      this.queued.delete(task);
      try {
        if (task === 'reload') {
          await this.reload();
          if (this.isLeader) this.queued.add('check');
        } else if (!this.isLeader) continue;
        else if (task === 'check') await this.fullCheck();
        else await this.poll();
      } catch (e) {
        this.fail(task, e as Error);
      }
    }
  }

  /** Desired state from the registry's current snapshot (git until there is one), and the applied state. */
  private async reload(): Promise<void> {
    const { registry } = this.options;
    const current = await registry.readCurrent().catch((e: Error) => {
      this.record('registry', [{ ...registryFinding(this.options.env.name, e.message) }]);
      return undefined;
    });
    if (current !== undefined) this.findings.delete('registry');
    if (current) {
      this.snapshotId = current.pointer.snapshotId;
      this.setDesired(desiredFromSnapshot(current.objects));
    } else if (current === null) this.setDesired([...this.options.gitObjects]);
    this.applied = new Map(
      (await registry.readApplied()).flatMap((r) => toAppliedEntry(r) ?? []).map((a) => [a.uuid, a]),
    );
    if (this.zk && this.snapshotId)
      await this.tree.resync(`${this.options.env.zookeeper.root}/snapshots/${this.snapshotId}`);
  }

  private setDesired(objects: AnyDesired[]): void {
    this.objects = new Map(objects.map((o) => [o.uuid, o]));
    this.desired = new Map(objects.map((o) => [o.uuid, desiredEntry(o, ATTRIBUTE_OPTIONS)]));
  }

  private *watchedKinds(): Iterable<[string, ObjectKind]> {
    for (const d of this.desired.values()) yield [d.uuid, d.kind];
    for (const a of this.applied.values()) yield [a.uuid, a.kind];
  }

  /** Leader start (and after a registry change): the one-shot drift check, then polls from now on. */
  private async fullCheck(): Promise<void> {
    const desired = [...this.desired.values()];
    const applied = [...this.applied.values()];
    await this.poller.baseline();
    const live = await readLive(this.options.port, desired, applied, ATTRIBUTE_OPTIONS);
    const report = computeDrift({
      environment: this.options.env.name,
      now: new Date().toISOString(),
      gitCommit: null,
      desired,
      snapshot: await snapshotHashes(this.options.registry),
      applied,
      live: live.entries,
    });
    const registry = this.findings.get('registry');
    this.findings = new Map();
    if (registry) this.findings.set('registry', registry);
    for (const f of report.findings)
      this.findings.set(f.uuid || f.name, [...(this.findings.get(f.uuid || f.name) ?? []), f]);
    this.log({ event: 'check', findings: report.findings.length, counts: report.counts });
    for (const f of report.findings) if (f.where !== 'unmanaged') this.log({ event: 'drift', ...f });
    await this.publish();
    await this.heal();
  }

  private async poll(): Promise<void> {
    const started = Date.now();
    const { changed, deleted, listCalls } = await this.poller.poll();
    const now = new Date().toISOString();
    const known = { desired: this.desired, applied: this.applied };
    let dirty = false;
    for (const { kind, row } of changed) {
      const found = await evaluateChanged(
        this.options.env.name,
        this.options.port,
        kind,
        row,
        known,
        ATTRIBUTE_OPTIONS,
        now,
      );
      dirty = this.record(row.uuid, found) || dirty;
    }
    for (const { uuid } of deleted)
      dirty = this.record(uuid, evaluateDeleted(this.options.env.name, uuid, known, now)) || dirty;
    this.stats.polls++;
    this.stats.lastPollAt = now;
    this.log({
      event: 'poll',
      changed: changed.length,
      deleted: deleted.length,
      listCalls,
      ms: Date.now() - started,
      level: 'info',
    });
    this.health.write();
    if (dirty) {
      await this.publish();
      await this.heal();
    }
  }

  /** Replaces the findings of one object; logs the new ones. Returns whether anything changed. */
  private record(key: string, found: DriftFinding[]): boolean {
    const before = JSON.stringify((this.findings.get(key) ?? []).map(stable));
    const after = JSON.stringify(found.map(stable));
    if (before === after) return false;
    if (found.length) this.findings.set(key, found);
    else this.findings.delete(key);
    if (!found.length) this.log({ event: 'drift-resolved', key });
    for (const f of found) this.log({ event: f.where === 'unmanaged' ? 'unmanaged' : 'drift', ...f });
    return true;
  }

  private async publish(): Promise<void> {
    await this.options.registry.writeDriftFindings(this.findingList() as never);
    this.health.write();
  }

  private async heal(): Promise<void> {
    if (!this.options.heal || !this.isLeader) return;
    const targets = [
      ...new Set(
        this.findingList()
          .filter((f) => f.where === 'superset' || f.where === 'missing')
          .map((f) => `${f.kind}/${f.name}`),
      ),
    ];
    if (!targets.length) return;
    this.log({ event: 'heal-start', targets });
    const healed = await this.options.heal(targets);
    this.log({ event: 'heal-done', healed });
    this.queued.add('check');
  }

  private log(event: AgentEvent): void {
    this.options.log({
      time: new Date().toISOString(),
      level: 'info',
      environment: this.options.env.name,
      agent: this.id.slice(0, 8),
      ...event,
    });
  }

  private fail(where: string, error: Error): void {
    if (this.stopping) return; // requests cut short by our own close
    this.log({ event: 'error', level: 'error', where, message: error.message });
  }

  /** Stops cleanly: no new work, the running task finishes, leadership and sessions end. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stats.state = 'stopping';
    if (this.timer) clearInterval(this.timer);
    await this.running;
    await this.election?.leave();
    this.tree.stop();
    this.zk?.close();
    this.health.write();
    await this.health.close();
    this.log({ event: 'stopped' });
  }

  /** Desired objects by uuid (for heal). */
  desiredObjects(): AnyDesired[] {
    return [...this.objects.values()];
  }
}

function stable(f: DriftFinding): unknown {
  return { ...f, detectedAt: undefined };
}

function registryFinding(environment: string, message: string): DriftFinding {
  return {
    environment,
    kind: 'registry',
    name: 'current',
    uuid: '',
    attribute: null,
    expected: null,
    actual: null,
    where: 'zookeeper',
    detectedAt: new Date().toISOString(),
    changedBy: null,
    changedOn: null,
    message,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
