import { describe, expect, it } from 'vitest';
import { ATTRIBUTE_OPTIONS } from '../../../src/superset-map/attribute-options.js';
import { accessDiffers, readLive } from '../../../src/live/read-live.js';
import { desiredEntry } from '../../../src/plan/desired.js';
import { planChanges } from '../../../src/plan/plan.js';
import { unknownPrincipals } from '../../../src/plan/principals.js';
import { accessFields } from '../../../src/superset-map/to-superset.js';
import { customTags, ownersFromSuperset, type NameLookup } from '../../../src/superset-map/from-superset.js';
import { applyPlan, tagResolver } from '../../../src/apply/apply.js';
import { MemoryRegistry } from '../../doubles/memory-registry.js';
import { dashboardFromSuperset } from '../../../src/superset-map/dashboard.js';
import type { AccessRow, Principals, SupersetKind } from '../../../src/superset/port.js';
import type { AppliedEntry } from '../../../src/plan/types.js';
import type { DashboardSpec } from '../../../src/schema/index.js';
import { FakePort } from './fake-port.js';
import { object } from './objects.js';

const PRINCIPALS: Principals = {
  users: [
    { id: 1, username: 'admin' },
    { id: 2, username: 'alice' },
    { id: 7, username: 'bob' },
  ],
  roles: [
    { id: 3, name: 'Alpha' },
    { id: 4, name: 'Gamma' },
  ],
};

const names = (users?: Map<number, string>): NameLookup => ({
  databaseByUuid: () => undefined,
  datasetByUuid: () => undefined,
  datasetById: () => undefined,
  chartById: () => undefined,
  chartByUuid: () => undefined,
  nameFor: (_k, _u, fallback) => fallback,
  ...(users ? { userById: (id: number) => users.get(id) } : {}),
});

describe('owners and dashboard roles: unknown names are plan errors', () => {
  const known = { users: ['admin', 'alice', 'bob'], roles: ['Alpha', 'Gamma'] };
  it.each([
    ['all known', object('chart', 'c', { owners: ['alice', 'bob'] }), []],
    ['owners left out', object('chart', 'c', {}), []],
    ['no owners at all', object('dataset', 'd', { owners: [] }), []],
    [
      'a typo, with the closest username',
      object('chart', 'c', { owners: ['admin', 'alcie'] }),
      [['owners.1', 'Superset has no user "alcie"; did you mean "alice"?']],
    ],
    [
      'nobody close',
      object('dataset', 'd', { owners: ['zz-nobody-at-all'] }),
      [['owners.0', 'Superset has no user "zz-nobody-at-all"']],
    ],
    [
      'a dashboard role',
      object('dashboard', 'x', { owners: ['bob'], roles: ['Gama'] }),
      [['roles.0', 'Superset has no role "Gama"; did you mean "Gamma"?']],
    ],
    ['a database has no owners', object('database', 'db', { owners: ['nobody'] }), []],
  ])('%s', (_label, obj, want) => {
    expect(unknownPrincipals([obj], known).map((u) => [u.path.join('.'), u.message])).toEqual(want);
  });
});

describe('owners as attributes', () => {
  it('compares owners as a set and leaves them alone when the YAML does not name them', () => {
    const a = desiredEntry(
      object('chart', 'c', { dataset: 'd', viz_type: 'table', owners: ['bob', 'alice'] }),
      ATTRIBUTE_OPTIONS,
    );
    const b = desiredEntry(
      object('chart', 'c', { dataset: 'd', viz_type: 'table', owners: ['alice', 'bob'] }),
      ATTRIBUTE_OPTIONS,
    );
    const none = desiredEntry(object('chart', 'c', { dataset: 'd', viz_type: 'table' }), ATTRIBUTE_OPTIONS);
    expect(a.attributes.owners).toEqual(['alice', 'bob']);
    expect(a.hash).toBe(b.hash);
    expect(none.attributes.owners).toBeUndefined();
    expect(none.hash).not.toBe(a.hash);
  });

  it('reads owners by username, an unknown id as #id, nothing without the user list', () => {
    const users = new Map([
      [1, 'admin'],
      [7, 'bob'],
    ]);
    const raw = [{ id: 7, first_name: 'B' }, { id: 1 }, { id: 99 }];
    expect(ownersFromSuperset(raw, names(users))).toEqual(['#99', 'admin', 'bob']);
    expect(ownersFromSuperset(raw, names())).toBeUndefined();
    expect(ownersFromSuperset(undefined, names(users))).toBeUndefined();
  });

  it("reads a dashboard's roles by name along with its owners", () => {
    const raw = {
      uuid: 'u',
      dashboard_title: 'T',
      owners: [{ id: 1 }],
      roles: [
        { id: 4, name: 'Gamma' },
        { id: 3, name: 'Alpha' },
      ],
    };
    const withUsers = dashboardFromSuperset(raw, names(new Map([[1, 'admin']]))).spec;
    expect([withUsers.owners, withUsers.roles]).toEqual([['admin'], ['Alpha', 'Gamma']]);
    const without = dashboardFromSuperset(raw, names()).spec;
    expect([without.owners, without.roles]).toEqual([undefined, undefined]);
  });
});

