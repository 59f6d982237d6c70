import { describe, expect, it } from 'vitest';
import { EarlyReads } from '../../../src/engine/early-reads.js';
import { runApply } from '../../../src/engine/apply-run.js';
import { listInUse, runPlan } from '../../../src/engine/plan-run.js';
import { listLive } from '../../../src/live/read-live.js';
import type { Registry } from '../../../src/registry/registry.js';
import { MemoryRegistry } from '../../doubles/memory-registry.js';
import { fakeServices } from '../../helpers/services.js';
import { FakePort } from '../sync/fake-port.js';
import { object } from '../sync/objects.js';

const objects = [
  object('database', 'wh', { sqlalchemy_uri: 'sqlite:////tmp/wh.db' }),
  object('dataset', 'orders', { database: 'wh' }),
];
const commit = { sha: 'c0ffee', author: 'a', message: 'm', time: '2026-01-01T00:00:00Z', dirty: false };
const holder = { host: 'other', pid: 1, since: '2026-01-01T00:00:00Z' };

/** The registry with its reads of the applied records counted. */
function counted(inner: MemoryRegistry): { registry: Registry; reads: () => number } {
  let reads = 0;
  const registry = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'readAppliedState') {
        return () => {
          reads += 1;
          return target.readAppliedState();
        };
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { registry, reads: () => reads };
}

/** Superset and the registry after one apply of `objects`, and the listing that apply kept. */
async function applied() {
  const port = new FakePort();
  const store = new MemoryRegistry();
  await runApply(objects, fakeServices(port, store), {
    environment: 'test',
    commit,
    lockTimeoutMs: 1000,
    prune: false,
  });
  const kept = (await listLive(port)).listed;
  port.calls.list = 0;
  return { port, store, kept };
}

describe('EarlyReads', () => {
  it('gives a plan the records and the listing it started, once: the plan reads neither again', async () => {
    const { port, store, kept } = await applied();
    const { registry, reads } = counted(store);
    const early = new EarlyReads(false);
    await early.begin(registry, port, kept);
    const lists = port.calls.list;
    expect([reads(), lists]).toEqual([1, 4]); // databases, datasets, charts, dashboards
    const run = await runPlan('test', objects, { ...fakeServices(port, registry), early }, { prune: false });
    expect(run.plan.summary).toMatchObject({ create: 0, update: 0, delete: 0 });
    expect(run.applied).toHaveLength(2);
    expect([reads(), port.calls.list]).toEqual([1, lists]);
    expect(early.take()).toEqual({});
  });

  it("keeps an apply's reads when taking the lock was the only change to it since they started", async () => {
    const { port, store, kept } = await applied();
    const { registry, reads } = counted(store);
    const early = new EarlyReads(true);
    await early.begin(registry, port, kept);
    expect(early.take()).toEqual({}); // nothing before the lock is held
    const services = { ...fakeServices(port, registry), early };
    const run = await runApply(objects, services, {
      environment: 'test',
      commit,
      lockTimeoutMs: 1000,
      prune: false,
    });
    expect(run.outcome.done).toHaveLength(0);
    expect(reads()).toBe(1);
    expect(port.calls.list).toBe(4);
  });

  it('drops them when another apply took the lock in between (and changed a record): the plan reads again', async () => {
    const { port, store, kept } = await applied();
    const { registry, reads } = counted(store);
    const early = new EarlyReads(true);
    await early.begin(registry, port, kept);
    // Another apply, on its own registry session, comes and goes before this one takes the lock.
    const other = new MemoryRegistry({ store: store.store });
    const lock = await other.acquireLock({ holder, timeoutMs: 1000 });
    const record = (await other.readApplied()).find((r) => r.kind === 'dataset')!;
    await other.forgetApplied(record.kind, record.uuid);
    await lock.release();
    // Read afresh, the dataset is no longer the tool's: a conflict. The early read would have seen it
    // owned and unchanged, and the apply would have written nothing and passed.
    await expect(
      runApply(
        objects,
        { ...fakeServices(port, registry), early },
        {
          environment: 'test',
          commit,
          lockTimeoutMs: 1000,
          prune: false,
        },
      ),
    ).rejects.toThrow(/conflict/);
    expect(reads()).toBe(2);
  });

  it('starts nothing for an apply while another holds the lock', async () => {
    const { port, store, kept } = await applied();
    const { registry, reads } = counted(store);
    const other = new MemoryRegistry({ store: store.store });
    const lock = await other.acquireLock({ holder, timeoutMs: 1000 });
    const early = new EarlyReads(true);
    await early.begin(registry, port, kept);
    expect([reads(), port.calls.list]).toEqual([0, 0]);
    await lock.release();
    expect(await early.confirm(registry)).toBe(false);
    expect(early.take()).toEqual({});
  });
});

describe('listInUse with a listing started early', () => {
  it('lists only the kinds it lacks, and leaves out a kind it listed that is not in use', async () => {
    const port = new FakePort();
    await port.create('role', { name: 'Analyst' });
    const kept = (await listLive(port, undefined, ['database', 'dataset', 'role'])).listed;
    port.calls.list = 0;
    const ahead = {
      kinds: ['database', 'dataset', 'role'] as const,
      kept,
      listing: listLive(port, kept, ['database', 'dataset', 'role']),
    };
    const none = Promise.resolve({ applied: [], untrusted: [] });
    const listing = await listInUse(port, kept, objects, none, { ...ahead, kinds: [...ahead.kinds] });
    // Charts and dashboards were not listed early: listed now; roles are in use by nothing here.
    expect(port.calls.list).toBe(5);
    expect(listing.listed.role).toEqual([]);
    expect(listing.listingChanged).toBe(true);
  });
});
