import { AccessPoller } from './access-poll.js';
import { randomUUID } from 'node:crypto';
import type { OwnershipSource } from '../engine/plan-run.js';
import { computeDrift } from '../drift/compute.js';
import type { DriftFinding } from '../drift/types.js';
import { attributeOptionsFor } from '../superset-map/attribute-options.js';
import type { AttributeOptions } from '../plan/attributes.js';
import type { ResolvedEnvironment } from '../environment/resolve.js';
import { kindsInUse, readLive } from '../live/read-live.js';
import type { Json } from '../model/canonical.js';
import type { AnyDesired } from '../model/object.js';
import type { Registry } from '../registry/registry.js';
import type { Principals, SupersetPort } from '../superset/port.js';
import { evaluatePoll } from './evaluate.js';
import { FindingBook, groupByKey, type FindingChanges } from './findings.js';
import { healPlan, type Healer } from './heal.js';
import { ProposalDebounce, type Proposer } from './propose.js';
import { Health, type HealthState } from './health.js';
import { SupersetPoller } from './poller.js';
import { RegistryView } from './registry-view.js';
import { agentScope, changesRegistryState } from './scope.js';
import type { TreeChange } from './tree-cache.js';
import { AgentSession } from './zk-session.js';

export type AgentEvent = { event: string; level?: 'debug' | 'info' | 'warn' | 'error' } & Record<
  string,
  unknown
>;

export interface AgentOptions {
  env: ResolvedEnvironment;
  port: SupersetPort;
  registry: Registry;
  /** Verifies applied records (the record key); without it every record counts. */
  trust?: Pick<OwnershipSource, 'secrets' | 'registryRoot'>;
  /** Desired objects from git, used until the registry has a snapshot. */
  gitObjects: readonly AnyDesired[];
  intervalMs: number;
  /** Re-apply desired state for drifted objects (leader only). */
  heal?: Healer;
  /** With heal: also target owned objects the registry no longer wants (the apply deletes them). */
  prune?: boolean;
  /**
   * Propose edits made in Superset as a pull request (leader only), once each edited object has been
   * quiet for `proposeQuietMs` (default five minutes).
   */
  propose?: Proposer;
  proposeQuietMs?: number;
  log: (event: AgentEvent) => void;
  healthFile?: string;
  healthPort?: number;
  /** The address the health port listens on (default 127.0.0.1). */
  healthHost?: string;
}

type Task = 'reload' | 'check' | 'poll' | 'propose';
const TASK_ORDER: Task[] = ['reload', 'check', 'poll', 'propose'];

/**
 * The long-running agent. It keeps a watched cache of the environment's ZooKeeper tree (a change is
 * reported as soon as its watch fires), polls Superset incrementally when it leads, writes drift
 * findings to the registry and, with heal, re-applies drifted objects. Work runs one task at a time;
 * tasks asked for while one runs are merged into one re-run, and a failed task is logged, never fatal.
 */
export class WatchAgent {
  readonly id = randomUUID();
  private readonly session: AgentSession;
  private readonly poller: SupersetPoller;
  private readonly accessPoller: AccessPoller;
  /** Superset's users and roles as the last full check read them (owners are named by username). */
  private principals: Principals | undefined;
  private readonly view: RegistryView;
  /** The environment's attribute options (mark_managed), for desired and live attributes alike. */
  private readonly attributeOptions: AttributeOptions;
  private readonly findings = new FindingBook();
  private readonly health: Health;
  private timer: NodeJS.Timeout | undefined;
  private readonly queued = new Set<Task>();
  private running: Promise<void> | undefined;
  private starting: Promise<void> | undefined;
  private stopping = false;
  private checkedOnce = false;
  /** What the last heal was for: the same differences again mean it did not take. */
  private lastHeal: string | undefined;
  private readonly debounce: ProposalDebounce;
  /** What the last proposal held: the same objects with the same edits are not proposed again. */
  private lastProposal: string | undefined;
  private proposeTimer: NodeJS.Timeout | undefined;
  /** After a failed proposal, the next try waits a minute (GitHub down is not retried every poll). */
  private proposeBackoffUntil = 0;
  private readonly stats: Omit<HealthState, 'agent' | 'environment' | 'pid' | 'leader' | 'findings'> = {
    state: 'starting',
    startedAt: new Date().toISOString(),
    lastPollAt: null,
    lastCheckAt: null,
    lastZkEventAt: null,
    polls: 0,
    sessionRebuilds: 0,
  };

