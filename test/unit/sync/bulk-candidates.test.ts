// Which creates one sparse import makes: charts and dashboards whose dependencies exist by the time
// it runs (in Superset, created earlier in the plan, or in the same import), and only on servers
// that take a sparse import, and only when there are enough of them.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BulkCreateError, bulkCandidates, bulkCreate, importWaves } from '../../../src/apply/bulk-create.js';
import { readZip } from '../../../src/import/zip.js';
import { MemoryRegistry } from '../../doubles/memory-registry.js';
import type { AppliedRecord } from '../../../src/registry/registry.js';
import { SupersetApiError } from '../../../src/superset/errors.js';
import type { ListedObject } from '../../../src/superset/port.js';
import { deriveUuid, objectKey, type AnyDesired } from '../../../src/model/object.js';
import { dependenciesOf } from '../../../src/plan/desired.js';
import { object } from './objects.js';
import type { PlannedChange } from '../../../src/plan/types.js';
import type { ObjectKind } from '../../../src/schema/index.js';
import { capabilitiesOf, type SupersetFamily } from '../../../src/superset/capabilities.js';

const objects = [
  object('database', 'wh', { sqlalchemy_uri: 'postgresql://u@h/db' }),
  object('dataset', 'old', { database: 'wh' }),
  object('dataset', 'new', { database: 'wh' }),
  object('dataset', 'missing', { database: 'wh' }),
  object('chart', 'a', { dataset: 'old', viz_type: 'table' }),
  object('chart', 'b', { dataset: 'new', viz_type: 'table' }),
  object('chart', 'c', { dataset: 'missing', viz_type: 'table' }),
  object('chart', 'existing', { dataset: 'old', viz_type: 'table' }),
  // a legacy viz type Superset's importer would migrate: it keeps its REST create
  object('chart', 'legacy', { dataset: 'old', viz_type: 'line' }),
  object('dashboard', 'ok', { layout: [{ row: [{ chart: 'a' }, { chart: 'existing' }] }] }),
  object('dashboard', 'needs-c', { layout: [{ chart: 'c' }] }),
];
const desired = new Map(objects.map((o) => [o.uuid, o]));
const byKey = new Map(objects.map((o) => [objectKey(o.kind, o.name), o.uuid]));
const uuidOf = (key: string) => byKey.get(key);
const existing = new Set(['database/wh', 'dataset/old', 'chart/existing'].map((k) => byKey.get(k)!));

function change(action: PlannedChange['action'], kind: ObjectKind, name: string): PlannedChange {
  return { action, kind, name, uuid: deriveUuid(kind, name), changes: [], dependsOn: [] };
}

// `missing` is neither in Superset nor created by the plan (say its create is a conflict elsewhere).
const work = [
  change('create', 'dataset', 'new'),
  change('create', 'chart', 'a'),
  change('create', 'chart', 'b'),
  change('create', 'chart', 'c'),
  change('create', 'chart', 'legacy'),
  change('update', 'chart', 'existing'),
  change('create', 'dashboard', 'needs-c'),
  change('create', 'dashboard', 'ok'),
];

const names = (uuids: Set<string>) =>
  [...uuids]
    .map((u) => desired.get(u)!)
    .map((o) => `${o.kind}/${o.name}`)
    .sort();

