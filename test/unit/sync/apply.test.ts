import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../../src/apply/apply.js';
import { runPlan } from '../../../src/engine/plan-run.js';
import { runApply } from '../../../src/engine/apply-run.js';
import { object } from './objects.js';
import { MemoryRegistry } from '../../../src/registry/index.js';
import { FakePort } from './fake-port.js';
import { fakeServices } from '../../helpers/services.js';

const objects = [
  object('database', 'wh', { sqlalchemy_uri: 'sqlite:////tmp/wh.db' }),
  object('dataset', 'orders', { database: 'wh', metrics: [{ name: 'n', expression: 'COUNT(*)' }] }),
];

async function planAndApply(port: FakePort, registry: MemoryRegistry) {
  const services = fakeServices(port, registry);
  const run = await runPlan('test', objects, services, { prune: false });
  const outcome = await applyPlan(run.plan, {
    port,
    registry,
    live: run.live,
    desired: new Map(objects.map((o) => [o.uuid, o])),
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

describe('runApply bookkeeping', () => {
  const apply = (port: FakePort, registry: MemoryRegistry, objs: typeof objects) =>
    runApply(objs, fakeServices(port, registry), {
      environment: 'test',
      commit: { sha: 'c0ffee', author: 't', message: 'm', time: new Date(0).toISOString(), dirty: false },
      lockTimeoutMs: 1000,
      prune: false,
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