  constructor(private readonly options: AgentOptions) {
    const root = options.env.zookeeper.root;
    this.poller = new SupersetPoller(options.port);
    this.accessPoller = new AccessPoller(options.port);
    this.debounce = new ProposalDebounce(options.proposeQuietMs ?? 300_000);
    this.attributeOptions = attributeOptionsFor(options.env.managed);
    this.view = new RegistryView(options.registry, options.gitObjects, options.trust, this.attributeOptions);
    this.session = new AgentSession(
      options.env,
      this.id,
      agentScope(root, () => this.view.snapshotId),
      {
        change: (c) => this.onTreeChange(c),
        leadership: (leader) => this.onLeadership(leader),
        state: (state) =>
          this.emit({ event: 'zk-state', state, level: state === 'connected' ? 'info' : 'warn' }),
        expired: () => {
          this.stats.state = 'recovering';
          this.writeHealth();
          this.emit({ event: 'session-expired', level: 'warn' });
        },
        rebuilt: (attempt) => {
          this.stats.sessionRebuilds++;
          this.stats.state = 'running';
          this.emit({
            event: 'session-rebuilt',
            attempt,
            znodes: this.session.znodes,
            leader: this.isLeader,
          });
          this.schedule('reload');
        },
        error: (where, e) => this.fail(where, e),
      },
    );
    this.health = new Health(
      () => ({
        agent: this.id,
        environment: options.env.name,
        pid: process.pid,
        leader: this.isLeader,
        findings: this.findings.list().length,
        ...this.stats,
      }),
      options.healthFile,
    );
  }

  get isLeader(): boolean {
    return !this.stopping && this.session.isLeader;
  }

  findingList(): DriftFinding[] {
    return this.findings.list();
  }

  start(): Promise<void> {
    this.starting ??= this.run();
    return this.starting;
  }

  private async run(): Promise<void> {
    this.health.write(); // an unwritable health file fails the start, before anything else
    if (this.options.healthPort !== undefined) {
      const host = this.options.healthHost ?? '127.0.0.1';
      const port = await this.health.listen(this.options.healthPort, host);
      const shown = host.includes(':') ? `[${host}]` : host;
      this.emit({ event: 'health-listening', url: `http://${shown}:${port}/health` });
    }
    await this.reload();
    if (this.stopping) return;
    await this.session.open();
    if (this.stopping) return;
    this.stats.state = 'running';
    this.timer = setInterval(() => this.schedule('poll'), this.options.intervalMs);
    this.writeHealth();
    this.emit({
      event: 'started',
      leader: this.isLeader,
      intervalMs: this.options.intervalMs,
      znodes: this.session.znodes,
    });
  }

  private onTreeChange(change: TreeChange): void {
    this.stats.lastZkEventAt = new Date().toISOString();
    this.emit({
      event: 'zk-change',
      path: change.path,
      type: change.type,
      ...(change.version !== undefined ? { version: change.version } : {}),
    });
    if (changesRegistryState(this.options.env.zookeeper.root, change.path, this.view.snapshotId))
      this.schedule('reload');
  }

  private onLeadership(leader: boolean): void {
    if (this.stopping) return;
    if (!leader) this.poller.reset(); // a later term starts from a fresh check
    this.emit({ event: leader ? 'leader-elected' : 'standing-by', leader });
    this.writeHealth();
    if (leader) this.schedule('check');
  }

  schedule(task: Task): void {
    if (this.stopping) return;
    this.queued.add(task);
    this.running ??= this.drain().finally(() => (this.running = undefined));
  }

