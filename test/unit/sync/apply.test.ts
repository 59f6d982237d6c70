import { describe, expect, it } from 'vitest';
import { applyPlan, UPDATE_CONCURRENCY } from '../../../src/apply/apply.js';
import { runPlan } from '../../../src/engine/plan-run.js';
import { runApply } from '../../../src/engine/apply-run.js';
import { object } from './objects.js';
import { MemoryRegistry } from '../../doubles/memory-registry.js';
import { FakePort } from './fake-port.js';
import { fakeServices } from '../../helpers/services.js';

const objects = [
  object('database', 'wh', { sqlalchemy_uri: 'sqlite:////tmp/wh.db' }),
  object('dataset', 'orders', { database: 'wh', metrics: [{ name: 'n', expression: 'COUNT(*)' }] }),
];

async function planAndApply(port: FakePort, registry: MemoryRegistry, all = objects) {
  const services = fakeServices(port, registry);
  const run = await runPlan('test', all, services, { prune: false });
  const outcome = await applyPlan(run.plan, {
    port,
    registry,
    live: run.live,
    desired: new Map(all.map((o) => [o.uuid, o])),
    secrets: () => new Map(),
    commit: 'c0ffee',
  });
  return { plan: run.plan, outcome };
}

describe('applyPlan', () => {
  it('owns a dataset whose POST succeeded and whose PUT failed, so a rerun updates it', async () => {
    const port = new FakePort();
    const registry = new MemoryRegistry();
    port.failNext('update', 'dataset', 'Superset rejected updating dataset "orders" (HTTP 422)');
    const first = await planAndApply(port, registry);
    expect(first.outcome.failed?.change.name).toBe('orders');
    expect(port.writes).toEqual([
      'create database',
      'create dataset',
      expect.stringMatching(/^update dataset/),
    ]);
    const owned = await registry.readApplied();
    expect(owned.map((r) => [r.kind, r.hash === ''])).toEqual(
      expect.arrayContaining([
        ['database', false],
        ['dataset', true], // created, not finished
      ]),
    );

    port.writes.splice(0);
    const second = await planAndApply(port, registry);
    expect(second.plan.changes.find((c) => c.name === 'orders')?.action).toBe('update');
    expect(second.outcome.failed).toBeUndefined();
    expect(port.writes).toEqual([expect.stringMatching(/^update dataset .*metrics/)]);
    const finished = (await registry.readApplied()).find((r) => r.kind === 'dataset');
    expect(finished?.hash).toBe(second.plan.changes.find((c) => c.name === 'orders')?.hash);
  });

  it('records nothing for an object whose create failed, and stops there', async () => {
    const port = new FakePort();
    const registry = new MemoryRegistry();
    port.failNext('create', 'dataset', 'Table could not be found');
    const { outcome } = await planAndApply(port, registry);
    expect(outcome.done.map((c) => c.name)).toEqual(['wh']);
    expect(outcome.failed?.error.message).toBe('Table could not be found');
    expect((await registry.readApplied()).map((r) => r.kind)).toEqual(['database']);
  });
});

