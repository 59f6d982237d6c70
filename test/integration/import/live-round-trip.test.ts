// Real content, as a team's Superset holds it, survives adoption field for field: a bundle this test
// makes itself (two charts with one title, a virtual dataset with typed columns and a currency on
// its metric, top-level tabs, a native filter scoped to one tab with a pre-filter, cross-filter
// settings, a chart the timed refresh leaves alone) goes through `import --bundle`, is applied to an
// empty environment, and comes back through stock Superset's own export endpoint: compared with the
// original object by object, field by field, ids and timestamps aside (test/helpers/bundle-compare.ts).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { readBundle } from '../../../src/import/bundle-read.js';
import { readZip } from '../../../src/import/zip.js';
import { deriveUuid } from '../../../src/model/object.js';
import { compareBundles } from '../../helpers/bundle-compare.js';
import { createFixture, listOwn, type Fixture } from '../sync/fixture.js';
import { runMain } from '../sync/harness.js';
import { passwordVariable } from '../../../src/superset-map/from-superset.js';
import { warehousePassword, warehouseUri } from '../warehouse.js';

let fx: Fixture;
let bundleDir: string;
const u = (what: string) => deriveUuid('chart', `live-round-trip/${what}/${fx.runId}`);

function write(file: string, doc: unknown): void {
  const full = path.join(bundleDir, file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, typeof doc === 'string' ? doc : stringify(doc));
}

const column = (name: string, type: string, extra: Record<string, unknown> = {}) => ({
  column_name: name,
  verbose_name: null,
  is_dttm: false,
  is_active: true,
  type,
  advanced_data_type: null,
  groupby: true,
  filterable: true,
  expression: null,
  description: null,
  python_date_format: null,
  extra: {},
  ...extra,
});