describe('accessFields', () => {
  const spec: DashboardSpec = {
    kind: 'dashboard',
    name: 'x',
    title: 'X',
    layout: [],
    owners: ['bob', 'admin'],
    roles: ['Gamma'],
  };
  it('sends every id on a create and only the changed field on an update', () => {
    expect(accessFields({ ...spec, layout: [] }, PRINCIPALS)).toEqual({ owners: [7, 1], roles: [4] });
    expect(accessFields({ ...spec, layout: [] }, PRINCIPALS, new Set(['roles']))).toEqual({ roles: [4] });
    expect(accessFields({ ...spec, layout: [] }, PRINCIPALS, new Set(['title']))).toEqual({});
    expect(accessFields({ kind: 'dashboard', name: 'x', title: 'X', layout: [] }, PRINCIPALS)).toEqual({});
  });
  it('never drops a name it cannot resolve', () => {
    expect(() => accessFields({ ...spec, layout: [], owners: ['carol'] }, PRINCIPALS)).toThrow(
      /no user "carol"/,
    );
  });
});

describe('accessDiffers', () => {
  const want = (spec: Record<string, unknown>) =>
    desiredEntry(object('dashboard', 'x', { title: 'X', layout: [], ...spec }), ATTRIBUTE_OPTIONS);
  const userIds = new Map(PRINCIPALS.users.map((u) => [u.username, u.id]));
  const roleIds = new Map(PRINCIPALS.roles.map((r) => [r.name, r.id]));
  it.each<[string, Record<string, unknown>, AccessRow | undefined, boolean]>([
    ['same owners, other order', { owners: ['bob', 'admin'] }, { id: 1, owners: [1, 7], roles: [] }, false],
    ['one owner more in Superset', { owners: ['bob'] }, { id: 1, owners: [1, 7], roles: [] }, true],
    ['owners not managed', {}, { id: 1, owners: [1, 7], roles: [4] }, false],
    ['roles differ', { roles: ['Gamma'] }, { id: 1, owners: [], roles: [3] }, true],
    ['roles same', { roles: ['Gamma'] }, { id: 1, owners: [], roles: [4] }, false],
    ['a name Superset lacks', { owners: ['carol'] }, { id: 1, owners: [], roles: [] }, true],
    ['no row (new since the listing)', { owners: ['bob'] }, undefined, false],
  ])('%s', (_label, spec, row, differs) => {
    expect(accessDiffers(want(spec), row, userIds, roleIds)).toBe(differs);
  });
});

/** A fake Superset with users, roles and owner lists, whose changed_on does not move on an owners-only update (as 6.1's datasets and dashboards). */
class AccessPort extends FakePort {
  principals(): Promise<Principals> {
    return Promise.resolve(PRINCIPALS);
  }
  listAccess(kind: 'dataset' | 'chart' | 'dashboard'): Promise<AccessRow[]> {
    return this.list(kind as SupersetKind).then((rows) =>
      rows.map((r) => ({ id: r.id, owners: (r.raw.owners as { id: number }[]).map((o) => o.id) })),
    );
  }
}