  private async drain(): Promise<void> {
    while (this.queued.size && !this.stopping) {
      const task = TASK_ORDER.find((t) => this.queued.has(t)) as Task;
      this.queued.delete(task);
      try {
        if (task === 'reload') {
          if ((await this.reload()) && this.isLeader) this.queued.add('check');
        } else if (!(await this.session.confirmLeader())) continue;
        else if (task === 'propose') await this.propose();
        else if (task === 'check' || !this.poller.ready) await this.fullCheck();
        else await this.poll();
      } catch (e) {
        this.fail(task, e as Error);
      }
    }
  }

  /**
   * Reads the registry again (the desired and applied state); a node that does not read back as
   * written is a finding. Returns whether anything a check depends on changed (a write of the same
   * bytes changes nothing).
   */
  private async reload(): Promise<boolean> {
    const changed = await this.view.reload();
    for (const [name, message] of Object.entries(this.view.problems)) {
      const found = message ? registryFinding(this.options.env.name, name, message) : [];
      this.report(this.findings.set(`registry:${name}`, found));
    }
    if (this.view.snapshotId)
      await this.session.widen(`${this.options.env.zookeeper.root}/snapshots/${this.view.snapshotId}`);
    return changed;
  }

  /** The one-shot drift check (leader start, after a registry change); it seeds the poller. */
  private async fullCheck(): Promise<void> {
    const state = this.view.input();
    const live = await readLive(this.options.port, state.desired, state.applied, this.attributeOptions);
    this.poller.seed(live.listed, kindsInUse(state.desired, state.applied));
    this.accessPoller.seed(live.access);
    this.principals = live.principals;
    const report = computeDrift({
      environment: this.options.env.name,
      now: new Date().toISOString(),
      gitCommit: null,
      ...state,
      live: live.entries,
    });
    const quiet = !this.checkedOnce; // objects nobody manages are counted, not listed, at start
    this.checkedOnce = true;
    const next = groupByKey(report.findings);
    const changes = this.findings.replaceAll(next, (key) => key.startsWith('registry:'));
    this.stats.lastCheckAt = new Date().toISOString();
    this.emit({ event: 'check', findings: report.findings.length, counts: report.counts });
    this.report(changes, quiet);
    await this.publish();
    await this.heal();
    await this.propose();
  }

  private async poll(): Promise<void> {
    const started = Date.now();
    const result = await this.poller.poll();
    const now = new Date().toISOString();
    const known = this.view.known(this.options.env.name);
    // Owners, roles and tags: edits Superset does not stamp with changed_on, so polled on their own.
    const access = await this.accessPoller.poll(known.desired.values(), this.poller.listed());
    for (const c of access.changed)
      if (!result.changed.some((r) => r.row.uuid === c.row.uuid)) result.changed.push(c);
    result.listCalls += access.listCalls;
    const found = await evaluatePoll(
      this.options.port,
      result,
      known,
      () => this.poller.listed(),
      this.attributeOptions,
      now,
      this.principals,
    );
    let dirty = false;
    for (const [uuid, findings] of found) dirty = this.report(this.findings.set(uuid, findings)) || dirty;
    this.stats.polls++;
    this.stats.lastPollAt = now;
    this.writeHealth();
    this.emit({
      event: 'poll',
      changed: result.changed.length,
      deleted: result.deleted.length,
      listCalls: result.listCalls,
      ms: Date.now() - started,
    });
    if (dirty) {
      await this.publish();
      await this.heal();
    }
    await this.propose();
  }