function makeBundle(): void {
  const r = fx.runId;
  const ids = { db: u('db'), ds: u('ds'), c1: u('c1'), c2: u('c2'), c3: u('c3'), dash: u('dash') };
  write('metadata.yaml', `version: 1.0.0\ntype: assets\ntimestamp: '2026-12-05T00:00:00+00:00'\n`);
  write(`databases/lrt_${r}.yaml`, {
    database_name: `lrt_db_${r}`,
    sqlalchemy_uri: warehouseUri().replace('warehouse@', 'warehouse:XXXXXXXXXX@'),
    cache_timeout: null,
    expose_in_sqllab: true,
    allow_run_async: false,
    allow_ctas: false,
    allow_cvas: false,
    allow_dml: false,
    allow_csv_upload: false,
    extra: {
      metadata_params: {},
      engine_params: {},
      metadata_cache_timeout: {},
      schemas_allowed_for_file_upload: [],
    },
    uuid: ids.db,
    version: '1.0.0',
  });
  write(`datasets/lrt_${r}/virtual.yaml`, {
    table_name: `lrt_orders_${r}`,
    main_dttm_col: 'order_date',
    description: 'Orders, from SQL',
    default_endpoint: null,
    offset: 0,
    cache_timeout: null,
    schema: null,
    sql: `SELECT order_date, region, amount FROM orders_${r}`,
    params: null,
    template_params: null,
    filter_select_enabled: true,
    fetch_values_predicate: null,
    extra: null,
    uuid: ids.ds,
    metrics: [
      {
        metric_name: 'revenue',
        verbose_name: 'Revenue',
        metric_type: null,
        expression: 'SUM(amount)',
        description: null,
        d3format: ',.2f',
        currency: { symbol: 'EUR', symbolPosition: 'suffix' },
        extra: {},
        warning_text: null,
      },
    ],
    columns: [
      column('order_date', 'DATETIME', { is_dttm: true, python_date_format: '%Y-%m-%d %H:%M:%S' }),
      column('region', 'TEXT', { verbose_name: 'Region' }),
      column('amount', 'REAL'),
    ],
    version: '1.0.0',
    database_uuid: ids.db,
  });
  const chart = (uuid: string, title: string, viz: string, params: Record<string, unknown>) => ({
    slice_name: title,
    description: null,
    certified_by: null,
    certification_details: null,
    viz_type: viz,
    params: { viz_type: viz, ...params },
    query_context: null,
    cache_timeout: null,
    uuid,
    version: '1.0.0',
    dataset_uuid: ids.ds,
  });
  const title = `Revenue by region ${r}`;
  write(
    `charts/pie_${r}.yaml`,
    chart(ids.c1, title, 'pie', { groupby: ['region'], metric: 'revenue', row_limit: 100 }),
  );
  write(
    `charts/table_${r}.yaml`,
    chart(ids.c2, title, 'table', { groupby: ['region'], metrics: ['revenue'], row_limit: 10 }),
  );
  write(`charts/total_${r}.yaml`, chart(ids.c3, `Total ${r}`, 'big_number_total', { metric: 'revenue' }));
  const chartNode = (id: string, chartId: number, uuid: string, parents: string[]) => ({
    type: 'CHART',
    id,
    children: [],
    parents,
    meta: { chartId, uuid, width: 6, height: 50 },
  });
  const position = {
    DASHBOARD_VERSION_KEY: 'v2',
    ROOT_ID: { type: 'ROOT', id: 'ROOT_ID', children: ['TABS-top'] },
    GRID_ID: { type: 'GRID', id: 'GRID_ID', children: [], parents: ['ROOT_ID'] },
    HEADER_ID: { type: 'HEADER', id: 'HEADER_ID', meta: { text: `Live round trip ${r}` } },
    'TABS-top': {
      type: 'TABS',
      id: 'TABS-top',
      children: ['TAB-a', 'TAB-b'],
      parents: ['ROOT_ID'],
      meta: {},
    },
    'TAB-a': {
      type: 'TAB',
      id: 'TAB-a',
      children: ['ROW-a'],
      parents: ['ROOT_ID', 'TABS-top'],
      meta: { text: 'Overview' },
    },
    'TAB-b': {
      type: 'TAB',
      id: 'TAB-b',
      children: ['ROW-b'],
      parents: ['ROOT_ID', 'TABS-top'],
      meta: { text: 'Detail' },
    },
    'ROW-a': {
      type: 'ROW',
      id: 'ROW-a',
      children: ['CHART-1', 'CHART-2'],
      parents: ['ROOT_ID', 'TABS-top', 'TAB-a'],
      meta: { background: 'BACKGROUND_TRANSPARENT' },
    },
    'ROW-b': {
      type: 'ROW',
      id: 'ROW-b',
      children: ['CHART-3'],
      parents: ['ROOT_ID', 'TABS-top', 'TAB-b'],
      meta: { background: 'BACKGROUND_TRANSPARENT' },
    },
    'CHART-1': chartNode('CHART-1', 1, ids.c1, ['ROOT_ID', 'TABS-top', 'TAB-a', 'ROW-a']),
    'CHART-2': chartNode('CHART-2', 2, ids.c2, ['ROOT_ID', 'TABS-top', 'TAB-a', 'ROW-a']),
    'CHART-3': chartNode('CHART-3', 3, ids.c3, ['ROOT_ID', 'TABS-top', 'TAB-b', 'ROW-b']),
  };
  write(`dashboards/lrt_${r}.yaml`, {
    dashboard_title: `Live round trip ${r}`,
    description: null,
    css: '',
    slug: `lrt-${r}`.replace(/_/g, '-'),
    certified_by: 'Data team',
    certification_details: 'Reviewed in git',
    published: true,
    uuid: ids.dash,
    position,
    metadata: {
      color_scheme: 'supersetColors',
      refresh_frequency: 300,
      timed_refresh_immune_slices: [3],
      expanded_slices: {},
      cross_filters_enabled: true,
      chart_configuration: {
        '1': { id: 1, crossFilters: { scope: 'global', chartsInScope: [2, 3] } },
        '2': { id: 2, crossFilters: { scope: { rootPath: ['TAB-a'], excluded: [2] }, chartsInScope: [1] } },
      },
      global_chart_configuration: {
        scope: { rootPath: ['ROOT_ID'], excluded: [] },
        chartsInScope: [1, 2, 3],
      },
      native_filter_configuration: [
        {
          id: 'NATIVE_FILTER-region',
          name: 'Region',
          filterType: 'filter_select',
          type: 'NATIVE_FILTER',
          targets: [{ column: { name: 'region' }, datasetUuid: ids.ds }],
          controlValues: {
            enableEmptyFilter: false,
            defaultToFirstItem: false,
            multiSelect: true,
            searchAllOptions: false,
            inverseSelection: false,
          },
          defaultDataMask: { extraFormData: {}, filterState: {}, ownState: {} },
          cascadeParentIds: [],
          scope: { rootPath: ['TAB-a'], excluded: [] },
          chartsInScope: [1, 2],
          tabsInScope: ['TAB-a'],
          description: 'Only the Overview tab',
          adhoc_filters: [
            {
              clause: 'WHERE',
              expressionType: 'SQL',
              sqlExpression: "region <> 'none'",
            },
          ],
        },
      ],
    },
    version: '1.0.0',
  });
}

