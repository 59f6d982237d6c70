import { describe, expect, it } from 'vitest';
import { runApply } from '../../../src/engine/apply-run.js';
import { runPlan } from '../../../src/engine/plan-run.js';
import { READ_AHEAD_LIMIT, ReadsAhead, RecordTap, usableAhead } from '../../../src/live/read-ahead.js';
import type { AppliedEntry, DesiredEntry } from '../../../src/plan/types.js';
import type { AppliedRecord } from '../../../src/registry/registry.js';
import type { ListedObject, SupersetKind } from '../../../src/superset/port.js';
import { MemoryRegistry } from '../../doubles/memory-registry.js';
import { fakeServices } from '../../helpers/services.js';
import { FakePort } from './fake-port.js';
import { object } from './objects.js';

const record = (over: Partial<AppliedRecord> = {}): AppliedRecord => ({
  kind: 'chart',
  name: 'c',
  uuid: 'u1',
  supersetId: 7,
  hash: 'old',
  appliedAt: '2026-01-01T00:00:00Z',
  commit: 'c0ffee',
  changedOn: '2026-01-01T00:00:01Z',
  ...over,
});

const want = (over: Partial<DesiredEntry> = {}): DesiredEntry => ({
  kind: 'chart',
  name: 'c',
  uuid: 'u1',
  attributes: {},
  hash: 'new',
  protected: false,
  dependsOn: [],
  ...over,
});

/** A port that counts GETs by kind and id, and answers each with its arguments. */
function gets() {
  const made: string[] = [];
  return {
    made,
    port: {
      get: (kind: SupersetKind, id: number) => {
        made.push(`${kind}:${id}`);
        return Promise.resolve({ id, kind });
      },
    },
  };
}

describe('ReadsAhead', () => {
  it.each([
    ['the desired hash differs from the record', {}, {}, ['chart:7']],
    ['the hashes are the same', { hash: 'new' }, {}, []],
    ['the record has no changed_on', { changedOn: null }, {}, []],
    ['the record has an empty changed_on', { changedOn: '' }, {}, []],
    ['the record is a claim (id 0)', { supersetId: 0 }, {}, []],
    ['the record names another kind', { kind: 'dataset' }, {}, []],
    ['the kind is not listed with a changed_on', { kind: 'role' }, { kind: 'role' as const }, []],
    ['nothing wants the object', { uuid: 'u2' }, {}, []],
  ])('when %s: reads %j', async (_what, rec, desired, expected) => {
    const { made, port } = gets();
    let first = 0;
    const ahead = new ReadsAhead(port, new Map([['u1', want(desired)]]), () => (first += 1));
    ahead.consider(record(rec));
    await Promise.all([...ahead.started.values()].map((r) => r.raw));
    expect(made).toEqual(expected);
    expect(first).toBe(expected.length);
    expect([...ahead.started.keys()]).toEqual(expected.length ? ['u1'] : []);
  });

  it('never throws into the registry read that calls it: a port that throws fails that read alone', async () => {
    const port = {
      get: (): Promise<Record<string, unknown>> => {
        throw new Error('no connection');
      },
    };
    const ahead = new ReadsAhead(port, new Map([['u1', want()]]));
    expect(() => ahead.consider(record())).not.toThrow();
    await expect(ahead.started.get('u1')?.raw).rejects.toThrow('no connection');
  });

  it(`reads at most ${READ_AHEAD_LIMIT} objects, each once, and calls onFirst once`, async () => {
    const { made, port } = gets();
    const uuids = Array.from({ length: READ_AHEAD_LIMIT + 3 }, (_, i) => `u${i}`);
    let first = 0;
    const ahead = new ReadsAhead(port, new Map(uuids.map((u) => [u, want({ uuid: u })])), () => (first += 1));
    for (const [i, uuid] of uuids.entries()) ahead.consider(record({ uuid, supersetId: i + 1 }));
    ahead.consider(record({ uuid: 'u0', supersetId: 1 }));
    await Promise.all([...ahead.started.values()].map((r) => r.raw));
    expect(made).toEqual(Array.from({ length: READ_AHEAD_LIMIT }, (_, i) => `chart:${i + 1}`));
    expect(first).toBe(1);
  });
});

