// The sync engine end to end on live Superset and ZooKeeper: create everything, apply again (nothing),
// change one attribute per kind (exactly those writes), then prune with and without protection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../../src/plan/types.js';
import { createFixture, type Fixture } from './fixture.js';
import { cli, engine, type Engine } from './harness.js';
import { actions, changeOf, exists, idOf, json, names, nodeTypes, readBack } from './read-back.js';
import { FILES, writeSampleTree, type SampleNames } from './sample-tree.js';

let fx: Fixture;
let n: SampleNames;
let eng: Engine;

async function planJson(...args: string[]): Promise<{ code: number; plan: Plan }> {
  const r = await cli(fx, 'plan', '--format', 'json', ...args);
  expect(r.stderr).toBe('');
  return { code: r.code, plan: JSON.parse(r.stdout) as Plan };
}

/** Plan says "no changes" both ways: trusting changed_on (list calls only) and reading everything. */
async function expectConverged(): Promise<void> {
  eng.port.reset();
  const quick = await eng.plan();
  expect(actions(quick.plan)).toEqual([]);
  expect(eng.port.log.filter((c) => c.op !== 'list')).toEqual([]);
  const full = await eng.plan({ readAll: true });
  expect(actions(full.plan)).toEqual([]);
  expect((await cli(fx, 'plan')).code).toBe(0);
  expect((await cli(fx, 'plan', '--read-all')).code).toBe(0);
}

beforeAll(async () => {
  fx = createFixture('life');
  n = writeSampleTree(fx);
  eng = await engine(fx);
});

afterAll(async () => {
  await eng?.close();
  await fx?.cleanup();
});