// `import --bundle` turns the export's masked password into `${env.<DB>_PASSWORD}`: the apply reads it.
let passwordVar: string;

beforeAll(() => {
  fx = createFixture('lrt');
  passwordVar = passwordVariable(`lrt_db_${fx.runId}`);
  process.env[passwordVar] = warehousePassword();
  bundleDir = path.join(fx.dir, 'bundle');
  makeBundle();
});

afterAll(async () => {
  delete process.env[passwordVar];
  await fx.cleanup();
});

describe('a bundle through import, apply and stock Superset export', () => {
  it('comes back field for field', async () => {
    const env = ['--env', fx.envName, '--dir', fx.metadataDir];
    const imported = await runMain(['import', '--bundle', bundleDir, '--out', fx.metadataDir]);
    expect(imported.code, imported.stdout + imported.stderr).toBe(0);
    const apply = await runMain(['apply', ...env]);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/6 created/);
    const plan = await runMain(['plan', ...env, '--read-all']);
    expect(plan.code, plan.stdout).toBe(0);

    const [dashboard] = await listOwn(fx.admin, 'dashboard', fx.runId);
    expect(dashboard).toBeDefined();
    const exported = readBundle(readZip(await fx.admin.exportBundle('dashboard', [dashboard!.id]))).docs;
    const original = readBundle(
      new Map(
        fs
          .readdirSync(bundleDir, { recursive: true, encoding: 'utf8' })
          .filter((f) => f.endsWith('.yaml'))
          .map((f) => [f, fs.readFileSync(path.join(bundleDir, f), 'utf8')]),
      ),
    ).docs;
    const { compared, failures, held } = compareBundles(original, exported);
    if (held.length) console.log(`not held, by design:\n  ${held.join('\n  ')}`);
    expect(compared).toBe(6);
    expect(failures, failures.join('\n')).toEqual([]);
    // The comparer's verdict, checked directly on what stock Superset exported.
    const dash = exported.find((d) => d.kind === 'dashboard')!.doc as {
      position: Record<string, { type?: string; meta?: { text?: string } }>;
      metadata: {
        native_filter_configuration: { scope: { rootPath: string[] }; adhoc_filters?: unknown[] }[];
        chart_configuration: Record<string, unknown>;
        timed_refresh_immune_slices: number[];
      };
    };
    const [filter] = dash.metadata.native_filter_configuration;
    expect(filter?.scope.rootPath.map((id) => dash.position[id]?.meta?.text)).toEqual(['Overview']);
    expect(filter?.adhoc_filters).toHaveLength(1);
    expect(Object.keys(dash.metadata.chart_configuration)).toHaveLength(2);
    expect(dash.metadata.timed_refresh_immune_slices).toHaveLength(1);
    const dataset = exported.find((d) => d.kind === 'dataset')!.doc as {
      columns: { column_name: string; type: string }[];
      metrics: { currency?: { symbol?: string } | string }[];
    };
    expect(Object.fromEntries(dataset.columns.map((c) => [c.column_name, c.type]))).toEqual({
      order_date: 'DATETIME',
      region: 'TEXT',
      amount: 'REAL',
    });
    // An object in 6.x's export, its JSON text in 5.0's.
    const currency = dataset.metrics[0]?.currency;
    expect(
      (typeof currency === 'string' ? (JSON.parse(currency) as { symbol?: string }) : currency)?.symbol,
    ).toBe('EUR');
    // Both charts keep the title they share.
    const charts = await listOwn(fx.admin, 'chart', fx.runId);
    expect(charts.filter((c) => c.name === `Revenue by region ${fx.runId}`)).toHaveLength(2);
  });
});
