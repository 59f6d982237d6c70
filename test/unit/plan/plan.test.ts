import { describe, expect, it } from 'vitest';
import { contentHash } from '../../../src/model/canonical.js';
import type { Attributes } from '../../../src/plan/attributes.js';
import { diffAttributes } from '../../../src/plan/diff.js';
import { hasChanges, planChanges } from '../../../src/plan/plan.js';
import type { AppliedEntry, DesiredEntry, LiveEntry } from '../../../src/plan/types.js';
import { planAsMarkdown, mermaidGraph } from '../../../src/report/plan-markdown.js';
import { planAsText } from '../../../src/report/plan-text.js';

const want = (
  kind: DesiredEntry['kind'],
  name: string,
  attributes: Attributes,
  dependsOn: string[] = [],
): DesiredEntry => ({
  kind,
  name,
  uuid: `u-${kind}-${name}`,
  attributes,
  hash: contentHash(attributes),
  protected: false,
  dependsOn,
});
const live = (d: DesiredEntry, attributes?: Attributes, id = 1): LiveEntry => ({
  kind: d.kind,
  uuid: d.uuid,
  id,
  name: d.name,
  changedOn: null,
  changedBy: null,
  ...(attributes ? { attributes } : {}),
});
const owned = (d: DesiredEntry, id = 1, extra: Partial<AppliedEntry> = {}): AppliedEntry => ({
  kind: d.kind,
  name: d.name,
  uuid: d.uuid,
  supersetId: id,
  hash: d.hash,
  ...extra,
});

const db = want('database', 'warehouse', { database_name: 'warehouse', allow_dml: false });
const ds = want(
  'dataset',
  'orders',
  {
    table_name: 'orders',
    database: 'warehouse',
    columns: [
      { name: 'a', verbose_name: 'A' },
      { name: 'b', verbose_name: null },
    ],
  },
  ['database/warehouse'],
);
const chart = want(
  'chart',
  'Revenue',
  { slice_name: 'Revenue', dataset: 'orders', params: { metric: 'revenue', row_limit: 10 } },
  ['dataset/orders'],
);

describe('planChanges', () => {
  it('creates everything in dependency order on an empty Superset', () => {
    const plan = planChanges('local', [chart, ds, db], [], [], { prune: false });
    expect(plan.changes.map((c) => `${c.action} ${c.kind}`)).toEqual([
      'create database',
      'create dataset',
      'create chart',
    ]);
    expect(plan.summary.create).toBe(3);
    expect(plan.changes[0]?.changes).toContainEqual({ path: 'allow_dml', after: false });
  });

  it('is a no-op when live matches, and needs no full read to say so', () => {
    const plan = planChanges(
      'local',
      [db, ds, chart],
      [live(db), live(ds, ds.attributes, 2), live(chart, chart.attributes, 3)],
      [owned(db), owned(ds, 2), owned(chart, 3)],
      { prune: false },
    );
    expect(plan.summary).toMatchObject({ create: 0, update: 0, delete: 0, noop: 3 });
    expect(hasChanges(plan)).toBe(false);
  });

  it('reports exactly the attribute that changed', () => {
    const before = { ...chart.attributes, params: { metric: 'revenue', row_limit: 100 } };
    const plan = planChanges('local', [chart], [live(chart, before, 7)], [owned(chart, 7)], { prune: false });
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]).toMatchObject({
      action: 'update',
      supersetId: 7,
      changes: [{ path: 'params.row_limit', before: 100, after: 10 }],
    });
  });

  it('matches columns by name, ignores their order and keys the YAML does not manage', () => {
    const liveCols = {
      ...ds.attributes,
      columns: [
        { name: 'b', verbose_name: null, type: 'TEXT' },
        { name: 'a', verbose_name: 'Old', type: 'INT' },
      ],
    };
    const changes = diffAttributes(liveCols, ds.attributes);
    expect(changes).toEqual([{ path: 'columns[a].verbose_name', before: 'Old', after: 'A' }]);
  });

  it('never deletes without --prune, never a protected object, and never one it does not own', () => {
    const gone = want('chart', 'Old', { slice_name: 'Old' });
    const keep = want('chart', 'Kept', { slice_name: 'Kept' });
    const foreign = want('chart', 'Foreign', { slice_name: 'Foreign' });
    const lives = [
      live(gone, gone.attributes, 4),
      live(keep, keep.attributes, 5),
      live(foreign, foreign.attributes, 6),
    ];
    const applied = [owned(gone, 4), owned(keep, 5, { protected: true })];
    const noPrune = planChanges('local', [], lives, applied, { prune: false });
    expect(noPrune.changes.map((c) => c.action)).toEqual(['orphan', 'orphan']);
    const prune = planChanges('local', [], lives, applied, { prune: true });
    expect(prune.changes.map((c) => `${c.action} ${c.name}`)).toEqual(['orphan Kept', 'delete Old']);
    expect(prune.changes.some((c) => c.name === 'Foreign')).toBe(false);
  });

  it('deletes in reverse dependency order after creates and updates', () => {
    const oldDs = want('dataset', 'legacy', { table_name: 'legacy' });
    const oldChart = want('chart', 'Legacy', { slice_name: 'Legacy' });
    const plan = planChanges(
      'local',
      [chart],
      [live(oldDs, oldDs.attributes, 8), live(oldChart, oldChart.attributes, 9)],
      [owned(oldDs, 8), owned(oldChart, 9)],
      { prune: true },
    );
    expect(plan.changes.map((c) => `${c.action} ${c.kind}`)).toEqual([
      'create chart',
      'delete chart',
      'delete dataset',
    ]);
  });

  it('reports a conflict instead of touching an object it does not own', () => {
    const plan = planChanges('local', [db], [live(db, db.attributes, 1)], [], { prune: false });
    expect(plan.changes[0]).toMatchObject({ action: 'conflict' });
    expect(plan.changes[0]?.note).toMatch(/not owned/);
    const adopted = planChanges('local', [db], [live(db, db.attributes, 1)], [], {
      prune: false,
      adopt: true,
    });
    expect(adopted.changes[0]?.action).toBe('noop');
  });

  it('reports a name clash with an unmanaged object as a conflict', () => {
    const other: LiveEntry = {
      kind: 'database',
      uuid: 'other',
      id: 9,
      name: 'warehouse',
      changedOn: null,
      changedBy: null,
    };
    const plan = planChanges('local', [db], [other], [], { prune: false });
    expect(plan.changes[0]?.action).toBe('conflict');
    expect(plan.changes[0]?.note).toMatch(/already has a database named "warehouse"/);
  });

  it('recreates an owned object deleted in Superset, and forgets a deleted orphan', () => {
    const gone = want('chart', 'Gone', { slice_name: 'Gone' });
    const plan = planChanges('local', [chart], [], [owned(chart, 3), owned(gone, 4)], { prune: false });
    expect(plan.changes.map((c) => c.action)).toEqual(['create', 'forget']);
    expect(plan.changes[0]?.note).toMatch(/deleted in Superset outside/);
  });

  it('says when a create was claimed but never finished', () => {
    const plan = planChanges('local', [chart], [], [owned(chart, 0)], { prune: false });
    expect(plan.changes[0]).toMatchObject({
      action: 'create',
      note: 'an earlier apply stopped before creating it',
    });
  });

  it('limits the plan to targets and what they depend on', () => {
    const plan = planChanges(
      'local',
      [db, ds, chart, want('chart', 'Other', { slice_name: 'Other' }, ['dataset/orders'])],
      [],
      [],
      { prune: false, targets: ['chart/Revenue'] },
    );
    expect(plan.changes.map((c) => c.name)).toEqual(['warehouse', 'orders', 'Revenue']);
  });
});

