import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../../src/apply/apply.js';
import { runPlan } from '../../../src/engine/plan-run.js';
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