describe('bulkCandidates', () => {
  it('takes charts and dashboards whose dependencies will exist, and drops dashboards of dropped charts', () => {
    const chosen = bulkCandidates(work, desired, (u) => existing.has(u), uuidOf, {
      caps: capabilitiesOf('6.1'),
      min: 1,
    });
    expect(names(chosen)).toEqual(['chart/a', 'chart/b', 'dashboard/ok']);
  });

  it.each([
    ['4.1', 1, []],
    ['5.0', 1, []],
    ['6.0', 1, ['chart/a', 'chart/b', 'dashboard/ok']],
    ['6.1', 3, ['chart/a', 'chart/b', 'dashboard/ok']],
    ['6.1', 4, []],
  ] as const)('Superset %s with at least %i: %j', (family, min, expected) => {
    const chosen = bulkCandidates(work, desired, (u) => existing.has(u), uuidOf, {
      caps: capabilitiesOf(family),
      min,
    });
    expect(names(chosen)).toEqual(expected);
  });

  it.each([
    [
      'owners on a chart (created over REST before the import)',
      'a',
      { owners: ['alice'] },
      ['chart/b', 'dashboard/ok'],
    ],
    ['no owners on a chart', 'b', { owners: [] }, ['chart/a', 'dashboard/ok']],
    ['roles on a dashboard', 'ok', { roles: [] }, ['chart/a', 'chart/b']],
  ] as const)(
    'leaves objects that name owners or roles to REST (a bundle has neither): %s',
    (_label, name, extra, want) => {
      const found = objects.find((o) => o.name === name)!;
      const withAccess = new Map(desired).set(found.uuid, {
        ...found,
        spec: { ...found.spec, ...extra },
      } as typeof found);
      const chosen = bulkCandidates(work, withAccess, (u) => existing.has(u), uuidOf, {
        caps: capabilitiesOf('6.1'),
        min: 1,
      });
      expect(names(chosen)).toEqual(want);
    },
  );

  it('takes a dataset only when the import would store it as its REST create does', () => {
    const full = {
      database: 'wh',
      schema: 'public',
      columns: [{ name: 'id', type: 'INTEGER' }],
      metrics: [{ name: 'n', expression: 'COUNT(*)' }],
    };
    const cases: [string, Record<string, unknown>, boolean][] = [
      ['complete', full, true],
      ['virtual', { ...full, sql: 'select 1 as id' }, false],
      ['no schema', { ...full, schema: undefined }, false],
      ['a catalog', { ...full, catalog: 'main' }, false],
      ['no metrics (REST adds COUNT(*))', { ...full, metrics: undefined }, false],
      ['no columns (REST reads them)', { ...full, columns: undefined }, false],
      ['a column without type', { ...full, columns: [{ name: 'id' }] }, false],
      [
        'a calculated column',
        { ...full, columns: [{ name: 'x', type: 'INT', expression: 'id * 2' }] },
        false,
      ],
    ];
    for (const [label, spec, expected] of cases) {
      const ds = object('dataset', `ds ${label}`, spec);
      const chart = object('chart', `on ${label}`, { dataset: ds.name, viz_type: 'table' });
      const all = new Map([...desired, [ds.uuid, ds], [chart.uuid, chart]]);
      const keys = new Map([
        ...byKey,
        [objectKey('dataset', ds.name), ds.uuid],
        [objectKey('chart', chart.name), chart.uuid],
      ]);
      const plan = [change('create', 'dataset', ds.name), change('create', 'chart', chart.name)];
      const pick = (datasets: boolean) =>
        bulkCandidates(
          plan,
          all,
          (u) => existing.has(u),
          (k) => keys.get(k),
          {
            caps: capabilitiesOf('6.1'),
            min: 1,
            datasets,
          },
        );
      const chosen = pick(true);
      // the chart goes along either way: its dataset is made before it (REST) or in the same import
      expect([chosen.has(ds.uuid), chosen.has(chart.uuid)], label).toEqual([expected, true]);
      expect(pick(false).has(ds.uuid), `${label} without a tables listing`).toBe(false);
    }
  });

  it('takes a dashboard with a slug only when the listing shows no dashboard has it (the import would take that one over)', () => {
    const slugged = object('dashboard', 'slugged', { slug: 'sales', layout: [{ chart: 'a' }] });
    const all = new Map([...desired, [slugged.uuid, slugged]]);
    const keys = new Map([...byKey, [objectKey('dashboard', 'slugged'), slugged.uuid]]);
    const pick = (takenSlugs: Set<string> | undefined) =>
      bulkCandidates(
        [...work, change('create', 'dashboard', 'slugged')],
        all,
        (u) => existing.has(u),
        (k) => keys.get(k),
        { caps: capabilitiesOf('6.1'), min: 1, ...(takenSlugs ? { takenSlugs } : {}) },
      );
    expect(pick(new Set(['other'])).has(slugged.uuid)).toBe(true);
    expect(pick(new Set(['sales'])).has(slugged.uuid)).toBe(false);
    expect(pick(undefined).has(slugged.uuid)).toBe(false);
    expect(pick(new Set(['sales'])).has(deriveUuid('dashboard', 'ok'))).toBe(true);
  });

  it('makes nothing in bulk without capabilities (a port that does not know its server)', () => {
    expect(bulkCandidates(work, desired, (u) => existing.has(u), uuidOf, undefined).size).toBe(0);
  });
});