describe('plan output', () => {
  const plan = planChanges(
    'local',
    [
      db,
      ds,
      { ...chart, attributes: { ...chart.attributes, params: { metric: 'order_count', row_limit: 10 } } },
    ],
    [live(db), live(ds, ds.attributes, 2), live(chart, chart.attributes, 3)],
    [owned(db), owned(ds, 2), owned(chart, 3)],
    { prune: false },
  );

  it('reads like Terraform', () => {
    const text = planAsText(plan);
    expect(text).toContain('  ~ chart "Revenue" (id 3)');
    expect(text).toContain('      ~ params.metric: "revenue" -> "order_count"');
    expect(text).toContain('Plan: 0 to create, 1 to change, 0 to delete. (2 unchanged)');
  });

  it('gives a markdown comment with a Mermaid graph of touched objects and their dependents', () => {
    const md = planAsMarkdown(plan);
    expect(md).toContain('| ✏️ update | chart | Revenue | 1 |');
    const graph = mermaidGraph(
      planChanges(
        'local',
        [db, ds, chart],
        [
          live(db, { ...db.attributes, allow_dml: true }),
          live(ds, ds.attributes, 2),
          live(chart, chart.attributes, 3),
        ],
        [owned(db), owned(ds, 2), owned(chart, 3)],
        { prune: false },
      ),
    );
    expect(graph).toContain('database_warehouse["database: warehouse"]:::update');
    expect(graph).toContain('dataset_orders["dataset: orders"]:::noop');
    expect(graph).toContain('database_warehouse --> dataset_orders');
    expect(graph).toContain('dataset_orders --> chart_Revenue');
  });
});

describe('dataset identity', () => {
  it('the same table name in another schema of the same database is no clash', () => {
    const want: DesiredEntry = {
      kind: 'dataset',
      name: 'orders_b',
      uuid: '00000000-0000-4000-8000-0000000000b1',
      attributes: { table_name: 'orders', database: 'wh', schema: 'b' },
      hash: 'h',
      protected: false,
      dependsOn: [],
    };
    const live = (schema: string | null): LiveEntry => ({
      kind: 'dataset',
      uuid: '00000000-0000-4000-8000-0000000000a1',
      id: 1,
      name: 'orders',
      changedOn: null,
      changedBy: null,
      attributes: { table_name: 'orders', database: 'wh', schema },
    });
    expect(planChanges('t', [want], [live('a')], [], { prune: false }).changes[0]?.action).toBe('create');
    expect(planChanges('t', [want], [live('b')], [], { prune: false }).changes[0]?.action).toBe('conflict');
  });
});