describe('usableAhead', () => {
  const read = { id: 7, changedOn: 't1', raw: Promise.resolve({}) };
  const row = (over: Partial<ListedObject> = {}): ListedObject => ({
    id: 7,
    uuid: 'u1',
    name: 'c',
    changedOn: 't1',
    changedBy: null,
    raw: {},
    ...over,
  });
  const applied = (over: Partial<AppliedEntry> = {}): AppliedEntry => ({
    kind: 'chart',
    name: 'c',
    uuid: 'u1',
    supersetId: 7,
    hash: 'old',
    changedOn: 't1',
    ...over,
  });
  it.each([
    ['nothing changed it since the record', row(), applied(), true],
    ['Superset changed it after the record (changed_on moved)', row({ changedOn: 't2' }), applied(), false],
    ['the trusted record is another one', row(), applied({ changedOn: 't0' }), false],
    ['there is no trusted record', row(), undefined, false],
    ['the listed object has another id (made again)', row({ id: 8 }), applied(), false],
    ['the row has no changed_on', row({ changedOn: null }), applied(), false],
  ])('%s: %s', (_what, listed, trusted, usable) => {
    const ahead = new Map([['u1', read]]);
    expect(usableAhead(ahead, listed, trusted)).toBe(usable ? read : undefined);
    expect(usableAhead(undefined, listed, trusted)).toBeUndefined();
  });
});

describe('RecordTap', () => {
  it('hands a late subscriber the records read before it, in order, then the rest as they come', () => {
    const tap = new RecordTap();
    tap.push(record({ uuid: 'a' }));
    tap.push(record({ uuid: 'b' }));
    const seen: string[] = [];
    tap.subscribe((r) => seen.push(r.uuid));
    expect(seen).toEqual(['a', 'b']);
    tap.push(record({ uuid: 'c' }));
    expect(seen).toEqual(['a', 'b', 'c']);
  });
});

describe('a plan reads a changed object ahead of the listing', () => {
  const objects = [
    object('database', 'wh', { sqlalchemy_uri: 'sqlite:////tmp/wh.db' }),
    object('dataset', 'orders', { database: 'wh', description: 'first' }),
  ];
  const dataset = objects[1]!;
  const changed = [
    objects[0]!,
    { ...dataset, spec: { ...dataset.spec, description: 'second' } },
  ] as typeof objects;

  /** Lists only once the test releases what it holds. */
  class HeldPort extends FakePort {
    private gate: Promise<void> = Promise.resolve();
    private open: () => void = () => undefined;
    hold(): void {
      this.gate = new Promise<void>((r) => (this.open = r));
    }
    release(): void {
      this.open();
    }
    override async list(kind: Parameters<FakePort['list']>[0]) {
      await this.gate;
      return super.list(kind);
    }
  }

  async function applied(port: HeldPort, registry: MemoryRegistry) {
    const run = await runApply(objects, fakeServices(port, registry), {
      environment: 'test',
      commit: { sha: 'c0ffee', author: 't', message: 'm', time: new Date(0).toISOString(), dirty: false },
      lockTimeoutMs: 1000,
      prune: false,
    });
    expect(run.outcome.created).toBe(2);
    port.calls.get = 0;
  }

  /** After a first apply, a plan of the changed YAML with Superset's listing held, once it read ahead. */
  async function planHeld() {
    const port = new HeldPort();
    const registry = new MemoryRegistry();
    await applied(port, registry);
    port.hold();
    const planning = runPlan('test', changed, fakeServices(port, registry), { prune: false });
    // The listing is held: the read of the changed dataset is made all the same.
    await expect.poll(() => port.calls.get).toBe(1);
    return { port, registry, planning };
  }

  it('reads it once, before the listing is in, and plans the update from that read', async () => {
    const { port, planning } = await planHeld();
    port.release();
    const run = await planning;
    expect(port.calls.get).toBe(1);
    expect(run.plan.changes.filter((c) => c.action === 'update').map((c) => c.name)).toEqual(['orders']);
    expect(run.live.full.get(dataset.uuid)?.raw.description).toBe('first');
  });

  it('reads it again after the listing when Superset changed it since the read ahead', async () => {
    const { port, registry, planning } = await planHeld();
    // Someone edits the dataset in Superset after that read and before the listing.
    const id = (await registry.readApplied()).find((r) => r.kind === 'dataset')!.supersetId;
    await port.update('dataset', id, { description: 'edited in Superset' });
    port.release();
    const run = await planning;
    expect(port.calls.get).toBe(2);
    expect(run.live.full.get(dataset.uuid)?.raw.description).toBe('edited in Superset');
  });
});