describe('applyPlan: a run of chart updates', () => {
  const charts = (rowLimit: number) =>
    Array.from({ length: 10 }, (_, i) =>
      object('chart', `c${i}`, { dataset: 'orders', viz_type: 'table', params: { row_limit: rowLimit } }),
    );

  /** Counts chart updates in flight; each takes a few ms, as a request does. */
  class SlowPort extends FakePort {
    inFlight = 0;
    most = 0;
    started: number[] = [];
    override async update(
      kind: Parameters<FakePort['update']>[0],
      id: number,
      body: Record<string, unknown>,
    ) {
      if (kind !== 'chart') return super.update(kind, id, body);
      this.started.push(id);
      this.inFlight++;
      this.most = Math.max(this.most, this.inFlight);
      await new Promise((r) => setTimeout(r, 5));
      this.inFlight--;
      return super.update(kind, id, body);
    }
  }

  async function updatesOf(port: SlowPort, registry: MemoryRegistry, fail = false) {
    const apply = (all: typeof objects) => planAndApply(port, registry, all);
    await apply([...objects, ...charts(10)]);
    port.most = 0;
    port.started = [];
    if (fail) port.failNext('update', 'chart', 'Superset rejected the chart (HTTP 422)');
    return apply([...objects, ...charts(20)]);
  }

  it(`sends them ${UPDATE_CONCURRENCY} at a time, each once, and records each`, async () => {
    const port = new SlowPort();
    const registry = new MemoryRegistry();
    const { plan, outcome } = await updatesOf(port, registry);
    const chartUpdates = plan.changes.filter((c) => c.action === 'update' && c.kind === 'chart');
    expect(chartUpdates).toHaveLength(10);
    expect(outcome.failed).toBeUndefined();
    expect(outcome.done.filter((c) => c.kind === 'chart')).toHaveLength(10);
    expect(new Set(port.started).size).toBe(10);
    expect(port.most).toBe(UPDATE_CONCURRENCY);
    const records = await registry.readApplied();
    const hashes = new Map(plan.changes.map((c) => [c.uuid, c.hash]));
    for (const r of records.filter((x) => x.kind === 'chart')) expect(r.hash).toBe(hashes.get(r.uuid));
  });

  it('starts none after a failure: those in flight finish, the rest is reported as not done', async () => {
    const port = new SlowPort();
    const registry = new MemoryRegistry();
    const { outcome } = await updatesOf(port, registry, true);
    expect(outcome.failed?.error.message).toBe('Superset rejected the chart (HTTP 422)');
    expect(port.started).toHaveLength(UPDATE_CONCURRENCY);
    expect(outcome.done.filter((c) => c.kind === 'chart')).toHaveLength(UPDATE_CONCURRENCY - 1);
    expect(outcome.skipped).toHaveLength(10 - UPDATE_CONCURRENCY);
    // What was done is recorded with its new hash: a rerun plans the failed one and the rest.
    const rerun = await runPlan('test', [...objects, ...charts(20)], fakeServices(port, registry), {
      prune: false,
    });
    expect(rerun.plan.changes.filter((c) => c.action === 'update' && c.kind === 'chart')).toHaveLength(
      10 - (UPDATE_CONCURRENCY - 1),
    );
  });
});

describe('runApply bookkeeping', () => {
  const apply = (port: FakePort, registry: MemoryRegistry, objs: typeof objects) =>
    runApply(objs, fakeServices(port, registry), {
      environment: 'test',
      commit: { sha: 'c0ffee', author: 't', message: 'm', time: new Date(0).toISOString(), dirty: false },
      lockTimeoutMs: 1000,
      prune: false,
    });

  it('writes the desired snapshot while Superset is being listed, and moves current once applied', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    /** Lists only once the test opens the gate. */
    class HeldPort extends FakePort {
      override async list(kind: Parameters<FakePort['list']>[0]) {
        await gate;
        return super.list(kind);
      }
    }
    const registry = new MemoryRegistry();
    const running = apply(new HeldPort(), registry, objects);
    await expect.poll(async () => (await registry.listSnapshots()).length).toBe(1);
    expect(await registry.readPointer()).toBeNull();
    open();
    const run = await running;
    expect(run.outcome.created).toBe(2);
    expect((await registry.readPointer())?.snapshotId).toBe(run.snapshotId);
    expect((await registry.listSnapshots()).map((s) => s.id)).toEqual([run.snapshotId]);
  });

  it('reads the applied records once, and records what it wrote with Superset changed_on', async () => {
    const port = new FakePort();
    const registry = new MemoryRegistry();
    let reads = 0;
    const counting = registry.readAppliedState.bind(registry);
    registry.readAppliedState = () => {
      reads += 1;
      return counting();
    };
    await apply(port, registry, objects);
    expect(reads).toBe(1);
    const changedOn = async () =>
      Object.fromEntries((await registry.readApplied()).map((r) => [r.kind, r.changedOn]));
    const made = await changedOn();
    // The changed_on the fake stamped on each object's last write, as listed: the next plan trusts it.
    const listed = async (kind: 'database' | 'dataset') => (await port.list(kind))[0]?.changedOn;
    expect(made).toEqual({ database: await listed('database'), dataset: await listed('dataset') });

    reads = 0;
    const changed = [objects[0]!, { ...objects[1]!, spec: { ...objects[1]!.spec, description: 'new' } }];
    const second = await apply(port, registry, changed as typeof objects);
    expect(second.outcome.updated).toBe(1);
    expect(reads).toBe(1);
    const after = await changedOn();
    expect(after.dataset).toBe(await listed('dataset'));
    expect(after.dataset).not.toBe(made.dataset);
    expect(after.database).toBe(made.database);
    // Nothing moved since: a plan reads nothing in full.
    port.calls.get = 0;
    const third = await runPlan('test', changed as typeof objects, fakeServices(port, registry), {
      prune: false,
    });
    expect(third.plan.summary.noop).toBe(2);
    expect(port.calls.get).toBe(0);
  });
});
