// Edits made in Superset (through its REST API, not this tool) show in the plan attribute by attribute
// and apply puts them back; details of Superset's API that would otherwise cause spurious changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../../src/plan/types.js';
import { createFixture, type Fixture } from './fixture.js';
import { cli, engine, type Engine } from './harness.js';
import { actions, changeOf, idOf, json, names, readBack } from './read-back.js';
import { supersetCall } from './raw-http.js';
import { FILES, writeSampleTree, type SampleNames } from './sample-tree.js';

let fx: Fixture;
let n: SampleNames;
let eng: Engine;
const ids: Record<'database' | 'orders' | 'pie' | 'bigNumber' | 'dashboard', number> = {
  database: 0,
  orders: 0,
  pie: 0,
  bigNumber: 0,
  dashboard: 0,
};

async function plan(...args: string[]): Promise<{ code: number; plan: Plan }> {
  const r = await cli(fx, 'plan', '--format', 'json', ...args);
  return { code: r.code, plan: JSON.parse(r.stdout) as Plan };
}

async function expectConverged(): Promise<void> {
  eng.port.reset();
  expect(actions((await eng.plan()).plan)).toEqual([]);
  expect(eng.port.log.filter((c) => c.op !== 'list')).toEqual([]);
  expect(actions((await eng.plan({ readAll: true })).plan)).toEqual([]);
}

beforeAll(async () => {
  fx = createFixture('edits');
  n = writeSampleTree(fx);
  const first = await cli(fx, 'apply');
  if (first.code !== 0) throw new Error(`first apply failed:\n${first.stdout}\n${first.stderr}`);
  eng = await engine(fx);
  ids.database = await idOf(fx.admin, 'database', n.database);
  ids.orders = await idOf(fx.admin, 'dataset', `orders_${fx.runId}`);
  ids.pie = await idOf(fx.admin, 'chart', n.pie);
  ids.bigNumber = await idOf(fx.admin, 'chart', n.bigNumber);
  ids.dashboard = await idOf(fx.admin, 'dashboard', `Sales ${fx.runId}`);
});

afterAll(async () => {
  await eng?.close();
  await fx?.cleanup();
});