describe('readLive with owners', () => {
  const db = object('database', 'wh', { sqlalchemy_uri: 'postgresql://u@h/db' });
  const ds = object('dataset', 'orders', { database: 'wh', schema: 'public', owners: ['alice'] });

  function seeded(ownerIds: number[]) {
    const port = new AccessPort();
    port.objects.set('database:1', {
      kind: 'database',
      id: 1,
      uuid: db.uuid,
      database_name: 'wh',
      changed_on: 't0',
    });
    port.objects.set('dataset:2', {
      kind: 'dataset',
      id: 2,
      uuid: ds.uuid,
      table_name: 'orders',
      schema: 'public',
      database: { uuid: db.uuid, database_name: 'wh' },
      owners: ownerIds.map((id) => ({ id })),
      changed_on: 't0',
    });
    const desired = [db, ds].map((o) => desiredEntry(o, ATTRIBUTE_OPTIONS));
    // Applied as they are now, with the changed_on Superset shows: changed_on alone says "unchanged".
    const applied: AppliedEntry[] = desired.map((d, i) => ({
      kind: d.kind,
      name: d.name,
      uuid: d.uuid,
      supersetId: i + 1,
      hash: d.hash,
      changedOn: 't0',
    }));
    return { port, desired, applied };
  }

  it('reads in full and plans the owners when they differ though changed_on did not move', async () => {
    const { port, desired, applied } = seeded([2, 7]);
    const live = await readLive(port, desired, applied, ATTRIBUTE_OPTIONS);
    expect(port.calls.get).toBe(1);
    const plan = planChanges('t', desired, live.entries, applied, { prune: false });
    const update = plan.changes.find((c) => c.action === 'update');
    expect(update?.changes).toEqual([{ path: 'owners', before: ['alice', 'bob'], after: ['alice'] }]);
  });

  it('reads nothing in full when the owners match', async () => {
    const { port, desired, applied } = seeded([2]);
    const live = await readLive(port, desired, applied, ATTRIBUTE_OPTIONS);
    expect(port.calls.get).toBe(0);
    expect(planChanges('t', desired, live.entries, applied, { prune: false }).summary.update).toBe(0);
  });
});

describe('tags', () => {
  it("reads custom tags by name and leaves Superset's own (owner:, type:) out", () => {
    expect(
      customTags([
        { id: 1, name: 'finance', type: 1 },
        { id: 2, name: 'owner:1', type: 3 },
        { id: 3, name: 'type:chart', type: 2 },
        { id: 4, name: 'audited', type: 'custom' },
      ]),
    ).toEqual(['audited', 'finance']);
    expect(customTags(undefined)).toEqual([]);
  });

  it('a tags-only difference in the list row makes the object read in full', () => {
    const want = desiredEntry(
      object('chart', 'c', { dataset: 'd', viz_type: 'table', tags: ['b', 'a'] }),
      ATTRIBUTE_OPTIONS,
    );
    const row = (tags: string[]): AccessRow => ({ id: 1, owners: [], tags });
    expect(accessDiffers(want, row(['a', 'b']), new Map(), new Map())).toBe(false);
    expect(accessDiffers(want, row(['a']), new Map(), new Map())).toBe(true);
    expect(accessDiffers(want, row(['a', 'b', 'c']), new Map(), new Map())).toBe(true);
  });

  it('resolves names to ids, reading the tags once and making a missing one once', async () => {
    const made: string[] = [];
    let reads = 0;
    const port = Object.assign(new FakePort(), {
      tags: () => {
        reads++;
        return Promise.resolve([{ id: 10, name: 'finance' }]);
      },
      createTag: (name: string) => {
        made.push(name);
        return Promise.resolve(100 + made.length);
      },
    });
    const resolve = tagResolver(port);
    const [a, b] = await Promise.all([resolve(['finance', 'new']), resolve(['new', 'finance', 'new'])]);
    expect([a, b]).toEqual([
      [10, 101],
      [101, 10],
    ]);
    expect([reads, made]).toEqual([1, ['new']]);
  });

  it('sends tags in a PUT after a chart create (its POST takes none), and only changed tags on update', async () => {
    const port = Object.assign(new FakePort(), {
      tags: () => Promise.resolve([{ id: 10, name: 'finance' }]),
      createTag: () => Promise.resolve(11),
    });
    const db = object('database', 'wh', { sqlalchemy_uri: 'postgresql://u@h/db' });
    const ds = object('dataset', 'orders', { database: 'wh', schema: 'public' });
    const chart = object('chart', 'c', { dataset: 'orders', viz_type: 'table', tags: ['finance'] });
    const objects = [db, ds, chart];
    const desired = objects.map((o) => desiredEntry(o, ATTRIBUTE_OPTIONS));
    const registry = new MemoryRegistry();
    const ctx = (live: Awaited<ReturnType<typeof readLive>>) => ({
      port,
      registry,
      live,
      desired: new Map(objects.map((o) => [o.uuid, o])),
      secrets: () => new Map(),
      commit: 'c1',
    });
    const live = await readLive(port, desired, [], ATTRIBUTE_OPTIONS);
    await applyPlan(planChanges('t', desired, live.entries, [], { prune: false }), ctx(live));
    expect(port.writes.filter((w) => w.includes('chart'))).toEqual(['create chart', 'update chart tags']);
    expect(port.objects.get(`chart:3`)?.tags).toEqual([10]);
  });
});