  /**
   * Edits made in Superset, each quiet for the whole period, become the environment's one pull
   * request; an object still being edited waits (a timer wakes the agent when it is due). The same
   * objects with the same edits are not proposed twice.
   */
  private async propose(): Promise<void> {
    const { propose } = this.options;
    if (!propose || !this.isLeader) return;
    const due = this.debounce.due(this.findings.list());
    if (this.proposeTimer) clearTimeout(this.proposeTimer);
    this.proposeTimer = undefined;
    if (due.wakeInMs !== undefined && !this.stopping) {
      this.proposeTimer = setTimeout(() => this.schedule('propose'), due.wakeInMs + 50);
      this.proposeTimer.unref();
    }
    if (!due.targets.length || due.signature === this.lastProposal) return;
    if (Date.now() < this.proposeBackoffUntil) return;
    this.emit({ event: 'propose-start', targets: due.targets });
    const started = Date.now();
    try {
      const outcome = await propose(due.targets);
      // Nothing proposed (the checkout behind, the edits pending in git): looked at again in a minute,
      // not remembered as proposed.
      if (outcome.action === 'nothing') this.proposeBackoffUntil = Date.now() + 60_000;
      else this.lastProposal = due.signature;
      this.emit({
        event: 'propose-done',
        action: outcome.action,
        ...(outcome.url ? { url: outcome.url } : {}),
        objects: outcome.lines,
        ms: Date.now() - started,
      });
    } catch (e) {
      this.lastProposal = undefined;
      this.proposeBackoffUntil = Date.now() + 60_000;
      this.fail('propose', e as Error);
    }
  }

  /** Logs what changed in the findings; returns whether anything did. */
  private report(changes: FindingChanges, quietUnmanaged = false): boolean {
    for (const f of changes.resolved) {
      const { kind, name, uuid, where, attribute } = f;
      this.emit({ event: 'drift-resolved', kind, name, uuid, where, attribute });
    }
    for (const f of changes.added) {
      const unmanaged = f.where === 'unmanaged';
      if (unmanaged && quietUnmanaged) continue;
      this.emit({ event: unmanaged ? 'unmanaged' : 'drift', ...f, level: unmanaged ? 'info' : 'warn' });
    }
    return changes.added.length + changes.resolved.length > 0;
  }

  private async publish(): Promise<void> {
    await this.options.registry.writeDriftFindings(this.findings.list() as unknown as Json[]);
    this.writeHealth();
  }

  /**
   * Owned objects edited or deleted in Superset (and, with prune, owned objects the registry no
   * longer wants) are re-applied from the registry's snapshot. A heal that left the same differences
   * behind is not repeated until they change.
   */
  private async heal(): Promise<void> {
    const { heal, prune } = this.options;
    if (!heal || !this.isLeader || !this.view.published) return;
    const desired = new Set(this.view.desired.keys());
    const plan = healPlan(this.findings.list(), desired, this.view.applied, prune ?? false);
    if (!plan) return void (this.lastHeal = undefined);
    if (plan.signature === this.lastHeal) {
      const reason = 'the last heal left the same differences behind';
      return this.emit({ event: 'heal-skipped', level: 'warn', targets: plan.targets, reason });
    }
    this.lastHeal = plan.signature;
    this.emit({ event: 'heal-start', targets: plan.targets });
    const started = Date.now();
    try {
      const outcome = await heal(plan.targets);
      this.emit({ event: 'heal-done', ...outcome, ms: Date.now() - started });
    } catch (e) {
      this.lastHeal = undefined; // retried on the next change, not in a loop
      return this.fail('heal', e as Error);
    }
    this.queued.add('check');
  }

  private writeHealth(): void {
    try {
      this.health.write();
    } catch (e) {
      this.fail('health-file', e as Error);
    }
  }

  /** One log line: time, level, environment and agent on every event. */
  emit(event: AgentEvent): void {
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
    this.emit({ event: 'error', level: 'error', where, message: error.message });
  }

  /**
   * Stops cleanly: no new work, leadership given up at once (the agent's znode is deleted, so a
   * standby takes over without waiting for a session timeout), the running task finishes, the
   * session ends.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stats.state = 'stopping';
    if (this.timer) clearInterval(this.timer);
    if (this.proposeTimer) clearTimeout(this.proposeTimer);
    this.writeHealth();
    await this.starting?.catch(() => undefined);
    await this.session.leave();
    await this.running;
    this.session.close();
    this.writeHealth();
    await this.health.close();
    this.emit({ event: 'stopped' });
  }
}

function registryFinding(environment: string, name: string, message: string): DriftFinding[] {
  const now = new Date().toISOString();
  const input = { environment, now, gitCommit: null, desired: [], snapshot: null, applied: [], live: [] };
  return computeDrift({ ...input, registryProblems: [{ name, message }] }).findings;
}