describe('sync: apply, re-apply, change, prune', () => {
  it('creates a database, a physical and a virtual dataset, charts and a dashboard that Superset serves', async () => {
    const first = await cli(fx, 'apply');
    expect(first.stderr).not.toContain('FAILED');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Apply complete: 9 created, 0 updated, 0 deleted');

    const db = await readBack(fx.admin, 'database', n.database);
    expect(db.sqlalchemy_uri).toBe(fx.warehouseUri.replace('warehouse@', 'warehouse:XXXXXXXXXX@'));
    expect([db.allow_dml, db.expose_in_sqllab, db.cache_timeout]).toEqual([false, true, 300]);
    expect(json(db.extra)).toMatchObject({ engine_params: { connect_args: { connect_timeout: 10 } } });

    const orders = await readBack(fx.admin, 'dataset', `orders_${fx.runId}`);
    const ordersId = await idOf(fx.admin, 'dataset', `orders_${fx.runId}`);
    expect(orders.sql ?? null).toBeNull();
    expect([orders.main_dttm_col, orders.schema, orders.cache_timeout]).toEqual([
      'order_date',
      'public',
      120,
    ]);
    expect(names(orders.columns, 'column_name')).toEqual(
      ['amount', 'amount_x2', 'order_date', 'order_id', 'product', 'region', 'status'].sort(),
    );
    const columns = new Map((orders.columns as Record<string, unknown>[]).map((c) => [c.column_name, c]));
    expect(columns.get('region')?.verbose_name).toBe('Region');
    expect(columns.get('amount_x2')?.expression).toBe('amount * 2');
    expect(columns.get('order_date')?.is_dttm).toBe(true);
    // The full list of metrics: Superset's automatic COUNT(*) metric is gone.
    expect(names(orders.metrics, 'metric_name')).toEqual(['order_count', 'revenue']);

    const byRegion = await readBack(fx.admin, 'dataset', `by_region_${fx.runId}`);
    expect(String(byRegion.sql)).toContain(`FROM orders_${fx.runId}`);
    expect(names(byRegion.metrics, 'metric_name')).toEqual(['total_revenue']);
    // It has no timeout of its own; Superset 6.1 answers with its database's, older ones with none
    // (the plan knows both).
    const { family } = await fx.admin.capabilities();
    expect(byRegion.cache_timeout).toBe(family === '6.1' ? 300 : null);

    const viz = new Map<string, string>();
    for (const name of [n.pie, n.bigNumber, n.table, n.bar, n.counter]) {
      const chart = await readBack(fx.admin, 'chart', name);
      viz.set(name, String(chart.viz_type));
      const data = await fx.admin.chartData(await idOf(fx.admin, 'chart', name));
      expect(data[0]?.rowcount, `rows of ${name}`).toBeGreaterThan(0);
    }
    expect(new Set(viz.values())).toEqual(
      new Set(['pie', 'big_number_total', 'table', 'echarts_timeseries_bar']),
    );
    const pieData = await fx.admin.chartData(await idOf(fx.admin, 'chart', n.pie));
    expect(pieData[0]?.rowcount).toBe(4); // four regions
    const pie = await readBack(fx.admin, 'chart', n.pie);
    expect(json(pie.params).row_limit).toBe(100);
    expect(pie.datasource_id).toBe(ordersId);

    const bigNumber = await readBack(fx.admin, 'chart', n.bigNumber);
    // A string in 6.x's GET, a number in 5.0's.
    expect([String(bigNumber.cache_timeout), bigNumber.certified_by]).toEqual(['60', 'Finance']);

    const dash = await readBack(fx.admin, 'dashboard', `Sales ${fx.runId}`);
    expect([dash.css, dash.certified_by]).toEqual(['.header { color: navy; }', 'Data team']);
    expect([dash.slug, dash.published]).toEqual([n.slug, true]);
    expect([...(dash.charts as string[])].sort()).toEqual([n.bigNumber, n.pie, n.table].sort());
    expect(nodeTypes(dash.position_json)).toEqual(
      expect.arrayContaining(['CHART', 'GRID', 'HEADER', 'MARKDOWN', 'ROOT', 'ROW', 'TAB', 'TABS']),
    );
    const metadata = json(dash.json_metadata);
    const filters = metadata.native_filter_configuration as Record<string, unknown>[];
    expect(filters.map((f) => [f.name, f.filterType])).toEqual([['Region', 'filter_select']]);
    expect(filters[0]?.targets).toEqual([{ datasetId: ordersId, column: { name: 'region' } }]);
    expect(metadata).toMatchObject({
      color_scheme: 'supersetColors',
      refresh_frequency: 300,
      label_colors: { north: '#1f77b4' },
    });
  });

  it('applies a second time as a no-op: exit 0, no writes, no full reads', async () => {
    eng.port.reset();
    const again = await eng.apply();
    expect(again.result).toBe('success');
    expect(actions(again.plan)).toEqual([]);
    expect(again.plan.summary.noop).toBe(9);
    expect(eng.port.writes()).toEqual([]);
    expect(eng.port.count('get')).toBe(0);
    const viaCli = await cli(fx, 'apply');
    expect(viaCli.code).toBe(0);
    expect(viaCli.stdout).toContain('Apply complete: 0 created, 0 updated, 0 deleted');
    await expectConverged();
  });

  it('plans exactly the one attribute changed per kind, and applies exactly those writes', async () => {
    fx.edit(FILES.database, (t) => t.replace('allow_dml: false', 'allow_dml: true'));
    fx.edit(FILES.orders, (t) => t.replace('verbose_name: Region', 'verbose_name: Sales region'));
    fx.edit(FILES.pie, (t) => t.replace('row_limit: 100', 'row_limit: 50'));
    fx.edit(FILES.dashboard, (t) => t.replace(`title: Sales ${fx.runId}`, `title: Sales v2 ${fx.runId}`));

    const { code, plan } = await planJson();
    expect(code).toBe(2);
    expect(actions(plan).sort()).toEqual(
      [
        `update database ${n.database}`,
        `update dataset ${n.orders}`,
        `update chart ${n.pie}`,
        `update dashboard ${n.dashboard}`,
      ].sort(),
    );
    expect(changeOf(plan, 'database', n.database).changes).toEqual([
      { path: 'allow_dml', before: false, after: true },
    ]);
    expect(changeOf(plan, 'dataset', n.orders).changes).toEqual([
      { path: 'columns[region].verbose_name', before: 'Region', after: 'Sales region' },
    ]);
    expect(changeOf(plan, 'chart', n.pie).changes).toEqual([
      { path: 'params.row_limit', before: 100, after: 50 },
    ]);
    expect(changeOf(plan, 'dashboard', n.dashboard).changes).toEqual([
      { path: 'dashboard_title', before: `Sales ${fx.runId}`, after: `Sales v2 ${fx.runId}` },
    ]);
    const text = await cli(fx, 'plan');
    expect(text.code).toBe(2);
    expect(text.stdout).toContain('~ allow_dml: false -> true');
    expect(text.stdout).toContain('~ params.row_limit: 100 -> 50');
    expect(text.stdout).toContain('Plan: 0 to create, 4 to change, 0 to delete.');

    eng.port.reset();
    const run = await eng.apply();
    expect(run.result).toBe('success');
    const ids = {
      database: await idOf(fx.admin, 'database', n.database),
      dataset: await idOf(fx.admin, 'dataset', `orders_${fx.runId}`),
      chart: await idOf(fx.admin, 'chart', n.pie),
      dashboard: await idOf(fx.admin, 'dashboard', `Sales v2 ${fx.runId}`),
    };
    expect(eng.port.writes()).toEqual([
      { op: 'update', kind: 'database', id: ids.database, fields: ['allow_dml'] },
      { op: 'update', kind: 'dataset', id: ids.dataset, fields: ['always_filter_main_dttm', 'columns'] },
      { op: 'update', kind: 'chart', id: ids.chart, fields: ['params', 'query_context'] },
      { op: 'update', kind: 'dashboard', id: ids.dashboard, fields: ['dashboard_title'] },
    ]);
    // Only the four changed objects were read in full.
    expect(eng.port.count('get')).toBe(4);

    expect((await fx.admin.get('database', ids.database)).allow_dml).toBe(true);
    const orders = await fx.admin.get('dataset', ids.dataset);
    const region = (orders.columns as Record<string, unknown>[]).find((c) => c.column_name === 'region');
    expect(region?.verbose_name).toBe('Sales region');
    expect(names(orders.columns, 'column_name')).toHaveLength(7); // the other columns kept their ids
    expect(json((await fx.admin.get('chart', ids.chart)).params).row_limit).toBe(50);
    const chartData = await fx.admin.chartData(ids.chart);
    expect(chartData[0]?.rowcount).toBe(4);
    await expectConverged();
  });

  it('a key removed from chart params is a change, and apply removes it', async () => {
    fx.edit(FILES.pie, (t) => t.replace('  donut: true\n', ''));
    const { code, plan } = await planJson();
    expect(code).toBe(2);
    expect(changeOf(plan, 'chart', n.pie).changes).toEqual([{ path: 'params.donut', before: true }]);
    expect((await cli(fx, 'apply')).code).toBe(0);
    expect(json((await readBack(fx.admin, 'chart', n.pie)).params)).not.toHaveProperty('donut');
    await expectConverged();
  });

  it('keeps a chart whose file is gone until --prune, and never deletes a protected one', async () => {
    fx.remove(FILES.bar);
    fx.remove(FILES.counter);
    const kept = await planJson();
    expect(kept.code).toBe(0); // nothing to do without --prune
    expect(actions(kept.plan).sort()).toEqual([`orphan chart ${n.bar}`, `orphan chart ${n.counter}`].sort());
    const text = await cli(fx, 'plan');
    expect(text.stdout).toContain(`chart "${n.bar}" is no longer in git and is kept`);
    expect(text.stdout).toContain('deleted only with --prune');
    expect(text.stdout).toContain(`chart "${n.counter}" is no longer in git and is kept: protected`);

    expect((await cli(fx, 'apply')).code).toBe(0);
    expect(await exists(fx.admin, 'chart', n.bar)).toBe(true);

    const pruning = await planJson('--prune');
    expect(pruning.code).toBe(2);
    expect(actions(pruning.plan).sort()).toEqual(
      [`delete chart ${n.bar}`, `orphan chart ${n.counter}`].sort(),
    );

    eng.port.reset();
    const run = await eng.apply({ prune: true });
    expect(run.result).toBe('success');
    expect(eng.port.writes().map((w) => `${w.op} ${w.kind}`)).toEqual(['remove chart']);
    expect(await exists(fx.admin, 'chart', n.bar)).toBe(false);
    expect(await exists(fx.admin, 'chart', n.counter)).toBe(true);

    const after = await planJson('--prune');
    expect(after.code).toBe(0);
    expect(actions(after.plan)).toEqual([`orphan chart ${n.counter}`]);
    expect(await eng.services.registry.readApplied()).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: n.counter, protected: true })]),
    );
  });
});
