// applyPlan with concurrency: creates and updates of one kind go out a few at a time, never more than
// asked, never before what they depend on; a failure starts nothing new, lets the writes in flight
// finish (recorded), and leaves the rest for a rerun that creates nothing twice.
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../../src/apply/apply.js';
import { runPlan } from '../../../src/engine/plan-run.js';
import { deriveUuid, type AnyDesired } from '../../../src/model/object.js';
import { MemoryRegistry } from '../../../src/registry/index.js';
import type { ObjectKind } from '../../../src/schema/index.js';
import type { SupersetKind } from '../../../src/superset/port.js';
import { fakeServices } from '../../helpers/services.js';
import { FakePort } from './fake-port.js';

function object(kind: ObjectKind, name: string, spec: Record<string, unknown>): AnyDesired {
  return {
    kind,
    name,
    uuid: deriveUuid(kind, name),
    spec: { kind, name, ...spec },
    source: { file: `${kind}.yaml`, line: 1, col: 1 },
  } as AnyDesired;
}

const CHARTS = 12;
const chartName = (i: number) => `chart ${i}`;
const tree = (rowLimit: number) => [
  object('database', 'wh', { sqlalchemy_uri: 'postgresql://u@127.0.0.1/wh' }),
  object('dataset', 'orders', { database: 'wh' }),
  ...Array.from({ length: CHARTS }, (_, i) =>
    object('chart', chartName(i), { dataset: 'orders', viz_type: 'table', params: { row_limit: rowLimit } }),
  ),
];

/** A FakePort whose writes take a few milliseconds, that tracks what is in flight, and can refuse one chart. */
class SlowPort extends FakePort {
  inFlight = 0;
  most = 0;
  /** Kinds in the order writes started and finished: `+chart`, `-chart`. */
  readonly timeline: string[] = [];
  refuseChart?: string;
  createdNames: string[] = [];

  private async slow<T>(kind: SupersetKind, work: () => Promise<T>): Promise<T> {
    this.inFlight++;
    this.most = Math.max(this.most, this.inFlight);
    this.timeline.push(`+${kind}`);
    try {
      await new Promise((r) => setTimeout(r, 3));
      return await work();
    } finally {
      this.inFlight--;
      this.timeline.push(`-${kind}`);
    }
  }

  override create(kind: SupersetKind, body: Record<string, unknown>) {
    return this.slow(kind, () => {
      if (kind === 'chart' && body.slice_name === this.refuseChart)
        return Promise.reject(new Error(`refused ${String(body.slice_name)}`));
      if (kind === 'chart') this.createdNames.push(String(body.slice_name));
      return super.create(kind, body);
    });
  }

  override update(kind: SupersetKind, id: number, body: Record<string, unknown>) {
    return this.slow(kind, () => super.update(kind, id, body));
  }
}

async function apply(port: SlowPort, registry: MemoryRegistry, objects: AnyDesired[], concurrency: number) {
  const services = fakeServices(port, registry);
  const run = await runPlan('test', objects, services, { prune: false });
  const outcome = await applyPlan(run.plan, {
    port,
    registry,
    live: run.live,
    desired: new Map(objects.map((o) => [o.uuid, o])),
    secrets: () => new Map(),
    commit: 'c0ffee',
    concurrency,
  });
  return { plan: run.plan, outcome };
}

describe('applyPlan with concurrency', () => {
  it('sends at most `concurrency` chart writes at once, after the dataset, and records every object', async () => {
    const port = new SlowPort();
    const registry = new MemoryRegistry();
    const { outcome } = await apply(port, registry, tree(100), 4);
    expect(outcome.failed).toBeUndefined();
    expect(outcome.created).toBe(CHARTS + 2);
    expect(port.most).toBe(4);
    // The database and the dataset were done, one by one, before the first chart started.
    expect(port.timeline.slice(0, 4)).toEqual(['+database', '-database', '+dataset', '-dataset']);
    expect((await registry.readApplied()).length).toBe(CHARTS + 2);
    // Updates of one kind go out together too, and the result is what a sequential apply gives.
    port.most = 0;
    const changed = await apply(port, registry, tree(50), 4);
    expect(changed.outcome.done.filter((c) => c.kind === 'chart' && c.action === 'update')).toHaveLength(
      CHARTS,
    );
    expect(port.most).toBe(4);
    const again = await apply(port, registry, tree(50), 4);
    expect(again.plan.changes.filter((c) => c.kind === 'chart' && c.action !== 'noop')).toEqual([]);
  });

  it('one at a time by default: the writes follow the plan exactly', async () => {
    const port = new SlowPort();
    const { plan } = await apply(port, new MemoryRegistry(), tree(100), 1);
    expect(port.most).toBe(1);
    expect(port.createdNames).toEqual(plan.changes.filter((c) => c.kind === 'chart').map((c) => c.name));
  });

  it('a failure starts nothing new; writes in flight finish and are recorded; the rerun creates only the rest', async () => {
    const port = new SlowPort();
    const registry = new MemoryRegistry();
    port.refuseChart = chartName(5);
    const first = await apply(port, registry, tree(100), 4);
    expect(first.outcome.failed?.change.name).toBe(chartName(5));
    expect(first.outcome.failed?.error.message).toBe(`refused ${chartName(5)}`);
    const done = first.outcome.done.filter((c) => c.kind === 'chart').map((c) => c.name);
    // Everything reported done is recorded; nothing else is.
    const recorded = (await registry.readApplied()).filter((r) => r.kind === 'chart').map((r) => r.name);
    expect(recorded.sort()).toEqual([...done].sort());
    // Done, failed and skipped account for every change exactly once.
    const all = [...first.outcome.done, first.outcome.failed!.change, ...first.outcome.skipped].map(
      (c) => c.name,
    );
    expect(new Set(all).size).toBe(CHARTS + 2);
    expect(all).toHaveLength(CHARTS + 2);
    // Fewer than all charts started after the failure was known: some are left for the rerun.
    expect(first.outcome.skipped.length).toBeGreaterThan(0);

    port.refuseChart = undefined;
    const second = await apply(port, registry, tree(100), 4);
    expect(second.outcome.failed).toBeUndefined();
    expect(second.outcome.created).toBe(CHARTS - done.length);
    // Each chart created exactly once over both runs.
    expect([...port.createdNames].sort()).toEqual(
      Array.from({ length: CHARTS }, (_, i) => chartName(i)).sort(),
    );
  });
});
