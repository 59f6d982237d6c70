import { describe, expect, it } from 'vitest';
import { deriveUuid, type AnyDesired } from '../../../src/model/object.js';
import { checkPreviewId, previewSet, previewUuid } from '../../../src/preview/copies.js';
import { previewAsMarkdown } from '../../../src/report/preview-text.js';
import { agentScope } from '../../../src/watch/scope.js';

function obj(kind: AnyDesired['kind'], name: string, spec: Record<string, unknown>): AnyDesired {
  return {
    kind,
    name,
    uuid: deriveUuid(kind, name),
    spec: { kind, name, ...spec },
    source: { file: `${kind}s/${name}.yaml`, line: 1, col: 1 },
  } as AnyDesired;
}

const tree = [
  obj('database', 'wh', { sqlalchemy_uri: 'postgresql://x@h/db' }),
  obj('dataset', 'orders', {
    database: 'wh',
    schema: 'public',
    metrics: [{ name: 'n', expression: 'COUNT(*)' }],
  }),
  obj('dataset', 'people', { database: 'wh', sql: 'SELECT 1 AS x' }),
  obj('chart', 'Revenue', { dataset: 'orders', viz_type: 'pie', params: { row_limit: 3 } }),
  obj('chart', 'Count', { dataset: 'orders', viz_type: 'big_number_total', title: 'How many' }),
  obj('chart', 'Elsewhere', { dataset: 'people', viz_type: 'table' }),
  obj('dashboard', 'sales', {
    title: 'Sales',
    slug: 'sales',
    layout: [{ row: [{ chart: 'Revenue' }, { chart: 'Count' }] }],
  }),
];

describe('previewSet', () => {
  it('copies what changed and the charts a changed dashboard shows; uses the rest as it is', () => {
    const set = previewSet(tree, new Set(['chart/Revenue', 'dashboard/sales']), '123');
    expect(set.copies.map((c) => [c.kind, c.name, c.touched])).toEqual([
      ['chart', 'Revenue', true],
      ['chart', 'Count', false],
      ['dashboard', 'sales', true],
    ]);
    // The dataset and database they use are there to be referred to, never written.
    expect([...set.reused.keys()].sort()).toEqual(
      [deriveUuid('database', 'wh'), deriveUuid('dataset', 'orders')].sort(),
    );
    expect(set.objects.map((o) => `${o.kind}/${o.name}`)).toEqual([
      'database/wh',
      'dataset/orders',
      'chart/Revenue',
      'chart/Count',
      'dashboard/sales',
    ]);
    const byName = new Map(set.objects.map((o) => [o.name, o]));
    expect(byName.get('Revenue')?.uuid).toBe(previewUuid('123', deriveUuid('chart', 'Revenue')));
    expect(byName.get('Revenue')?.spec).toMatchObject({ title: '[PR 123] Revenue', dataset: 'orders' });
    expect(byName.get('Count')?.spec).toMatchObject({ title: '[PR 123] How many' });
    expect(byName.get('sales')?.spec).toMatchObject({ title: '[PR 123] Sales', slug: 'pr-123-sales' });
    // Copies keep their YAML names: the dashboard's layout refers to the copies.
    expect(byName.get('sales')?.spec).toMatchObject({
      layout: [{ row: [{ chart: 'Revenue' }, { chart: 'Count' }] }],
    });
    expect(set.notes).toEqual([]);
  });

  it('a changed dataset becomes a copy on the same table (Superset keeps one dataset per table)', () => {
    const set = previewSet(
      [...tree, obj('dataset', 'odd', { database: 'wh', schema: 'Sales Data', table_name: 'Order "lines"' })],
      new Set(['dataset/orders', 'dataset/people', 'dataset/odd']),
      'feat-x',
    );
    // Names that need quoting are quoted; plain ones are left as they are (engines fold case differently).
    expect(set.objects.find((o) => o.name === '[preview feat-x] odd')?.spec).toMatchObject({
      sql: 'SELECT * FROM "Sales Data"."Order ""lines"""',
    });
    const orders = set.objects.find((o) => o.name === '[preview feat-x] orders');
    expect(orders?.spec).toMatchObject({
      table_name: 'pr_feat_x_orders',
      sql: 'SELECT * FROM public.orders',
      schema: 'public',
    });
    expect(set.objects.find((o) => o.name === '[preview feat-x] people')?.spec).toMatchObject({
      table_name: 'pr_feat_x_people',
      sql: 'SELECT 1 AS x',
    });
    expect(set.copies.every((c) => c.kind === 'dataset')).toBe(true);
    expect([...set.reused.keys()]).toEqual([deriveUuid('database', 'wh')]);
  });

  it('the chart and dashboard copies use the dataset copy, under its own name', () => {
    const withFilter = tree.map((o) =>
      o.kind === 'dashboard'
        ? {
            ...o,
            spec: {
              ...o.spec,
              native_filters: [
                { name: 'R', type: 'filter_select', targets: [{ dataset: 'orders', column: 'r' }] },
              ],
            },
          }
        : o,
    );
    const set = previewSet(withFilter, new Set(['dataset/orders', 'dashboard/sales']), '5');
    const byName = new Map(set.objects.map((o) => [o.name, o]));
    expect(byName.get('Revenue')?.spec).toMatchObject({ dataset: '[PR 5] orders' });
    expect(byName.get('sales')?.spec).toMatchObject({
      native_filters: [{ targets: [{ dataset: '[PR 5] orders', column: 'r' }] }],
    });
    // A chart that is not copied stays on the real dataset (and is not in the preview at all).
    expect(byName.has('Elsewhere')).toBe(false);
    expect(byName.has('orders')).toBe(false);
  });

  it('never copies a database; a changed one is noted and used as it is', () => {
    const set = previewSet(tree, new Set(['database/wh', 'chart/Elsewhere']), '9');
    expect(set.copies.map((c) => c.name)).toEqual(['Elsewhere']);
    expect(set.notes).toEqual(['database "wh" changes too; the preview uses it as Superset has it']);
  });

  it('copy uuids differ per preview and are stable per object', () => {
    const uuid = deriveUuid('chart', 'Revenue');
    expect(previewUuid('1', uuid)).toBe(previewUuid('1', uuid));
    expect(previewUuid('1', uuid)).not.toBe(previewUuid('2', uuid));
    expect(previewUuid('1', uuid)).not.toBe(uuid);
  });

  it.each(['', '../x', 'a b', 'x'.repeat(41), '-1', 'Feat', 'a_b'])('refuses the id %j', (id) => {
    expect(checkPreviewId(id)).toMatch(/preview id/);
  });
  it.each(['1', '123', 'feat-x-2'])('accepts the id %j', (id) => expect(checkPreviewId(id)).toBeUndefined());
});