describe('sync: edits made in Superset', () => {
  it('plans each attribute edited through the REST API (before -> after) and apply restores it', async () => {
    const pieParams = json((await fx.admin.get('chart', ids.pie)).params);
    await fx.admin.update('chart', ids.pie, { params: JSON.stringify({ ...pieParams, row_limit: 7 }) });
    await fx.admin.update('chart', ids.bigNumber, { slice_name: `Edited ${fx.runId}` });
    await fx.admin.update('dashboard', ids.dashboard, { dashboard_title: `Edited dash ${fx.runId}` });
    await fx.admin.update('dataset', ids.orders, { description: 'edited in Superset' });
    await fx.admin.update('database', ids.database, { allow_ctas: true });

    const { code, plan: drift } = await plan();
    expect(code).toBe(2);
    expect(actions(drift).length).toBe(5);
    expect(changeOf(drift, 'chart', n.pie).changes).toEqual([
      { path: 'params.row_limit', before: 7, after: 100 },
    ]);
    expect(changeOf(drift, 'chart', n.bigNumber).changes).toEqual([
      { path: 'slice_name', before: `Edited ${fx.runId}`, after: n.bigNumber },
    ]);
    expect(changeOf(drift, 'dashboard', n.dashboard).changes).toEqual([
      { path: 'dashboard_title', before: `Edited dash ${fx.runId}`, after: `Sales ${fx.runId}` },
    ]);
    expect(changeOf(drift, 'dataset', n.orders).changes).toEqual([
      { path: 'description', before: 'edited in Superset', after: 'Order lines.' },
    ]);
    expect(changeOf(drift, 'database', n.database).changes).toEqual([
      { path: 'allow_ctas', before: true, after: false },
    ]);

    eng.port.reset();
    const run = await eng.apply();
    expect(run.result).toBe('success');
    expect(eng.port.writes().map((w) => `${w.op} ${w.kind} ${w.id} ${w.fields?.join(',')}`)).toEqual([
      `update database ${ids.database} allow_ctas`,
      `update dataset ${ids.orders} always_filter_main_dttm,description`,
      `update chart ${ids.pie} params,query_context`,
      `update chart ${ids.bigNumber} slice_name`,
      `update dashboard ${ids.dashboard} dashboard_title`,
    ]);
    expect(json((await fx.admin.get('chart', ids.pie)).params).row_limit).toBe(100);
    expect((await fx.admin.get('chart', ids.bigNumber)).slice_name).toBe(n.bigNumber);
    expect((await fx.admin.get('dashboard', ids.dashboard)).dashboard_title).toBe(`Sales ${fx.runId}`);
    await expectConverged();
  });

  it('ignores the colours Superset computes and saves by itself when someone opens the dashboard', async () => {
    // What the dashboard page sends on load (Superset 5.0 and later), without touching changed_on.
    const save = () =>
      supersetCall('PUT', `/api/v1/dashboard/${ids.dashboard}/colors?mark_updated=false`, {
        color_scheme: 'supersetColors',
        color_scheme_domain: ['#1FA8C9', '#454E7C', '#5AC189'],
        shared_label_colors: ['north'],
        map_label_colors: { north: '#1f77b4', south: '#454E7C', east: '#5AC189' },
        label_colors: { north: '#1f77b4' },
      });
    if ((await fx.admin.capabilities()).family === '4.1') {
      // Superset 4.1 has no such endpoint: its dashboard page saves no colours by itself.
      await expect(save()).rejects.toThrow(/-> 404/);
      await expectConverged();
      return;
    }
    await save();
    const stored = json((await fx.admin.get('dashboard', ids.dashboard)).json_metadata);
    expect(stored.map_label_colors).toMatchObject({ south: '#454E7C' });
    await expectConverged();
  });

  it('keeps always_filter_main_dttm when a dataset update sends other fields', async () => {
    fx.edit(FILES.orders, (t) =>
      t.replace('main_dttm_col: order_date\n', '$&always_filter_main_dttm: true\n'),
    );
    expect((await cli(fx, 'apply')).code).toBe(0);
    expect((await fx.admin.get('dataset', ids.orders)).always_filter_main_dttm).toBe(true);
    // Superset resets it to false on any PUT that omits it: a description-only change must not.
    fx.edit(FILES.orders, (t) => t.replace('description: Order lines.', 'description: Order lines (v2).'));
    const { plan: next } = await plan();
    expect(changeOf(next, 'dataset', n.orders).changes.map((c) => c.path)).toEqual(['description']);
    expect((await cli(fx, 'apply')).code).toBe(0);
    const live = await fx.admin.get('dataset', ids.orders);
    expect([live.description, live.always_filter_main_dttm]).toEqual(['Order lines (v2).', true]);
    await expectConverged();
  });

  it('treats columns and metrics as full lists: one left out is deleted, the others keep their ids', async () => {
    const before = await fx.admin.get('dataset', ids.orders);
    const metricId = (raw: Record<string, unknown>, name: string) =>
      (raw.metrics as Record<string, unknown>[]).find((m) => m.metric_name === name)?.id;
    fx.edit(FILES.orders, (t) =>
      t
        .replace('  - name: status\n', '')
        .replace('metrics:\n', 'metrics:\n  - name: avg_amount\n    expression: AVG(amount)\n'),
    );
    const { plan: next } = await plan();
    const changes = changeOf(next, 'dataset', n.orders).changes;
    expect(changes.map((c) => [c.path, c.before === undefined ? 'added' : 'removed'])).toEqual([
      ['columns[status]', 'removed'],
      ['metrics[avg_amount]', 'added'],
    ]);
    eng.port.reset();
    expect((await eng.apply()).result).toBe('success');
    expect(eng.port.writes().map((w) => `${w.op} ${w.kind} ${w.fields?.join(',')}`)).toEqual([
      'update dataset always_filter_main_dttm,columns,metrics',
    ]);
    const after = await fx.admin.get('dataset', ids.orders);
    expect(names(after.columns, 'column_name')).not.toContain('status');
    expect(names(after.metrics, 'metric_name')).toEqual(['avg_amount', 'order_count', 'revenue']);
    expect(metricId(after, 'revenue')).toBe(metricId(before, 'revenue'));
    await expectConverged();
  });

  it('runs a query_context given in YAML against this environment, and compares it without the id', async () => {
    const name = `QC chart ${fx.runId}`;
    fx.write(
      'charts/qc.yaml',
      `kind: chart
name: ${name}
dataset: ${n.orders}
viz_type: table
params:
  query_mode: aggregate
  groupby: [region]
  metrics: [revenue]
  row_limit: 10
query_context:
  datasource: { id: 999999, type: table }
  force: false
  queries:
    - columns: [region]
      metrics: [revenue]
      row_limit: 10
      orderby: [[revenue, false]]
  form_data: { datasource: 999999__table, viz_type: table, groupby: [region], metrics: [revenue] }
  result_format: json
  result_type: full
`,
    );
    expect((await cli(fx, 'apply')).code).toBe(0);
    const chartId = await idOf(fx.admin, 'chart', name);
    const stored = json((await fx.admin.get('chart', chartId)).query_context);
    expect(stored.datasource).toEqual({ id: ids.orders, type: 'table' });
    const data = await fx.admin.chartData(chartId);
    expect(data[0]?.rowcount).toBe(4);
    await expectConverged();

    fx.edit('charts/qc.yaml', (t) => t.replace('      row_limit: 10\n', '      row_limit: 3\n'));
    const { plan: next } = await plan();
    expect(changeOf(next, 'chart', name).changes).toEqual([
      { path: 'query_context.queries[0].row_limit', before: 10, after: 3 },
    ]);
    expect((await cli(fx, 'apply')).code).toBe(0);
    expect((await fx.admin.chartData(chartId))[0]?.rowcount).toBe(3);
    expect((await readBack(fx.admin, 'chart', name)).viz_type).toBe('table');
    await expectConverged();
  });
});