describe('bulkCreate in chunks', () => {
  /** A Superset that imports bundles (by the uuids and names in their files) and refuses the Nth import. */
  function importingPort(refuse: number) {
    const rows = new Map<string, ListedObject>();
    let imports = 0;
    const port = {
      imports: [] as string[][],
      importBundle(zip: Buffer) {
        imports += 1;
        const files = [...readZip(zip).entries()].filter(([f]) => !f.endsWith('metadata.yaml'));
        const docs = files.map(([f, text]) => ({
          kind: f.split('/')[1]!.replace(/s$/, ''),
          doc: parse(text) as Record<string, unknown>,
        }));
        port.imports.push(docs.map((d) => String(d.doc.uuid)));
        if (imports === refuse)
          return Promise.reject(
            new SupersetApiError('Import failed', {
              code: 'invalid',
              status: 422,
              method: 'POST',
              path: '/api/v1/assets/import/',
              context: { op: 'import', kind: 'assets' },
            } as never),
          );
        for (const { kind, doc } of docs) {
          const id = rows.size + 100;
          rows.set(String(doc.uuid), {
            id,
            uuid: String(doc.uuid),
            name: String(doc.slice_name ?? doc.dashboard_title ?? doc.table_name),
            changedOn: '2026-01-01T00:00:00.000000Z',
            changedBy: null,
            raw: { kind, ...(kind === 'chart' ? { datasource_id: 2 } : {}) },
          });
        }
        return Promise.resolve();
      },
      list(kind: string) {
        return Promise.resolve([...rows.values()].filter((r) => r.raw.kind === kind));
      },
    };
    return port;
  }

  const record = (c: PlannedChange, id: number): AppliedRecord => ({
    kind: c.kind,
    name: c.name,
    uuid: c.uuid,
    supersetId: id,
    hash: id ? 'h' : '',
    appliedAt: '',
    commit: 'c',
  });

  /** bulkCreate into a fresh registry, started: `running` settles with what it returned or threw. */
  function bulkInto(
    changes: PlannedChange[],
    port: unknown,
    all: ReadonlyMap<string, AnyDesired>,
    keys: ReadonlyMap<string, string>,
    ids: Map<string, number>,
    family: SupersetFamily,
    sizes: { chunk?: number; atOnce?: number },
  ): { running: Promise<unknown>; registry: MemoryRegistry } {
    const registry = new MemoryRegistry();
    const running = bulkCreate(
      changes,
      {
        port: port as never,
        registry,
        desired: all,
        ids,
        uuidOf: (k) => keys.get(k),
        record: (c, id) => record(c, id),
        claim: (c) => record(c, 0),
        now: () => new Date(0),
        ...sizes,
      },
      capabilitiesOf(family),
    ).catch((e: unknown) => e);
    return { running, registry };
  }

  /** Five new datasets (d0 to d4) on `wh`, their tables in its schema; `odd` (if any) sets a currency code column. */
  function fiveDatasets(odd?: string) {
    const datasets = Array.from({ length: 5 }, (_, i) =>
      object('dataset', `d${i}`, {
        database: 'wh',
        schema: 'public',
        columns: [{ name: 'amount', type: 'NUMERIC' }],
        metrics: [],
        ...(`d${i}` === odd ? { currency_code_column: 'currency' } : {}),
      }),
    );
    const all = new Map([...desired, ...datasets.map((d) => [d.uuid, d] as const)]);
    const keys = new Map([...byKey, ...datasets.map((d) => [objectKey('dataset', d.name), d.uuid] as const)]);
    const changes = datasets.map((d) => change('create', 'dataset', d.name));
    return { all, keys, changes };
  }

  // Superset 6.0's dataset import schema has no currency_code_column (6.1 added it): a dataset that
  // sets one cannot go in a bundle for it.
  it.each([
    ['the second chunk', 'd3', 1, ['d0', 'd1']],
    ['the first chunk', 'd0', 0, []],
  ] as const)(
    'a chunk that cannot be bundled (in %s) is never sent: it and the ones after it leave no claim, what came before is recorded',
    async (_where, odd, sentChunks, recorded) => {
      const { all, keys, changes } = fiveDatasets(odd);
      const port = {
        ...importingPort(0),
        tables: () => Promise.resolve(['d0', 'd1', 'd2', 'd3', 'd4']),
      };
      const ids = new Map([[byKey.get('database/wh')!, 1]]);
      const { running, registry } = bulkInto(changes, port, all, keys, ids, '6.0', { chunk: 2 });
      const error = await running;
      expect(error).toBeInstanceOf(BulkCreateError);
      const e = error as BulkCreateError;
      expect(e.message).toMatch(/was not sent: Superset 6\.0\S* cannot import these values/);
      expect(e.message).toContain(`dataset "${odd}": currency_code_column`);
      expect(e.mayExist).toBe(false);
      expect(e.failed?.name).toBe(sentChunks === 0 ? 'd0' : 'd2');
      expect(port.imports).toEqual([changes.slice(0, 2).map((c) => c.uuid)].slice(0, sentChunks));
      expect([...e.made.keys()]).toEqual(changes.slice(0, 2 * sentChunks).map((c) => c.uuid));
      // What was imported is recorded with its Superset id; nothing else keeps a claim.
      const applied = await registry.readApplied();
      expect(applied.map((r) => [r.name, r.supersetId > 0]).sort()).toEqual(recorded.map((n) => [n, true]));
    },
  );

  it('imports chunk after chunk; a refused chunk and the ones after it leave no claim, what came before is recorded', async () => {
    const charts = Array.from({ length: 5 }, (_, i) =>
      object('chart', `c${i}`, { dataset: 'old', viz_type: 'table' }),
    );
    const all = new Map([...desired, ...charts.map((c) => [c.uuid, c] as const)]);
    const keys = new Map([...byKey, ...charts.map((c) => [objectKey('chart', c.name), c.uuid] as const)]);
    const changes = charts.map((c) => change('create', 'chart', c.name));
    const port = importingPort(2);
    const ids = new Map([[byKey.get('dataset/old')!, 2]]);
    const { running, registry } = bulkInto(changes, port, all, keys, ids, '6.1', { chunk: 2 });
    const error = await running;
    expect(error).toBeInstanceOf(BulkCreateError);
    const e = error as BulkCreateError;
    expect(port.imports).toEqual([
      changes.slice(0, 2).map((c) => c.uuid),
      changes.slice(2, 4).map((c) => c.uuid),
    ]);
    expect([...e.made.keys()]).toEqual(changes.slice(0, 2).map((c) => c.uuid));
    expect(e.failed?.name).toBe('c2');
    expect(e.mayExist).toBe(false);
    const applied = await registry.readApplied();
    expect(applied.map((r) => [r.name, r.supersetId > 0]).sort()).toEqual([
      ['c0', true],
      ['c1', true],
    ]);
  });

  describe('side by side: waves by dependency level', () => {
    /** N new charts (c0...) on the existing dataset `old`, and a dashboard `board` of the first and last. */
    function chartsAndBoard(n: number) {
      const charts = Array.from({ length: n }, (_, i) =>
        object('chart', `c${i}`, { dataset: 'old', viz_type: 'table' }),
      );
      const board = object('dashboard', 'board', {
        title: 'Board',
        layout: [{ row: [{ chart: 'c0' }, { chart: `c${n - 1}` }] }],
      });
      const all = new Map([...desired, ...[...charts, board].map((o) => [o.uuid, o] as const)]);
      const keys = new Map([
        ...byKey,
        ...[...charts, board].map((o) => [objectKey(o.kind, o.name), o.uuid] as const),
      ]);
      const changes = [
        ...charts.map((c) => change('create', 'chart', c.name)),
        change('create', 'dashboard', 'board'),
      ];
      return { all, keys, changes };
    }
    const shape = (waves: PlannedChange[][][]) => waves.map((w) => w.map((chunk) => chunk.length));

    it('puts what an object refers to in an earlier wave, and splits a large level into as many imports as go at once', () => {
      const datasets = Array.from({ length: 60 }, (_, i) => object('dataset', `t${i}`, { database: 'wh' }));
      const charts = Array.from({ length: 120 }, (_, i) =>
        object('chart', `k${i}`, { dataset: `t${i % 4}`, viz_type: 'table' }),
      );
      const boards = [0, 1].map((b) =>
        object('dashboard', `b${b}`, { layout: [{ row: [{ chart: `k${b}` }, { chart: `k${119 - b}` }] }] }),
      );
      const mine = [...datasets, ...charts, ...boards];
      const all = new Map([...desired, ...mine.map((o) => [o.uuid, o] as const)]);
      const keys = new Map([...byKey, ...mine.map((o) => [objectKey(o.kind, o.name), o.uuid] as const)]);
      const changes = mine.map((o) => change('create', o.kind, o.name));
      const waves = importWaves(changes, all, (k) => keys.get(k), 500, 2);
      // The datasets in one import, though there are enough to split (two imports adding their schema's
      // permission at once would collide in Superset); the charts in two at once.
      expect(shape(waves)).toEqual([[60], [60, 60], [2]]);
      expect(waves.map((w) => [...new Set(w.flat().map((c) => c.kind))])).toEqual([
        ['dataset'],
        ['chart'],
        ['dashboard'],
      ]);
      // Smaller chunks when the level is larger than two of them; three imports at once split it in three.
      expect(shape(importWaves(changes, all, (k) => keys.get(k), 50, 2))).toEqual([
        [30],
        [30],
        [40, 40, 40],
        [2],
      ]);
      expect(shape(importWaves(changes, all, (k) => keys.get(k), 500, 3))).toEqual([[60], [40, 40, 40], [2]]);
      // Every object's dependencies among the changes are in a wave before its own.
      const waveOf = new Map(waves.flatMap((w, i) => w.flat().map((c) => [c.uuid, i] as const)));
      for (const c of changes)
        for (const key of dependenciesOf(all.get(c.uuid)!)) {
          const dep = keys.get(key);
          if (dep !== undefined && waveOf.has(dep))
            expect(waveOf.get(dep)!).toBeLessThan(waveOf.get(c.uuid)!);
        }
      // One import at a time, or fewer objects than make waves worth it: plan order, as many as fit in each.
      expect(shape(importWaves(changes, all, (k) => keys.get(k), 500, 1))).toEqual([[182]]);
      expect(shape(importWaves(changes, all, (k) => keys.get(k), 50, 1))).toEqual([[46], [46], [46], [44]]);
      expect(shape(importWaves(changes.slice(0, 60), all, (k) => keys.get(k), 500, 2))).toEqual([[60]]);
      // A level with enough beyond its last 100: those go on their own, after the rest side by side.
      const many = Array.from({ length: 400 }, (_, i) =>
        object('chart', `m${i}`, { dataset: 'old', viz_type: 'table' }),
      );
      const manyAll = new Map([...desired, ...many.map((o) => [o.uuid, o] as const)]);
      const manyKeys = new Map([...byKey, ...many.map((o) => [objectKey(o.kind, o.name), o.uuid] as const)]);
      const manyChanges = many.map((o) => change('create', o.kind, o.name));
      const manyWaves = importWaves(manyChanges, manyAll, (k) => manyKeys.get(k), 500, 2);
      expect(shape(manyWaves)).toEqual([[150, 150], [100]]);
      expect(manyWaves[1]![0]).toEqual(manyChanges.slice(300));
      // A new dataset beside charts on an existing one (one level): the dataset alone, then the charts side by side.
      const mixed = [change('create', 'dataset', 't0'), ...changes.slice(60, 180)];
      const onOld = new Map([
        ...all,
        ...charts.map(
          (c) => [c.uuid, object('chart', c.name, { dataset: 'old', viz_type: 'table' })] as const,
        ),
      ]);
      expect(shape(importWaves(mixed, onOld, (k) => keys.get(k), 500, 2))).toEqual([[1], [60, 60]]);
    });

    /** A Superset whose imports wait until the test answers them (numbered from 1, in the order sent). */
    function heldPort() {
      const inner = importingPort(0);
      const pending: { n: number; zip: Buffer; answer: (error?: Error) => void }[] = [];
      let n = 0;
      const port = {
        ...inner,
        imports: inner.imports,
        pending,
        importBundle(zip: Buffer) {
          const mine = ++n;
          return new Promise<void>((resolve, reject) => {
            pending.push({
              n: mine,
              zip,
              answer: (error) => {
                if (error) reject(error);
                else void inner.importBundle(zip).then(resolve, reject);
              },
            });
          });
        },
        /** Answers the import numbered `which`, with `error` if given. */
        answer(which: number, error?: Error) {
          const i = pending.findIndex((p) => p.n === which);
          pending.splice(i, 1)[0]!.answer(error);
        },
      };
      return port;
    }
    const failure = (code: 'invalid' | 'timeout') =>
      new SupersetApiError('Import failed', {
        code,
        status: code === 'invalid' ? 422 : undefined,
        method: 'POST',
        path: '/api/v1/assets/import/',
        context: { op: 'import', kind: 'assets' },
      } as never);
    const until = async (what: () => boolean) => {
      for (let i = 0; i < 200 && !what(); i++) await new Promise((r) => setTimeout(r, 5));
      expect(what()).toBe(true);
    };

    function start(atOnce: number) {
      const { all, keys, changes } = chartsAndBoard(120);
      const port = heldPort();
      const ids = new Map([[byKey.get('dataset/old')!, 2]]);
      const { running, registry } = bulkInto(changes, port, all, keys, ids, '6.1', { atOnce });
      return { port, registry, running, changes };
    }

    it("sends a level's imports at once, and the next level only once they are all answered", async () => {
      const { port, registry, running, changes } = start(2);
      await until(() => port.pending.length === 2);
      await new Promise((r) => setTimeout(r, 100));
      // The two halves of the charts are in flight; the dashboard waits for both.
      expect(port.pending.map((p) => p.n)).toEqual([1, 2]);
      port.answer(2);
      await new Promise((r) => setTimeout(r, 100));
      expect(port.pending.map((p) => p.n)).toEqual([1]);
      port.answer(1);
      await until(() => port.pending.length === 1);
      // The held port records an import once it is answered: the second half first.
      expect(port.imports).toEqual([
        changes.slice(60, 120).map((c) => c.uuid),
        changes.slice(0, 60).map((c) => c.uuid),
      ]);
      port.answer(3);
      const made = await running;
      expect(made).toBeInstanceOf(Map);
      expect([...(made as Map<string, number>).keys()].sort()).toEqual(changes.map((c) => c.uuid).sort());
      expect(port.imports[2]).toEqual([changes[120]!.uuid]);
      const applied = await registry.readApplied();
      expect(applied.filter((r) => r.supersetId > 0)).toHaveLength(121);
    });

    it.each([
      ['refused: it made nothing, so its claims go', 'invalid', false],
      ['timed out: it may have made something, so its claims stay', 'timeout', true],
    ] as const)(
      'one of two imports at once %s; the other is recorded and the next level is never sent',
      async (_what, code, mayExist) => {
        const { port, registry, running, changes } = start(2);
        await until(() => port.pending.length === 2);
        port.answer(1, failure(code));
        await new Promise((r) => setTimeout(r, 50));
        port.answer(2);
        const e = (await running) as BulkCreateError;
        expect(e).toBeInstanceOf(BulkCreateError);
        expect(e.failed?.name).toBe('c0');
        expect(e.mayExist).toBe(mayExist);
        expect(e.message).toMatch(/The import of 60 new .* \(from chart "c0"\) failed: Import failed/);
        expect([...e.made.keys()].sort()).toEqual(
          changes
            .slice(60, 120)
            .map((c) => c.uuid)
            .sort(),
        );
        expect(port.imports).toHaveLength(1); // the held port records an import once it is answered
        expect(port.pending).toEqual([]);
        const applied = await registry.readApplied();
        expect(
          applied
            .filter((r) => r.supersetId > 0)
            .map((r) => r.name)
            .sort(),
        ).toEqual(
          changes
            .slice(60, 120)
            .map((c) => c.name)
            .sort(),
        );
        // The dashboard was never sent: no claim. The failed half keeps its claims only when it may exist.
        const claims = applied.filter((r) => r.supersetId === 0).map((r) => r.name);
        expect(claims.includes('board')).toBe(false);
        expect(claims.sort()).toEqual(
          mayExist
            ? changes
                .slice(0, 60)
                .map((c) => c.name)
                .sort()
            : [],
        );
      },
    );
  });
});