describe('the preview comment section', () => {
  it('links the copies and the current objects and names the images', () => {
    const md = previewAsMarkdown({
      id: '12',
      created: 2,
      updated: 0,
      deleted: 0,
      notes: [],
      screenshotErrors: [],
      objects: [
        {
          kind: 'chart',
          name: 'Revenue',
          uuid: 'u1',
          original: 'o1',
          touched: true,
          id: 5,
          url: 'http://s/explore/?slice_id=5',
          originalId: 2,
          originalUrl: 'http://s/explore/?slice_id=2',
          png: '/tmp/x/chart-revenue-pr-12.png',
          originalPng: '/tmp/x/chart-revenue-current.png',
        },
        {
          kind: 'chart',
          name: 'New one',
          uuid: 'u2',
          original: 'o2',
          touched: true,
          id: 6,
          url: 'http://s/explore/?slice_id=6',
        },
      ],
    });
    expect(md).toContain('### Preview');
    expect(md).toContain(
      '| chart "Revenue" | [open](http://s/explore/?slice_id=5) | [open](http://s/explore/?slice_id=2) | `chart-revenue-pr-12.png` `chart-revenue-current.png` |',
    );
    expect(md).toContain('| chart "New one" | [open](http://s/explore/?slice_id=6) | new |  |');
  });
});

describe('the watch agent', () => {
  it('does not follow the previews under its environment root', () => {
    const scope = agentScope('/sg/staging', () => 's1');
    expect(scope('/sg/staging/previews')).toBeNull();
    expect(scope('/sg/staging/previews/12/applied/chart/x')).toBeNull();
    expect(scope('/sg/staging/applied')).not.toBeNull();
  });
});
